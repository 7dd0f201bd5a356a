/* cli/plot/cli_plot.c - `adex plot FILE.h5 [--out FILE.png]`, and the launcher of
 * the plotting helper shared with `adex patterns`. */
#define _POSIX_C_SOURCE 200809L

#include "cli_plot.h"
#include "adex/files.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_output.h"

#ifndef ADEX_SOURCE_DIR
#define ADEX_SOURCE_DIR "."
#endif

#define SCRIPT_NAME "adex_plot.py"
#define DEFAULT_PYTHON "/usr/bin/python3"
#define EXIT_NO_MATPLOTLIB 3 /* the helper's status when imports fail */

extern char **environ;

/* Whether path names a readable regular file. */
static int readable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* Why readable_file(path) is false, for messages. */
static const char *why_unreadable(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return strerror(errno);
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (access(path, R_OK) != 0) return strerror(errno);
  return "not readable";
}

/* The directory of the running executable into buf (no trailing '/');
 * 0 or -1. */
static int exe_dir(char *buf, size_t len) {
  ssize_t n = readlink("/proc/self/exe", buf, len - 1);
  char *slash;
  if (n <= 0) return -1;
  buf[n] = '\0';
  slash = strrchr(buf, '/');
  if (slash == NULL) return -1;
  *slash = '\0';
  return 0;
}

/* Find the helper script; 0 with its path in buf, or -1. */
static int find_script(char *buf, size_t len) {
  const char *env = getenv("ADEX_PLOT_SCRIPT");
  char dir[PATH_MAX];
  int w;
  if (env != NULL && env[0] != '\0') {
    w = snprintf(buf, len, "%s", env);
    return w > 0 && (size_t)w < len && readable_file(buf) ? 0 : -1;
  }
  if (exe_dir(dir, sizeof dir) == 0) {
    w = snprintf(buf, len, "%s/%s", dir, SCRIPT_NAME);
    if (w > 0 && (size_t)w < len && readable_file(buf)) return 0;
    w = snprintf(buf, len, "%s/../share/adex/%s", dir, SCRIPT_NAME);
    if (w > 0 && (size_t)w < len && readable_file(buf)) return 0;
  }
  w = snprintf(buf, len, "%s/cli/plot/%s", ADEX_SOURCE_DIR, SCRIPT_NAME);
  return w > 0 && (size_t)w < len && readable_file(buf) ? 0 : -1;
}

int cli_plot_draw(const char *mode, const char *in, const char *out) {
  char script[PATH_MAX + 64];
  const char *python = getenv("ADEX_PYTHON");
  char *argv[6];
  pid_t pid;
  int st, err;
  if (python == NULL || python[0] == '\0') python = DEFAULT_PYTHON;
  if (find_script(script, sizeof script) != 0) {
    const char *env = getenv("ADEX_PLOT_SCRIPT");
    if (env != NULL && env[0] != '\0')
      cli_error("cannot draw %s: ADEX_PLOT_SCRIPT names '%s': %s; the data "
                "is in %s",
                out, env, why_unreadable(env), in);
    else
      cli_error("cannot draw %s: the plotting helper %s was not found (set "
                "ADEX_PLOT_SCRIPT); the data is in %s",
                out, SCRIPT_NAME, in);
    return CLI_EXIT_FAILURE;
  }
  if (access(python, X_OK) != 0) {
    cli_error("cannot draw %s: %s not found; plots need Python 3 with "
              "matplotlib and h5py (Debian: apt-get install "
              "python3-matplotlib python3-h5py); the data is in %s",
              out, python, in);
    return CLI_EXIT_FAILURE;
  }
  argv[0] = (char *)python;
  argv[1] = script;
  argv[2] = (char *)mode;
  argv[3] = (char *)in;
  argv[4] = (char *)out;
  argv[5] = NULL;
  fflush(stdout);
  fflush(stderr);
  err = posix_spawn(&pid, python, NULL, NULL, argv, environ);
  if (err != 0) {
    cli_error("cannot draw %s: cannot run %s: %s; the data is in %s", out,
              python, strerror(err), in);
    return CLI_EXIT_FAILURE;
  }
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) {
      cli_error("cannot draw %s: lost the plotting helper: %s", out,
                strerror(errno));
      return CLI_EXIT_FAILURE;
    }
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
  if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_NO_MATPLOTLIB)
    cli_error("cannot draw %s: %s lacks matplotlib or h5py (Debian: "
              "apt-get install python3-matplotlib python3-h5py); the data is "
              "in %s",
              out, python, in);
  else
    cli_error("cannot draw %s: the plotting helper failed (see above); the "
              "data is in %s",
              out, in);
  return CLI_EXIT_FAILURE;
}

/* ------------------------------------------------------------ adex plot */

/* The picture formats, by file name extension (what matplotlib writes
 * with its Agg backend and Pillow). */
static const char *const formats[] = {".png",  ".pdf", ".svg",  ".eps",
                                      ".ps",   ".jpg", ".jpeg", ".tif",
                                      ".tiff", ".webp"};

/* Whether path ends in one of the picture formats (any letter case). */
static int known_format(const char *path) {
  size_t i;
  for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (adex_file_has_ext(path, formats[i])) return 1;
  return 0;
}

/* FILE.h5 -> FILE.png (or FILE + ".png" without a known extension). */
static char *default_png(const char *in) {
  size_t n = strlen(in), cut = n;
  char *out;
  if (adex_file_has_ext(in, ".h5"))
    cut = n - 3;
  else if (adex_file_has_ext(in, ".hdf5"))
    cut = n - 5;
  out = malloc(cut + 5);
  if (out == NULL) return NULL;
  memcpy(out, in, cut);
  memcpy(out + cut, ".png", 5);
  return out;
}

void cli_plot_help(FILE *out) {
  fprintf(
      out,
      "usage: adex plot FILE.h5 [--out FILE.png]\n"
      "\n"
      "Draw what a recording of `adex run` (or `adex patterns`) holds as one\n"
      "figure: a spike raster of every population, the population rate (Hz, "
      "in\n"
      "bins of about 1/100 of the run, at least dt), and the traces of each\n"
      "recorded variable (V in mV, w, input, t_last_spike) of up to 8 watched\n"
      "neurons per population. A file of `adex patterns` is drawn as its "
      "gallery.\n"
      "Uses matplotlib through " DEFAULT_PYTHON " (or $ADEX_PYTHON).\n"
      "\n"
      "  --out FILE.png   the picture, in the format its extension names: "
      ".png,\n"
      "                   .pdf, .svg, .eps, .ps, .jpg/.jpeg, .tif/.tiff, "
      ".webp;\n"
      "                   not the recording itself [FILE with .png instead of\n"
      "                   .h5]\n"
      "  -h, --help       print this help\n"
      "\n"
      "Exit status: 0 drawn; 2 bad arguments or not a readable file; 1 the\n"
      "figure could not be drawn (python3 or matplotlib missing, bad file).\n");
}

int cli_plot_main(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  char *def = NULL;
  int i, rc;
  cli_prog = "adex plot";
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      cli_plot_help(stdout);
      return CLI_EXIT_OK;
    }
  }
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--out") == 0) {
      if (i + 1 >= argc) return cli_error("--out needs a value");
      out = argv[++i];
    } else if (strncmp(a, "--out=", 6) == 0) {
      out = a + 6;
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_error("unknown option '%s' (see adex plot --help)", a);
    } else if (in == NULL) {
      in = a;
    } else {
      return cli_error("unexpected argument '%s' (see adex plot --help)", a);
    }
  }
  if (in == NULL)
    return cli_error("which file? usage: adex plot FILE.h5 "
                     "[--out FILE.png]");
  if (out != NULL && out[0] == '\0') return cli_error("--out expects a file");
  if (!readable_file(in))
    return cli_error("cannot read '%s': %s", in,
                     access(in, F_OK) == 0 ? "not a readable file"
                                           : strerror(ENOENT));
  if (out == NULL) {
    if ((def = default_png(in)) == NULL) return cli_error("out of memory");
    out = def;
  }
  if (cli_same_file(in, out))
    rc = cli_error("--out names the recording itself: '%s' (choose another "
                   "name)",
                   out);
  else if (!known_format(out))
    rc = cli_error("--out: '%s' names no picture format; end it in .png, "
                   ".pdf, .svg, .eps, .ps, .jpg, .tif or .webp",
                   out);
  else
    rc = cli_plot_draw("recording", in, out);
  if (rc == 0) printf("figure written to %s\n", out);
  free(def);
  return rc;
}
