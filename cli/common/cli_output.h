/* cli/common/cli_output.h - output files that appear only when complete.
 *
 * An output is streamed to a temporary file beside its target
 * ("FILE.tmp.XXXXXX", from mkstemp) and renamed onto FILE by
 * cli_output_commit; cli_output_abort removes the temporary and leaves an
 * existing FILE untouched. Opening the temporary first detects an output
 * that cannot be written before any work is done.
 *
 * An existing FILE that is not a regular file (a device such as /dev/null
 * or /dev/full, a pipe such as /dev/stdout), or that is named in /dev or
 * /proc, cannot be replaced: it is written in place, and commit reports a
 * failed write, flush or close.
 */
#ifndef ADEX_CLI_OUTPUT_H
#define ADEX_CLI_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct cli_output {
  FILE *fp;   /* the temporary, open for writing; NULL when closed */
  char *path; /* the target FILE (owned copy) */
  char *tmp;  /* the temporary's name (owned); NULL when written in place */
  int direct; /* 1: FILE itself is open (not a regular file) */
} cli_output;

/* Create the temporary for path. Returns 0, or an errno value (o is then
 * empty and nothing is left on disk). */
int cli_output_open(cli_output *o, const char *path);

/* Like cli_output_open, but close the temporary at once and keep only its
 * name (o->tmp), for libraries that open files by name (HDF5). Commit and
 * abort work as for an open output. An existing path that is not a regular
 * file is refused with ESPIPE (such files are seekable only by chance). */
int cli_output_reserve(cli_output *o, const char *path);

/* Whether path names an existing file that must be written in place: one
 * that is neither a regular file nor a directory (a device, a pipe, a
 * socket), or any file named in /dev or /proc (/dev/stdout, /dev/fd/1). */
int cli_output_is_special(const char *path);

/* Whether the names a and b lead to the same file: by device and inode
 * when both exist, else by the directory (device and inode) and the last
 * component. Character devices (/dev/null, a terminal) are never the
 * "same file": writing twice to them loses nothing. */
int cli_same_file(const char *a, const char *b);

/* A file a command reads or writes, for cli_files_clash. */
typedef struct cli_file_ref {
  const char *path; /* as given */
  const char *what; /* the option or config entry naming it */
  int output;       /* 1: written by the command, 0: read */
  int tag;          /* entries with one nonzero tag may share a file (an
                       input read whole before that output replaces it) */
  size_t order;     /* position in the caller's list (set by the call) */
  int kind;         /* the identity (set by the call): 0 existing file, */
  dev_t dev;        /* 1 new file in directory dev:ino, 2 unresolved */
  ino_t ino;
  const char *base; /* kind 1: the last component; kind 2: the path */
  int chr;          /* a character device */
} cli_file_ref;

/* Whether two of files[0..n) name the same file (as cli_same_file), at
 * least one of them is written and they do not share a tag. Sorts files; returns 1 with *a and *b set
 * to the pair (*a the earlier one in the caller's list), else 0. n log n,
 * one stat per file. */
int cli_files_clash(cli_file_ref *files, size_t n, cli_file_ref *a,
                    cli_file_ref *b);

/* Check before a run that a library may later create path (by a temporary
 * beside it and a rename): the directory takes a new file and path is not
 * an existing directory or special file. Returns 0 or an errno value
 * (EISDIR; ESPIPE for a special file). Nothing is left on disk. */
int cli_output_probe(const char *path);

/* 0 while every write has succeeded, else an errno value (best guess: the
 * errno left by the failed write, or EIO). Call it right after writing. */
int cli_output_failed(const cli_output *o);

/* Flush, close and rename the temporary onto the target. Returns 0, or an
 * errno value after removing the temporary. Frees o's names either way. */
int cli_output_commit(cli_output *o);

/* Close and remove the temporary, free o's names. Safe on a closed o. */
void cli_output_abort(cli_output *o);

#endif /* ADEX_CLI_OUTPUT_H */
