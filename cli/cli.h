/* cli/cli.h - subcommands of the adex command-line program.
 *
 * main.c dispatches on the first argument; each subcommand gets the
 * arguments after its name and returns the process exit status.
 */
#ifndef ADEX_CLI_H
#define ADEX_CLI_H

#include <stdio.h>

/* Exit statuses shared by every subcommand. */
enum {
  CLI_EXIT_OK = 0,     /* success */
  CLI_EXIT_FAILURE = 1, /* failure while running (I/O, out of memory) */
  CLI_EXIT_USAGE = 2   /* bad command line or settings; nothing was run */
};

/* `adex run`: simulate a population; argv holds the arguments after "run". */
int cli_run_main(int argc, char **argv);

/* Print the full help of `adex run` (options, units, defaults) to out. */
void cli_run_help(FILE *out);

#endif /* ADEX_CLI_H */
