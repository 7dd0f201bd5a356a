/* cli/cli_output.h - output files that appear only when complete.
 *
 * An output is streamed to a temporary file beside its target
 * ("FILE.tmp.XXXXXX", from mkstemp) and renamed onto FILE by
 * cli_output_commit; cli_output_abort removes the temporary and leaves an
 * existing FILE untouched. Opening the temporary first detects an output
 * that cannot be written before any work is done.
 */
#ifndef ADEX_CLI_OUTPUT_H
#define ADEX_CLI_OUTPUT_H

#include <stdio.h>

typedef struct cli_output {
  FILE *fp;   /* the temporary, open for writing; NULL when closed */
  char *path; /* the target FILE (owned copy) */
  char *tmp;  /* the temporary's name (owned) */
} cli_output;

/* Create the temporary for path. Returns 0, or an errno value (o is then
 * empty and nothing is left on disk). */
int cli_output_open(cli_output *o, const char *path);

/* Like cli_output_open, but close the temporary at once and keep only its
 * name (o->tmp), for libraries that open files by name (HDF5). Commit and
 * abort work as for an open output. */
int cli_output_reserve(cli_output *o, const char *path);

/* 0 while every write has succeeded, else an errno value (best guess: the
 * errno left by the failed write, or EIO). Call it right after writing. */
int cli_output_failed(const cli_output *o);

/* Flush, close and rename the temporary onto the target. Returns 0, or an
 * errno value after removing the temporary. Frees o's names either way. */
int cli_output_commit(cli_output *o);

/* Close and remove the temporary, free o's names. Safe on a closed o. */
void cli_output_abort(cli_output *o);

#endif /* ADEX_CLI_OUTPUT_H */
