/* cli/common/cli_output.c - atomic output files for the adex command line.
 *
 * write to "FILE.tmp.XXXXXX" (mkstemp, same directory so rename() is
 * atomic), then fflush + fclose + rename on success, fclose + unlink on
 * failure. mkstemp creates the file with mode 0600; it is widened to what
 * an ordinary fopen() would give (0666 minus the umask). A target that
 * exists and is not a regular file (a device, a pipe), or is named in
 * /dev or /proc (/dev/stdout redirected to a file), is opened and written
 * in place: renaming over it would replace the device node or the link.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */

#include "cli_output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy a string with malloc; NULL on failure. */
static char *dup_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

/* Free o's names and mark it closed. */
static void release(cli_output *o) {
  free(o->path);
  free(o->tmp);
  o->path = NULL;
  o->tmp = NULL;
  o->fp = NULL;
  o->direct = 0;
}

/* Give fd the permissions fopen() would have: 0666 minus the umask. */
static void set_default_mode(int fd) {
  mode_t mask = umask(0);
  umask(mask);
  (void)fchmod(fd, (mode_t)(0666 & ~mask));
}

/* Fail with EISDIR if path names an existing directory. */
static int check_not_directory(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return EISDIR;
  return 0;
}

/* Create and open the temporary o->tmp; returns 0 or an errno value. */
static int open_temp(cli_output *o) {
  int fd = mkstemp(o->tmp);
  int err;
  if (fd < 0) return errno != 0 ? errno : EIO;
  set_default_mode(fd);
  o->fp = fdopen(fd, "w");
  if (o->fp != NULL) return 0;
  err = errno != 0 ? errno : EIO;
  close(fd);
  unlink(o->tmp);
  return err;
}

/* The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or
 * /proc/self/fd/N names, or -1 for another path. */
static int named_descriptor(const char *path) {
  const char *num = NULL;
  char *end;
  long fd;
  if (strcmp(path, "/dev/stdout") == 0) return 1;
  if (strcmp(path, "/dev/stderr") == 0) return 2;
  if (strncmp(path, "/dev/fd/", 8) == 0)
    num = path + 8;
  else if (strncmp(path, "/proc/self/fd/", 14) == 0)
    num = path + 14;
  if (num == NULL || *num < '0' || *num > '9') return -1;
  errno = 0;
  fd = strtol(num, &end, 10);
  return *end == '\0' && errno == 0 && fd <= 1000000 ? (int)fd : -1;
}

/* Whether the directory holding path resolves into /dev or /proc. */
static int in_dev_or_proc(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096], *real;
  int yes;
  size_t n;
  if (slash == NULL) {
    if ((real = realpath(".", NULL)) == NULL) return 0;
  } else {
    n = slash == path ? 1 : (size_t)(slash - path);
    if (n + 1 > sizeof dir) return 0;
    memcpy(dir, path, n);
    dir[n] = '\0';
    if ((real = realpath(dir, NULL)) == NULL) return 0;
  }
  yes = strcmp(real, "/dev") == 0 || strncmp(real, "/dev/", 5) == 0 ||
        strcmp(real, "/proc") == 0 || strncmp(real, "/proc/", 6) == 0;
  free(real);
  return yes;
}

/* Whether path exists and must be written in place: not a regular file
 * or directory, or a name in /dev or /proc (/dev/stdout, /dev/fd/1 lead
 * to whatever the descriptor is, a regular file too). */
int cli_output_is_special(const char *path) {
  struct stat st;
  if (named_descriptor(path) >= 0) return 1;
  if (stat(path, &st) != 0 || S_ISDIR(st.st_mode)) return 0;
  return !S_ISREG(st.st_mode) || in_dev_or_proc(path);
}

/* Open the existing special file path itself; 0 or an errno value. A
 * descriptor named by path (/dev/stdout) is used as it is (a duplicate):
 * opening it again would truncate a regular file stdout goes to and write
 * it from another offset. */
static int open_direct(cli_output *o, const char *path) {
  int err, fd = named_descriptor(path), dup_fd = -1;
  if ((o->path = dup_string(path)) == NULL) return ENOMEM;
  errno = 0;
  if (fd >= 0 && (dup_fd = dup(fd)) >= 0) {
    if ((o->fp = fdopen(dup_fd, "w")) == NULL) close(dup_fd);
  } else if (fd < 0) {
    o->fp = fopen(path, "w");
  }
  if (o->fp != NULL) {
    if (fd == STDOUT_FILENO) fflush(stdout); /* what came before first */
    o->direct = 1;
    return 0;
  }
  err = errno != 0 ? errno : EIO;
  release(o);
  return err;
}

/* Create and open the temporary "path.tmp.XXXXXX" (or path itself when it
 * is a special file). */
int cli_output_open(cli_output *o, const char *path) {
  static const char suffix[] = ".tmp.XXXXXX";
  size_t n = strlen(path);
  int err = n == 0 ? ENOENT : check_not_directory(path);
  o->fp = NULL;
  o->path = NULL;
  o->tmp = NULL;
  o->direct = 0;
  if (err != 0) return err;
  if (cli_output_is_special(path)) return open_direct(o, path);
  o->path = dup_string(path);
  o->tmp = malloc(n + sizeof suffix);
  if (o->path == NULL || o->tmp == NULL) {
    release(o);
    return ENOMEM;
  }
  memcpy(o->tmp, path, n);
  memcpy(o->tmp + n, suffix, sizeof suffix);
  err = open_temp(o);
  if (err != 0) release(o);
  return err;
}

/* Create the temporary and keep only its name. */
int cli_output_reserve(cli_output *o, const char *path) {
  int err;
  o->fp = NULL;
  o->path = NULL;
  o->tmp = NULL;
  o->direct = 0;
  if (cli_output_is_special(path)) return ESPIPE;
  if ((err = cli_output_open(o, path)) != 0) return err;
  if (fclose(o->fp) != 0) {
    err = errno != 0 ? errno : EIO;
    o->fp = NULL;
    cli_output_abort(o);
    return err;
  }
  o->fp = NULL;
  return 0;
}

/* Report a failed write as an errno value (0 if none). */
int cli_output_failed(const cli_output *o) {
  if (o->fp == NULL || !ferror(o->fp)) return 0;
  return errno != 0 ? errno : EIO;
}

/* Flush, close and rename the temporary onto the target (a special file:
 * flush and close it). */
int cli_output_commit(cli_output *o) {
  int err = 0;
  if (o->path == NULL) return EINVAL;
  if (o->fp != NULL) {
    errno = 0;
    if (fflush(o->fp) != 0 || ferror(o->fp)) err = errno != 0 ? errno : EIO;
    errno = 0;
    if (fclose(o->fp) != 0 && err == 0) err = errno != 0 ? errno : EIO;
    o->fp = NULL;
  }
  if (o->direct) {
    release(o);
    return err;
  }
  if (err == 0 && rename(o->tmp, o->path) != 0) err = errno != 0 ? errno : EIO;
  if (err != 0) unlink(o->tmp);
  release(o);
  return err;
}

/* Close and remove the temporary. */
void cli_output_abort(cli_output *o) {
  if (o->fp != NULL) {
    fclose(o->fp);
    o->fp = NULL;
  }
  if (o->tmp != NULL && !o->direct) unlink(o->tmp);
  release(o);
}

/* The directory part of path into buf ("." without a slash) and the last
 * component into *base; -1 if it does not fit or there is no last
 * component. */
static int split_path(const char *path, char *buf, size_t len,
                      const char **base) {
  const char *slash = strrchr(path, '/');
  size_t n;
  if (slash == NULL) {
    *base = path;
    if (len < 2) return -1;
    memcpy(buf, ".", 2);
    return path[0] == '\0' ? -1 : 0;
  }
  *base = slash + 1;
  n = slash == path ? 1 : (size_t)(slash - path);
  if (n + 1 > len || (*base)[0] == '\0') return -1;
  memcpy(buf, path, n);
  buf[n] = '\0';
  return 0;
}

/* Set the identity fields of f. */
static void file_key(cli_file_ref *f) {
  struct stat st;
  char dir[4096];
  f->chr = 0;
  f->base = NULL;
  if (stat(f->path, &st) == 0) {
    f->kind = 0;
    f->chr = S_ISCHR(st.st_mode) != 0;
  } else if (split_path(f->path, dir, sizeof dir, &f->base) == 0 &&
             stat(dir, &st) == 0) {
    f->kind = 1;
  } else {
    f->kind = 2;
    f->base = f->path;
    f->dev = 0;
    f->ino = 0;
    return;
  }
  f->dev = st.st_dev;
  f->ino = st.st_ino;
}

/* Order of identities (qsort), then of the caller's list. */
static int key_cmp(const void *pa, const void *pb) {
  const cli_file_ref *a = pa, *b = pb;
  int c;
  if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
  if (a->dev != b->dev) return a->dev < b->dev ? -1 : 1;
  if (a->ino != b->ino) return a->ino < b->ino ? -1 : 1;
  if (a->kind != 0 && (c = strcmp(a->base, b->base)) != 0) return c;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* Whether a and b have the same identity. */
static int key_equal(const cli_file_ref *a, const cli_file_ref *b) {
  return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino &&
         (a->kind == 0 || strcmp(a->base, b->base) == 0);
}

/* Whether a and b are one file (never for a character device). */
int cli_same_file(const char *a, const char *b) {
  cli_file_ref fa, fb;
  memset(&fa, 0, sizeof fa);
  memset(&fb, 0, sizeof fb);
  fa.path = a;
  fb.path = b;
  file_key(&fa);
  file_key(&fb);
  return key_equal(&fa, &fb) && !fa.chr;
}

/* Sort by identity, then find the first pair in a group that clashes. */
int cli_files_clash(cli_file_ref *files, size_t n, cli_file_ref *a,
                    cli_file_ref *b) {
  size_t i, j, x, y;
  for (i = 0; i < n; i++) {
    files[i].order = i;
    file_key(&files[i]);
  }
  if (n > 1) qsort(files, n, sizeof *files, key_cmp);
  for (i = 0; i < n; i = j) {
    int written = files[i].output;
    for (j = i + 1; j < n && key_equal(&files[i], &files[j]); j++)
      written |= files[j].output;
    if (files[i].chr || !written) continue;
    /* a group is in the caller's order: the first pair that clashes
     * (quadratic only in the names of one written file) */
    for (x = i; x < j; x++) {
      for (y = x + 1; y < j; y++) {
        const cli_file_ref *p = &files[x], *q = &files[y];
        if (!(p->output || q->output) || (p->tag != 0 && p->tag == q->tag))
          continue;
        *a = *p;
        *b = *q;
        return 1;
      }
    }
  }
  return 0;
}

/* Create and remove a temporary beside path. */
int cli_output_probe(const char *path) {
  struct stat st;
  cli_output o;
  int err;
  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (!S_ISREG(st.st_mode)) return ESPIPE;
  }
  if ((err = cli_output_reserve(&o, path)) != 0) return err;
  cli_output_abort(&o);
  return 0;
}
