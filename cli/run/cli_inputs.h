/* cli/run/cli_inputs.h - the inputs of a run, generated step by step.
 *
 * Each step k (from t_k = start + k*dt to t_k + dt) every input adds its
 * value for step k into the `input` array of its target population, before
 * the update (as BrainPy's runner adds its inputs). Times inside inputs are
 * ms since the start of the run. Random inputs (poisson, ou) are
 * counter-based: the draw for (step k, neuron i) is a hash of the input's
 * seed, k and i, so a run is reproducible whatever the order of evaluation.
 * Semantics of each kind: docs/cli.md.
 */
#ifndef ADEX_CLI_INPUTS_H
#define ADEX_CLI_INPUTS_H

#include <stdint.h>

#include "cli_sim.h"

typedef struct cli_inputs cli_inputs;

/* Plan the inputs of sim for a run of nsteps steps: derive step windows,
 * load input files and check them. lo, num (NULL: whole populations):
 * the inputs of population p are made for its neurons [lo[p], lo[p] +
 * num[p]) only (this process's block on several ranks: arrays given to
 * cli_inputs_apply hold num[p] values; random draws keyed by global
 * index, so each block gets what the whole population's neurons get).
 * Returns 0, or an exit status after printing the problem
 * (CLI_EXIT_USAGE for a bad setting or file). */
int cli_inputs_create(const cli_sim *sim, uint64_t nsteps, const size_t *lo,
                      const size_t *num, cli_inputs **out);

/* Add every input's value for step k into arrays[p] (the input array of
 * population p). Steps must be applied in increasing order. */
void cli_inputs_apply(cli_inputs *ins, uint64_t k, double *const *arrays);

/* When every input of population p is constant, take them out of the
 * per-step inputs: their values are added into drive[] (the population's
 * size; in the order given) and cli_inputs_apply leaves them out from then
 * on (drive holds the values of the neurons the inputs were made for).
 * The engine hands the sum to the library as the population's drive
 * (adex_pop_drive), which every update adds to the input: the same
 * current, bit for bit, without a pass over the input array per step.
 * (With other inputs too, the sum would be formed in another order, or
 * in float for a float32 population: they stay as they are.) Returns the
 * number of inputs taken. */
size_t cli_inputs_take_constant(cli_inputs *ins, size_t p, double *drive);

/* Whether any input still adds into population p step by step. */
int cli_inputs_any(const cli_inputs *ins, size_t p);

/* Free the plan. NULL is a no-op. */
void cli_inputs_free(cli_inputs *ins);

#endif /* ADEX_CLI_INPUTS_H */
