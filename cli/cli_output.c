/* cli/cli_output.c - atomic output files for the adex command line.
 *
 * write to "FILE.tmp.XXXXXX" (mkstemp, same directory so rename() is
 * atomic), then fflush + fclose + rename on success, fclose + unlink on
 * failure. mkstemp creates the file with mode 0600; it is widened to what
 * an ordinary fopen() would give (0666 minus the umask).
 */
#define _POSIX_C_SOURCE 200809L

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

/* Create and open the temporary "path.tmp.XXXXXX". */
int cli_output_open(cli_output *o, const char *path) {
  static const char suffix[] = ".tmp.XXXXXX";
  size_t n = strlen(path);
  int err = n == 0 ? ENOENT : check_not_directory(path);
  o->fp = NULL;
  o->path = NULL;
  o->tmp = NULL;
  if (err != 0) return err;
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
  int err = cli_output_open(o, path);
  if (err != 0) return err;
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

/* Flush, close and rename the temporary onto the target. */
int cli_output_commit(cli_output *o) {
  int err = 0;
  if (o->tmp == NULL) return EINVAL;
  if (o->fp != NULL) {
    errno = 0;
    if (fflush(o->fp) != 0 || ferror(o->fp)) err = errno != 0 ? errno : EIO;
    errno = 0;
    if (fclose(o->fp) != 0 && err == 0) err = errno != 0 ? errno : EIO;
    o->fp = NULL;
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
  if (o->tmp != NULL) unlink(o->tmp);
  release(o);
}
