/* cli/run/cli_config.h - JSON config files of `adex run` (schema: docs/cli.md).
 *
 * cli_config_load reads a file into a cli_sim. Every problem is reported as
 * one line on stderr that names the file and the JSON path of the value
 * ("run.json: populations[0].params.tau: must be a number, got a string");
 * a malformed file names the line and column where parsing stopped.
 * cli_sim_check validates what is only known once the flags have been
 * merged (list lengths against sizes, watched neurons), with the same paths.
 */
#ifndef ADEX_CLI_CONFIG_H
#define ADEX_CLI_CONFIG_H

#include "cli_sim.h"

/* Read the JSON config at path into sim (fresh from cli_sim_init).
 * Returns 0, or CLI_EXIT_USAGE after printing the problem. */
int cli_config_load(const char *path, cli_sim *sim);

/* Check the merged description: per-neuron list lengths, initializers,
 * methods, watched neurons, the input windows, the output extension.
 * Returns 0, or CLI_EXIT_USAGE after printing the problem. */
int cli_sim_check(const cli_sim *sim);

/* Where a value of population p came from, for messages: the config path
 * ("run.json: populations[0].params.tau") or the flag ("--tau"). Writes
 * into buf and returns it. */
const char *cli_where(const cli_sim *sim, const char *path, const char *key,
                      cli_source src, const char *flag, char *buf, size_t len);

#endif /* ADEX_CLI_CONFIG_H */
