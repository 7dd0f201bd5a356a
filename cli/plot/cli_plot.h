/* cli/plot/cli_plot.h - run the plotting helper (cli/plot/adex_plot.py, matplotlib).
 *
 * The helper is a Python script run with Debian's /usr/bin/python3 (or
 * $ADEX_PYTHON) through posix_spawn, never a shell. It is found at
 * $ADEX_PLOT_SCRIPT, else next to the adex executable (the build copies it
 * there), else in ../share/adex/ relative to the executable (installed),
 * else in the source tree the program was built from.
 */
#ifndef ADEX_CLI_PLOT_H
#define ADEX_CLI_PLOT_H

/* Draw in.h5 into out.png with the helper in mode "recording" or
 * "patterns". Returns 0, or CLI_EXIT_FAILURE after printing why (python3
 * or matplotlib missing, the helper failed). */
int cli_plot_draw(const char *mode, const char *in, const char *out);

#endif /* ADEX_CLI_PLOT_H */
