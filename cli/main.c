/* cli/main.c - entry point of the `adex` program: dispatch to a subcommand.
 *
 * `adex run` simulates (cli_run.c), `adex patterns` draws the Naud et al.
 * 2008 firing patterns (cli_patterns.c), `adex plot` draws a recording
 * (cli_plot.c), `adex info` describes a file (cli_info.c); `adex --help`
 * and `adex --version` are answered here.
 */
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#include "adex/version.h"
#include "cli.h"
#include "cli_args.h"

typedef struct command {
  const char *name;                   /* as typed after `adex` */
  int (*main)(int argc, char **argv); /* gets the arguments after name */
  const char *summary;                /* one line for the usage */
} command;

static const command commands[] = {
    {"run", cli_run_main, "simulate populations of AdEx neurons"},
    {"patterns", cli_patterns_main,
     "the eight firing patterns of Naud et al. 2008: data and a gallery"},
    {"plot", cli_plot_main,
     "draw a recording (.h5) as a figure (PNG, PDF, SVG, ...)"},
    {"info", cli_info_main, "show what a recording or state file holds"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Print the short usage: synopsis and the list of subcommands. */
static void usage(FILE *out) {
  size_t i;
  fprintf(out, "usage: adex <command> [options]\n"
               "       adex <command> --help\n"
               "       adex --help | --version\n\ncommands:\n");
  for (i = 0; i < NCOMMANDS; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

/* Print the full help: usage followed by the options of every command. */
static void help(FILE *out) {
  usage(out);
  fprintf(out, "\n");
  cli_run_help(out);
  fprintf(out, "\n");
  cli_patterns_help(out);
  fprintf(out, "\n");
  cli_plot_help(out);
  fprintf(out, "\n");
  cli_info_help(out);
}

/* Find a subcommand by name; NULL if there is none. */
static const command *find_command(const char *name) {
  size_t i;
  for (i = 0; i < NCOMMANDS; i++) {
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  }
  return NULL;
}

/* Flush stdout and turn a failed write (full disk, closed pipe) into 1. */
static int finish(int status) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "adex: error writing to standard output\n");
    if (status == CLI_EXIT_OK) status = CLI_EXIT_FAILURE;
  }
  return status;
}

/* Answer --help/--version or run the named subcommand. */
int main(int argc, char **argv) {
  const command *cmd;
  /* No HDF5 exit handler: after a failed H5Fclose (a full disk) the file
   * stays half closed, and HDF5 1.10 crashes closing it again at exit.
   * Every file adex opens is closed (or abandoned and removed) by adex. */
  H5dont_atexit();
  /* HDF5 would print its error stack; adex reports errors itself */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (argc < 2) {
    usage(stderr);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    help(stdout);
    return finish(CLI_EXIT_OK);
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("adex %s\n", adex_version());
    return finish(CLI_EXIT_OK);
  }
  cmd = find_command(argv[1]);
  cli_prog = "adex";
  if (cmd == NULL) {
    fprintf(stderr, "adex: unknown %s '%s' (see adex --help)\n",
            argv[1][0] == '-' ? "option" : "command", argv[1]);
    return CLI_EXIT_USAGE;
  }
  return finish(cmd->main(argc - 2, argv + 2));
}
