/* cli/common/cli_progress.c - progress bar on a terminal, and the signal flag. */
#define _POSIX_C_SOURCE 200809L

#include "cli_progress.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SHOW_AFTER_S 1.0 /* runs shorter than this show no bar */
#define REDRAW_S 0.2     /* seconds between redraws */
#define CHECK_EVERY 64   /* steps between clock readings */

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_begin(cli_progress *pg, uint64_t total, double dt,
                        double start, int quiet) {
  memset(pg, 0, sizeof *pg);
  pg->enabled = !quiet && isatty(STDERR_FILENO);
  pg->total = total;
  pg->dt = dt;
  pg->start = start;
  pg->t0 = cli_now();
  pg->last = pg->t0;
}

/* Columns of the terminal on stderr (80 if unknown). */
static int term_columns(void) {
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
    return ws.ws_col;
  return 80;
}

/* "1:02:03", "2:03" or "5s". */
static void fmt_duration(double s, char *buf, size_t len) {
  long v = (long)(s + 0.5);
  if (v >= 3600)
    snprintf(buf, len, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60, v % 60);
  else if (v >= 60)
    snprintf(buf, len, "%ld:%02ld", v / 60, v % 60);
  else
    snprintf(buf, len, "%lds", v);
}

/* Draw the bar for done steps after elapsed seconds. The bar's width
 * depends only on the terminal and the run, never on the numbers beside
 * it: each of those has a field as wide as its longest value. */
static void draw(cli_progress *pg, uint64_t done, double elapsed) {
  char text[200], eta[32], bar[128], t[40], t_end[40], speed_s[40];
  double frac = pg->total > 0 ? (double)done / (double)pg->total : 1.0;
  double sim_ms = (double)done * pg->dt;
  double speed = elapsed > 0 ? sim_ms / elapsed : 0.0;
  double end = pg->start + (double)pg->total * pg->dt;
  /* %.6g of a time: up to 9 characters below 1e6 ms in magnitude (sign,
   * six digits, point, or 1.2345e-05), else up to 13 (-1.23457e+100) */
  int tw = fabs(pg->start) < 1e6 && fabs(end) < 1e6 ? 9 : 13;
  int width, fill, i, n, reserve;
  if (done > 0 && elapsed > 0)
    fmt_duration(elapsed * (double)(pg->total - done) / (double)done, eta,
                 sizeof eta);
  else
    snprintf(eta, sizeof eta, "?");
  snprintf(t, sizeof t, "%.6g", pg->start + sim_ms);
  snprintf(t_end, sizeof t_end, "%.6g", end);
  snprintf(speed_s, sizeof speed_s, "%.4g", speed);
  n = snprintf(text, sizeof text,
               " %3.0f%%  t %*s / %s ms  %9s ms/s  "
               "ETA %s",
               100.0 * frac, tw, t, t_end, speed_s, eta);
  if (n < 0) return;
  /* the widest text: " 100%  t " + tw + " / " + end + " ms  " + 9 +
   * " ms/s  ETA " + "999:59:59" */
  reserve = 9 + tw + 3 + (int)strlen(t_end) + 5 + 9 + 11 + 9;
  width = term_columns() - reserve - 4;
  if (width > (int)sizeof bar - 1) width = (int)sizeof bar - 1;
  if (width < 10) width = 10;
  fill = (int)(frac * width);
  for (i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  fprintf(stderr, "\r[%s]%s\033[K", bar, text);
  fflush(stderr);
  pg->shown = 1;
}

void cli_progress_update(cli_progress *pg, uint64_t done) {
  double now, elapsed;
  if (!pg->enabled || (done % CHECK_EVERY != 0 && done != pg->total)) return;
  now = cli_now();
  elapsed = now - pg->t0;
  if (elapsed < SHOW_AFTER_S || now - pg->last < REDRAW_S) return;
  pg->last = now;
  draw(pg, done, elapsed);
}

void cli_progress_end(cli_progress *pg) {
  if (!pg->shown) return;
  fprintf(stderr, "\r\033[K");
  fflush(stderr);
  pg->shown = 0;
}

/* ------------------------------------------------------------ signals */

static volatile sig_atomic_t caught = 0;
static struct sigaction old_int, old_term;
static int installed = 0;

/* Remember the first signal; a second one ends the program at once. */
static void on_signal(int sig) {
  if (caught != 0) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  caught = sig;
}

void cli_signals_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  caught = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  installed = 1;
}

int cli_signals_caught(void) { return (int)caught; }

void cli_signals_restore(void) {
  if (!installed) return;
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  installed = 0;
}
