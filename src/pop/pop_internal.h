/* pop_internal.h - the layout of a population handle (internal). */
#ifndef ADEX_POP_INTERNAL_H
#define ADEX_POP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "adex/pop.h"
#include "internal.h"
#include "kernel.h"
#include "method_internal.h"
#include "names.h"

/* One state array of a population, in the population's dtype: .f64 for
 * float64, .f32 for float32 (one member per variable, whatever the
 * dtypes; the step contexts get typed pointers from adex__pop_step_ctx). */
typedef union adex__arr {
  double *f64;
  float *f32;
  void *any;
} adex__arr;

struct adex_pop {
  adex_allocator alloc; /* every block below came from it */
  char errmsg[ADEX__ERRMSG_MAX];
  adex__named name;     /* this object's name */
  adex__named integral; /* its integrator's name */

  /* Shape */
  size_t num;                 /* neurons */
  size_t ndim;                /* 1..ADEX_MAX_DIM */
  size_t shape[ADEX_MAX_DIM]; /* product is num */
  bool keep_size;

  /* Parameters (set at create) and derived constants (per dt) */
  const adex_method *method;
  adex__impl impl;             /* the kernel's step and one (kernels.c) */
  adex_kernel kernel;          /* as resolved: never AUTO */
  int threads;                 /* as configured (0: OpenMP default) */
  adex__nparams uniform;       /* used when per == NULL */
  adex__nparams *per;          /* [num] if any parameter is per-neuron */
  bool is_array[ADEX_NPARAMS]; /* which parameters are per-neuron */
  double planned_dt;           /* dt the derived constants are for */

  /* Options beyond BrainPy; `general` when any is on (step_general.c) */
  bool adaptive, precise;
  double tol, tau_ref, noise;
  uint64_t noise_seed;
  adex__normals_fn normals;     /* the kernel's generator of the noise */
  adex__noise_add_fn noise_add; /* and its addition on the fused path */
  adex_spk_reset spk_reset;
  bool general;
  bool fused_opts;    /* general, but only tau_ref and the soft
                                     reset of a fixed step: the fused step
                                     applies them (same bits) */
  bool fused_precise; /* precise spike times on a fixed step,
                                     no noise: the fused step first, the
                                     general step for the neurons that
                                     spike (step_general.c) */
  bool fused_noise;   /* noise on a fixed step, no precise
                                     spike times: the fused step, then the
                                     noise per neuron (step_general.c) */
  bool force_general; /* adex__pop_force_general was called */
  double *h_sub;      /* adaptive: sub-step size per neuron, ms
                                     (0 = not yet chosen) [num] or NULL */

  /* Spikes of the last update (adex_pop_spike_events) */
  adex_spike_event *events; /* [cap_events] or NULL until needed */
  size_t cap_events, n_events;
  struct adex__ev_block *ev_blocks;  /* general path: per block of
                                       ADEX__EV_BLOCK neurons [nblocks] */
  unsigned long long events_dropped; /* spikes the list had no room for */
  bool events_stale; /* fast path: list not built from spike[] */
  double last_t;     /* t of the last update */

  /* Non-finite values met (adex_pop_nonfinite): this update's (kernel.h,
   * adex__nf), and since create, reset or adex_pop_nonfinite_clear: the
   * neuron-steps counted and the first (its neuron, variable, step) */
  adex__nf nf_step;
  unsigned long long nf_count;
  size_t nf_neuron;
  int nf_var;
  double nf_t;

  /* Initializers, with owned copies of caller arrays */
  adex_init V_init, w_init;
  double *V_init_copy, *w_init_copy; /* [num] or NULL */

  /* State: one block holding the arrays below. V, w, input, t_last_spike
   * and the drive are in `dtype`: each one array, read as .f64 or .f32
   * (adex__arr). */
  void *state_block;
  size_t state_bytes;
  adex_dtype dtype;       /* ADEX_DTYPE_F64 or ADEX_DTYPE_F32 */
  uint64_t first_id;      /* global id of neuron 0 (adex_pop_config) */
  adex__arr V;            /* mV [num] */
  adex__arr w;            /* [num] */
  adex__arr input;        /* [num] */
  adex__arr t_last_spike; /* ms [num] */
  bool *spike;            /* [num] */
  bool *refractory;       /* [num] */
  adex__arr drive;        /* [num] or NULL: added to input by every update */
  /* float64 with per-neuron parameters: the fields that differ between
   * neurons as arrays, for the SIMD kernels (kernel.h); one block */
  adex__nsoa soa;
  double *soa_block;
  size_t soa_count; /* arrays in the block */
  /* float32: parameters in float for the planned dt (per32 [num] when
   * per-neuron), and where reset evaluates the initializers [num] */
  adex__np32 uniform32;
  adex__np32 *per32;
  double *init_scratch;

  /* Registered delay buffers (src/pop/pop_delays.c); NULL when none */
  struct adex__delay_table *delays;

  /* Caller-registered variables (data owned by the caller) */
  size_t n_nodes; /* registered child nodes */
  char node_names[ADEX_MAX_EXTRA_NODES][ADEX_NAME_MAX];
  size_t n_extra;
  char extra_names[ADEX_MAX_EXTRA_VARS][ADEX_NAME_MAX];
  adex_dtype extra_dtype[ADEX_MAX_EXTRA_VARS];
  void *extra_data[ADEX_MAX_EXTRA_VARS];
};

/* The built-in variables of the table (pop_vars.c: V, w, input, spike,
 * refractory, t_last_spike): the state a step writes neuron by neuron. */
#define ADEX__POP_BUILTIN_VARS 6

/* Fewest neurons a thread gets: below it, an update uses fewer threads
 * (the results are the same whatever the number). */
#define ADEX__MIN_PER_THREAD 2048

/* The parameter arrays the SIMD kernels read (float64 with per-neuron
 * parameters), or NULL. */
static inline const adex__nsoa *adex__pop_soa(const struct adex_pop *pop) {
  return pop->per != NULL && pop->dtype == ADEX_DTYPE_F64 ? &pop->soa : NULL;
}

/* Threads an update of n neurons uses, from the configured count. */
int adex__pop_threads(const adex_pop *pop, size_t n);

/* Whether the population's next update takes the fused step (a fixed
 * step, no option beyond tau_ref and the soft reset): then it may be done
 * in parts, as adex__pop_update_begin and adex__pop_step_range. */
bool adex__pop_fused(const adex_pop *pop);

/* Whether its fused step folds a network's synaptic channels
 * (adex__step_ctx's chans; kernel.h, adex__chan): exp_auto, float64 or
 * float32, on an AVX2 or AVX-512 kernel. Elsewhere nchans must stay 0. */
bool adex__pop_takes_chans(const adex_pop *pop);

/* The step context of an update at t of dt: the population's arrays as
 * the typed pointers of its dtype, its parameters and options (the one
 * filling of adex__step_ctx, for the fused update and the general path's
 * fused parts). */
void adex__pop_step_ctx(adex_pop *pop, double t, double dt,
                        adex__step_ctx *ctx);

/* The first part of a fused update at t of dt (adex_pop_update's checks
 * and planning), the step's context in *ctx; adex__pop_step_range over
 * ranges that cover every neuron once (in any order, on any threads)
 * completes it, with the bits of adex_pop_update. */
adex_status adex__pop_update_begin(adex_pop *pop, double t, double dt,
                                   adex__step_ctx *ctx);

/* The end of an update at t (whichever path): the non-finite values its
 * parts met added to the population's count. */
void adex__pop_update_end(adex_pop *pop, double t);

/* The spike list of the last update (adex_pop_spike_events) from lists
 * of its spiking neurons that a network's team gathered anyway: n lists,
 * lists[q] of counts[q] indices, each ascending, the lists in order. So
 * the caller's code between steps does not read every flag again (on
 * another core, half of them a cache miss each line). Out of memory, the
 * list is left to be built from the flags. */
void adex__pop_events_from(adex_pop *pop, const uint32_t *const *lists,
                           const size_t *counts, size_t n);

/* Neurons [lo, hi) of a fused update begun by adex__pop_update_begin. */
void adex__pop_step_range(const adex_pop *pop, const adex__step_ctx *ctx,
                          size_t lo, size_t hi);

/* The general path's event list is cut into blocks of this many neurons,
 * each with room for 4 spikes per neuron plus one neuron's most; blocks
 * run independently (on threads) and are joined in order after. */
#define ADEX__EV_BLOCK 1024

/* What a block of the general path produced in the last update. */
struct adex__ev_block {
  size_t n;                   /* events, at the block's offset */
  unsigned long long dropped; /* spikes its part had no room for */
};

/* Block b of a population of num neurons: neurons [lo, hi), and its part
 * of the event list, [offset, offset + cap). */
void adex__ev_block_at(size_t num, size_t b, size_t *lo, size_t *hi,
                       size_t *offset, size_t *cap);

/* One update through the general path: sub-steps, precise spike times,
 * refractoriness, noise, soft reset (step_general.c). */
void adex__pop_step_general(adex_pop *pop, double t, double dt);

/* The largest magnitude variable i of the table may hold (the rule of
 * adex_pop_check_values), or NaN for a variable without one (registered
 * ones, bool ones are 0/1 by their own check). */
double adex__var_limit(const adex_pop *pop, size_t i);

/* ADEX_OK if every |x[i]| <= limit (NaN limit: no check), else `code`
 * with "<what>: element i is x; values must be finite" or "..., outside
 * +-limit", and i in *bad (when not NULL). */
adex_status adex__value_check(const char *what, const double *x, size_t n,
                              double limit, adex_status code, size_t *bad);

/* Send every update through the general per-neuron path even where the
 * fused step, or the SIMD adaptive driver, would take it (the tests
 * compare the two). */
void adex__pop_force_general(adex_pop *pop);

/* Copy the thread's last message onto the handle and return `status`. */
adex_status adex__pop_fail(adex_pop *pop, adex_status status);

/* Free the population's registered delays (src/pop/pop_delays.c). */
void adex__pop_delays_free(adex_pop *pop);

#endif /* ADEX_POP_INTERNAL_H */
