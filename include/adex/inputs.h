/* adex/inputs.h - input generators: the inputs of a run computed step by
 * step, without a steps x neurons array (the adex program's input kinds,
 * usable from C and Python).
 *
 * A generator adds its value for step k (the step from t_k to t_k + dt of
 * a run, k counted from the run's first step) to an array of its n
 * neurons: adex_gen_add(gen, k, dst). Values are in input units (R*I, mV);
 * times are ms from the start of the run. Kinds:
 *   CONSTANT  value (one, or one per neuron) every step.
 *   SECTION   BrainPy's section_input(values, durations): section j holds
 *             values[j] for floor(durations[j]/dt) steps, one after the
 *             other from step 0; after the last section 0.
 *   RAMP      BrainPy's ramp_input(from, to, duration, t_start, t_end):
 *             steps p1 = ceil(t_start/dt) .. p2-1, p2 = ceil(t_end/dt),
 *             get numpy's linspace(from, to, p2 - p1); 0 outside.
 *   POISSON   in each step, independently per neuron, an event with
 *             probability rate*dt/1000 (rate in Hz) adds weight.
 *   OU        the Ornstein-Uhlenbeck process dX = (mean - X)/tau dt +
 *             sigma dW (BrainPy's ou_process) by its exact discretisation
 *             X' = mean + (X - mean) e^(-dt/tau) + sigma sqrt(tau/2 (1 -
 *             e^(-2 dt/tau))) N(0, 1), from X = mean; step k adds the
 *             value after k + 1 updates, so steps must come in order
 *             0, 1, 2, ... (the generator keeps X).
 *   TABLE     row k of a rows x cols table (cols 1: every neuron; else
 *             one column per neuron); 0 after the last row.
 * Step counts snap a quotient t/dt within 1e-9 of a whole number to it
 * (20/0.1 is 200 steps, not 199). The random kinds are counter-based: the
 * draw of (step k, neuron i) depends only on the seed, k and the neuron's
 * global id first_id + i, so that the values do not depend on the order of
 * evaluation, on threads, or on how neurons are split among processes.
 */
#ifndef ADEX_INPUTS_H
#define ADEX_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "adex/export.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum adex_gen_kind {
  ADEX_GEN_CONSTANT,
  ADEX_GEN_SECTION,
  ADEX_GEN_RAMP,
  ADEX_GEN_POISSON,
  ADEX_GEN_OU,
  ADEX_GEN_TABLE
} adex_gen_kind;

/* One value for every neuron (n = 1) or one per neuron (n = the
 * generator's neurons). */
typedef struct adex_gen_vec {
  const double *v;
  size_t n;
} adex_gen_vec;

typedef struct adex_gen_config {
  adex_gen_kind kind;
  size_t num;                     /* neurons (>= 1) */
  uint64_t first_id;              /* global id of neuron 0 (random kinds) */
  uint64_t seed;                  /* random kinds: the stream's key */
  adex_gen_vec value;             /* CONSTANT */
  const adex_gen_vec *sec_values; /* SECTION: n_sec values */
  const double *durations;        /* SECTION: n_sec durations (ms) */
  size_t n_sec;
  double from, to, t_start, t_end; /* RAMP (ms) */
  adex_gen_vec rate, weight;       /* POISSON (Hz; input per event) */
  adex_gen_vec mean, sigma;        /* OU (input; input per sqrt(ms)) */
  double tau;                      /* OU (ms) */
  const double *table;             /* TABLE: rows x cols, C order */
  uint64_t rows;
  size_t cols;
} adex_gen_config;

typedef struct adex_gen adex_gen;

/* A generator for steps of dt ms. Every array is copied. ADEX_EINVAL for
 * a bad value (not finite, beyond the inputs' bound of adex_input_check,
 * a negative rate or duration, tau <= 0, a vector whose length is neither
 * 1 nor num, a table with cols neither 1 nor num), naming it; ADEX_ENOMEM. */
ADEX_API adex_status adex_gen_create(const adex_gen_config *cfg, double dt,
                                     adex_gen **out);

/* dst[i] += the value of step k for neuron i, i < num. */
ADEX_API void adex_gen_add(adex_gen *gen, uint64_t k, double *dst);

/* The step after the last one added (0 for a new generator): what a run
 * that streams the generator adds next (adex_run_input GEN). */
ADEX_API uint64_t adex_gen_next_step(const adex_gen *gen);

/* Whether the generator adds the same values every step (CONSTANT). */
ADEX_API int adex_gen_is_constant(const adex_gen *gen);

/* Neurons of the generator. */
ADEX_API size_t adex_gen_num(const adex_gen *gen);

/* Free a generator (NULL is a no-op). */
ADEX_API void adex_gen_destroy(adex_gen *gen);

/* Steps up to t ms: ceil(t/dt) and floor(t/dt), a quotient within 1e-9 of
 * a whole number counted as that number; 0 for t <= 0. */
ADEX_API uint64_t adex_steps_ceil(double t, double dt);
ADEX_API uint64_t adex_steps_floor(double t, double dt);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_INPUTS_H */
