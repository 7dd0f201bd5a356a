/* cli/common/cli.h - subcommands of the adex command-line program.
 *
 * main.c dispatches on the first argument; each subcommand gets the
 * arguments after its name and returns the process exit status.
 */
#ifndef ADEX_CLI_H
#define ADEX_CLI_H

#include <stdio.h>

/* Exit statuses shared by every subcommand (a run stopped by a signal
 * exits 128 + the signal number). */
enum {
  CLI_EXIT_OK = 0,      /* success */
  CLI_EXIT_FAILURE = 1, /* failure while running (I/O, out of memory) */
  CLI_EXIT_USAGE = 2    /* bad command line or settings; nothing was run */
};

/* `adex run`: simulate populations; argv holds the arguments after "run". */
int cli_run_main(int argc, char **argv);
void cli_run_help(FILE *out);

/* `adex patterns`: the eight firing patterns of Naud et al. 2008. */
int cli_patterns_main(int argc, char **argv);
void cli_patterns_help(FILE *out);

/* `adex plot`: draw a recording (.h5) into a picture (PNG, PDF, SVG...). */
int cli_plot_main(int argc, char **argv);
void cli_plot_help(FILE *out);

/* `adex info`: what a state or recording file holds. */
int cli_info_main(int argc, char **argv);
void cli_info_help(FILE *out);

/* Print the registered method names, wrapped at 78 columns. */
void cli_help_methods(FILE *out);

#endif /* ADEX_CLI_H */
