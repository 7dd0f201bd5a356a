/* adex/pop.h - a population of AdEx neurons (BrainPy's AdExIF).
 *
 * Lifecycle: fill an adex_pop_config (adex_pop_config_default, then change
 * what you need), adex_pop_create() validates everything, evaluates the
 * initializers and allocates all memory once. adex_pop_update() then advances
 * every neuron by one step without allocating; adex_pop_reset() re-evaluates
 * the initializers; adex_pop_destroy() frees it all.
 *
 * State is structure-of-arrays: V, w, input, t_last_spike (double[num]) and
 * spike, refractory (bool[num]), contiguous and ADEX_ALIGN-aligned. The
 * pointers returned by the accessors stay valid for the life of the handle;
 * the caller reads and writes them in place (no copies).
 *
 * One step, adex_pop_update(pop, t, dt), advances from t to t+dt:
 *   1. integrate V and w with the method, I = input + drive (the drive
 *      where adex_pop_enable_drive made one; constant over the step);
 *   2. spike = V_new >= V_th (a non-finite V_new also counts as a spike);
 *   3. where spike: V = V_reset, w = w_new + b, t_last_spike = t;
 *   4. store spike, set input to 0.
 * A state read after the call belongs to time t+dt; a spike in it is
 * stamped t. With BrainPy's default ZeroInit, V starts at 0 mV > V_th, so
 * every neuron spikes in the first update (as in BrainPy).
 *
 * A handle is not thread-safe: use one handle from one thread at a time
 * (an update may itself run on several threads: adex_pop_config.threads).
 * Speed, kernels and dtypes: docs/performance.md. Neither the kernel nor
 * the number of threads changes a result (adex/method.h); the dtype does.
 */
#ifndef ADEX_POP_H
#define ADEX_POP_H

#include <stdbool.h>
#include <stddef.h>

#include "adex/alloc.h"
#include "adex/init.h"
#include "adex/method.h"
#include "adex/names.h"
#include "adex/params.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most dimensions a population shape may have. */
#define ADEX_MAX_DIM 4

/* Initial value of t_last_spike (ms), as BrainPy. */
#define ADEX_T_LAST_SPIKE_INIT (-1e7)

/* Largest magnitude of an initial V (mV) or w accepted at create. Within
 * it, and for inputs |I| up to 1e9, no step makes V or w non-finite. */
#define ADEX_STATE_MAX 1e12

/* Most spikes one neuron reports in one step (adaptive or precise mode,
 * where a neuron may spike again after its reset inside the step); after
 * that many, V is held at its reset value for the rest of the step. */
#define ADEX_MAX_SPIKES_PER_STEP 16

typedef struct adex_pop adex_pop;

/* What a spike does to V. */
typedef enum adex_spk_reset {
  ADEX_SPK_RESET_HARD, /* V = V_reset (BrainPy's AdExIF) */
  ADEX_SPK_RESET_SOFT  /* V = V - (V_th - V_reset) */
} adex_spk_reset;

/* One spike: which neuron, and when (ms). Without precise_spikes the time
 * is the start t of the step it was found in; with it, the crossing of V_th
 * located inside the step. */
typedef struct adex_spike_event {
  size_t neuron;
  double t;
} adex_spike_event;

/* Everything a population is built from. The struct and what it points to
 * are only read during adex_pop_create (arrays are copied). */
typedef struct adex_pop_config {
  size_t ndim;                /* 1..ADEX_MAX_DIM */
  size_t shape[ADEX_MAX_DIM]; /* neurons per dimension; num = product */
  bool keep_size;             /* report variables with `shape` (true) or
                                 flat as (num,) (false, BrainPy's default) */
  adex_params params;         /* one value per parameter, for every neuron */
  /* Optional per-neuron values: if param_init[id] is not NULL it is
   * evaluated into num values and replaces params.<id>. */
  const adex_init *param_init[ADEX_NPARAMS];
  adex_init V_init;   /* V_initializer, mV [ZeroInit] */
  adex_init w_init;   /* w_initializer [ZeroInit] */
  const char *method; /* integration method name ["exp_auto"] */
  const char *name;   /* object name; NULL: automatic "AdExIFk" */
  /* Beyond BrainPy (docs/semantics.md section 5); the defaults give BrainPy's update. */
  bool adaptive;       /* embedded pairs only: per-neuron sub-steps inside dt
                        with error control, V_th tested after each [false] */
  double tol;          /* adaptive: absolute and relative tolerance [1e-6] */
  bool precise_spikes; /* locate each V_th crossing inside the step, reset
                          there and integrate the rest of the step [false] */
  double tau_ref;      /* ms, refractory period: while t - t_last_spike <=
                        tau_ref, V is held and w integrates; 0 = none [0] */
  double noise;        /* sigma of white noise on V, mV/sqrt(ms): V gains
                        sigma*sqrt(dt)*N(0,1) each step; 0 = none [0] */
  uint64_t noise_seed; /* seed of the noise stream [0] */
  adex_spk_reset spk_reset;    /* [ADEX_SPK_RESET_HARD] */
  const adex_allocator *alloc; /* NULL: adex_allocator_default() */
  /* Speed: threads and kernel give the same bits; dtype changes the
   * arithmetic (below). */
  int threads;        /* OpenMP threads an update may use: 1 = serial,
                         0 = OpenMP's default (OMP_NUM_THREADS or every
                         core), n = n; 1 without OpenMP. Every thread count
                         gives the same bits [1] */
  adex_kernel kernel; /* implementation of the method (adex/method.h)
                         [ADEX_KERNEL_AUTO] */
  adex_dtype dtype;   /* element type of V, w, input, t_last_spike:
                         ADEX_DTYPE_F64 [default] or ADEX_DTYPE_F32 (18
                         bytes of state per neuron instead of 34; exp_auto
                         then computes in float, the same bits on every
                         kernel, tau_ref and the soft reset included;
                         other methods compute in double and round the
                         state to float. Fixed steps only: not with
                         adaptive, precise_spikes or noise) */
  uint64_t first_id;  /* the global id of neuron 0 [0]: the random
                         initializers (Uniform, Normal) and the noise give
                         neuron i what neuron first_id + i of a population
                         of all the neurons gets, so that a population
                         split into blocks (one per process,
                         adex/comm.h) computes the same bits as whole */
} adex_pop_config;

/* Fill *cfg for a flat population of num neurons with BrainPy's defaults. */
ADEX_API void adex_pop_config_default(adex_pop_config *cfg, size_t num);

/* Build a population. On success *out is a new handle; on failure *out is
 * NULL, everything allocated is freed, and adex_errmsg() says why.
 * Returns ADEX_OK, ADEX_EINVAL (bad parameter or initializer, a name that
 * is not an identifier or is used by a live object, or an initial
 * V or w beyond +-ADEX_STATE_MAX), ADEX_ESIZE
 * (ndim, a zero or overflowing shape, an array of the wrong length),
 * ADEX_EMETHOD (unknown method), ADEX_ENOMEM. `adaptive` with a method
 * that has no error estimate, tol <= 0, tau_ref < 0, noise < 0 or an
 * unknown spk_reset, threads < 0 or a kernel this machine cannot run
 * (adex_kernel_available) are ADEX_EINVAL. */
ADEX_API adex_status adex_pop_create(const adex_pop_config *cfg,
                                     adex_pop **out);

/* Free a population and everything it owns. NULL is a no-op. */
ADEX_API void adex_pop_destroy(adex_pop *pop);

/* Advance every neuron from t to t+dt (ms), in the order documented above.
 * Returns ADEX_OK; ADEX_EINVAL if dt is not finite and > 0 or t is not
 * finite; ADEX_ERANGE if dt is outside the stability region of a fixed-step
 * method for some neuron (the message gives the largest stable dt). The
 * state is unchanged on failure. */
ADEX_API adex_status adex_pop_update(adex_pop *pop, double t, double dt);

/* Re-evaluate the V and w initializers, zero input and spike, set
 * t_last_spike to -1e7, clear the non-finite count (below). Returns
 * ADEX_OK. */
ADEX_API adex_status adex_pop_reset(adex_pop *pop);

/* Non-finite values met by updates: a neuron whose V, w, input or drive
 * was NaN or +-inf at the start of its step (written by the caller through
 * the pointers; the model's own overflow is not counted). Such a step
 * still ends finite, by the guard of docs/numerics.md (a spike, w clamped
 * to +-1e100); this is how a front end learns of it and warns. Counted
 * since create, adex_pop_reset or adex_pop_nonfinite_clear:
 * *count neuron-steps (0: none), and of the first update that met any,
 * *first_neuron (the smallest such neuron, flat index), *first_var ("V",
 * "w", "input" or "drive": the first non-finite of them, in that order;
 * NULL when none) and *first_t (ms, the start of that step; NaN when
 * none). Every output may be NULL. The same whatever the kernel or number
 * of threads. A neuron held refractory (tau_ref) keeps its V, and on a
 * fixed step its input does not act on it and is not counted (adaptive:
 * it is). Returns ADEX_OK, or ADEX_EINVAL for a NULL pop. */
ADEX_API adex_status adex_pop_nonfinite(const adex_pop *pop,
                                        unsigned long long *count,
                                        size_t *first_neuron,
                                        const char **first_var,
                                        double *first_t);

/* Forget the non-finite values counted so far (adex_pop_nonfinite). */
ADEX_API void adex_pop_nonfinite_clear(adex_pop *pop);

/* Right-hand sides of the model over arrays of n values (n == num when some
 * parameter is per-neuron, any n >= 1 otherwise), as BrainPy's dV/dw:
 *   out[i] = (-(V-V_rest) + delta_T exp((V-V_T)/delta_T) - R w + R I)/tau
 *   out[i] = (a (V - V_rest) - w)/tau_w
 * t (ms) is accepted for BrainPy's signature and unused (autonomous model).
 * Returns ADEX_OK or ADEX_ESIZE. */
ADEX_API adex_status adex_pop_dV(const adex_pop *pop, const double *V, double t,
                                 const double *w, const double *I_ext,
                                 double *out, size_t n);
ADEX_API adex_status adex_pop_dw(const adex_pop *pop, const double *w, double t,
                                 const double *V, double *out, size_t n);

/* Number of neurons. */
ADEX_API size_t adex_pop_num(const adex_pop *pop);

/* The global id of neuron 0 (adex_pop_config.first_id). */
ADEX_API uint64_t adex_pop_first_id(const adex_pop *pop);

/* Shape the variables report: (num,) unless keep_size. Writes up to
 * ADEX_MAX_DIM extents into shape and returns the number of dimensions. */
ADEX_API size_t adex_pop_shape(const adex_pop *pop, size_t shape[ADEX_MAX_DIM]);

/* The shape the population was created with (adex_pop_config.shape),
 * whatever keep_size: its geometry, which the grid and Gaussian
 * connectors of networks use. Returns the number of dimensions. */
ADEX_API size_t adex_pop_geometry(const adex_pop *pop,
                                  size_t shape[ADEX_MAX_DIM]);

/* The method in use. */
ADEX_API const adex_method *adex_pop_method(const adex_pop *pop);

/* State arrays of num values each, owned by the population. V, w, input
 * and t_last_spike are in the population's dtype: these four return NULL
 * for a float32 population, whose arrays the _f32 accessors below (or
 * adex_pop_var_find) give. */
ADEX_API double *adex_pop_V(adex_pop *pop);     /* mV */
ADEX_API double *adex_pop_w(adex_pop *pop);     /* units of w */
ADEX_API double *adex_pop_input(adex_pop *pop); /* input I, zeroed by update */
ADEX_API bool *adex_pop_spike(adex_pop *pop);   /* spiked in the last update */
ADEX_API double *adex_pop_t_last_spike(adex_pop *pop); /* ms */
ADEX_API bool *adex_pop_refractory(adex_pop *pop); /* in the refractory period
                                                   during the last update
                                                   (false without tau_ref) */

/* The dtype of V, w, input and t_last_spike (adex_pop_config.dtype). */
ADEX_API adex_dtype adex_pop_dtype(const adex_pop *pop);

/* A float32 population's arrays (NULL for float64), as above. */
ADEX_API float *adex_pop_V_f32(adex_pop *pop);
ADEX_API float *adex_pop_w_f32(adex_pop *pop);
ADEX_API float *adex_pop_input_f32(adex_pop *pop);
ADEX_API float *adex_pop_t_last_spike_f32(adex_pop *pop);

/* The drive: a constant input current per neuron (like NEST's I_e),
 * added to `input` at every update: I = input + drive. For protocols
 * with constant currents it saves writing `input` before each step (the
 * fused step reads the drive in the same pass). Not state: reset() and
 * state files leave it alone, and `input` is still zeroed by each update.
 * A population has none until adex_pop_enable_drive() allocates it (all
 * zeros, in the population's dtype; ADEX_OK, also if it is there
 * already, ADEX_ENOMEM, or ADEX_EINVAL for a NULL pop); the accessors
 * return the array the population owns, or NULL where there is none or
 * the dtype differs. */
ADEX_API adex_status adex_pop_enable_drive(adex_pop *pop);
ADEX_API double *adex_pop_drive(adex_pop *pop);
ADEX_API float *adex_pop_drive_f32(adex_pop *pop);

/* The spikes of the last update, in order of neuron (and time for one
 * neuron). *events stays valid until the next update, reset or destroy.
 * Returns ADEX_OK, or ADEX_ENOMEM if the list could not be allocated (it
 * is allocated on the first call unless adaptive or precise mode made it
 * at create). */
ADEX_API adex_status adex_pop_spike_events(adex_pop *pop,
                                           const adex_spike_event **events,
                                           size_t *n);

/* Spikes that did not fit in the event list since create: in adaptive or
 * precise mode the list holds 4 spikes per neuron per step on average
 * over each block of 1024 neurons, plus ADEX_MAX_SPIKES_PER_STEP + 1 per
 * block (the same whatever the number of threads); spike[] and
 * t_last_spike stay exact regardless. */
ADEX_API unsigned long long adex_pop_spike_events_dropped(const adex_pop *pop);

/* Values of one parameter: fills out[0..num) (per-neuron or repeated).
 * Returns ADEX_OK or ADEX_EINVAL for an invalid id. */
ADEX_API adex_status adex_pop_param(const adex_pop *pop, adex_param_id id,
                                    double *out);

/* Whether a parameter has per-neuron values (true) or one for all. */
ADEX_API bool adex_pop_param_is_array(const adex_pop *pop, adex_param_id id);

/* Object name ("AdExIF0" or the user's) and its integrator's name
 * ("ODEIntegratorK"). Valid for the life of the handle. */
ADEX_API const char *adex_pop_name(const adex_pop *pop);
ADEX_API const char *adex_pop_integrator_name(const adex_pop *pop);

/* Most variables a caller may register on one population. */
#define ADEX_MAX_EXTRA_VARS 16

/* The variables of a population, in this order: V, w, input, spike,
 * refractory, t_last_spike, then registered ones. */
ADEX_API size_t adex_pop_var_count(const adex_pop *pop);

/* Describe variable i. Returns ADEX_OK or ADEX_EKEY if i is out of range. */
ADEX_API adex_status adex_pop_var_at(adex_pop *pop, size_t i, adex_var *out);

/* Check n values meant for variable `name` (relative or absolute) with
 * the rule every way into the state shares (setters of the bindings,
 * state files): V and w finite and within +-ADEX_STATE_MAX, input and
 * t_last_spike finite (within the float range for float32 state), bool
 * variables 0 or 1; registered real variables take anything. Returns
 * ADEX_OK, ADEX_EKEY (no such variable), ADEX_EINVAL (x NULL with n > 0)
 * or ADEX_ERANGE, the message naming the variable and the first bad
 * element ("V: element 2 is nan; values must be finite"), whose index
 * goes to *bad when bad is not NULL. */
ADEX_API adex_status adex_pop_check_values(adex_pop *pop, const char *name,
                                           const double *x, size_t n,
                                           size_t *bad);

/* Find a variable by relative ("V") or absolute ("AdExIF0.V") name.
 * Returns ADEX_OK or ADEX_EKEY (message lists the valid names). */
ADEX_API adex_status adex_pop_var_find(adex_pop *pop, const char *name,
                                       adex_var *out);

/* Register a caller-owned array of num elements as an extra variable
 * (BrainPy's register_implicit_vars): it then appears in the variable
 * table and in saved states. The name must be a valid identifier not yet
 * used by the population. Returns ADEX_OK, ADEX_EINVAL, or ADEX_ESIZE when
 * ADEX_MAX_EXTRA_VARS are registered already. */
ADEX_API adex_status adex_pop_register_var(adex_pop *pop, const char *name,
                                           adex_dtype dtype, void *data);

/* Most child nodes a caller may register on one population. */
#define ADEX_MAX_EXTRA_NODES 16

/* Nodes of a population (BrainPy's nodes()): node 0 is the population
 * itself, node 1 its integrator, then the registered ones, by name. */
ADEX_API size_t adex_pop_node_count(const adex_pop *pop);

/* Name of node i, or NULL if i is out of range. */
ADEX_API const char *adex_pop_node_at(const adex_pop *pop, size_t i);

/* Register a child node by name (BrainPy's register_implicit_nodes): a
 * valid identifier, not yet a node of this population. Returns ADEX_OK,
 * ADEX_EINVAL, or ADEX_ESIZE when ADEX_MAX_EXTRA_NODES are registered. */
ADEX_API adex_status adex_pop_register_node(adex_pop *pop, const char *name);

/* Detail message of the last failure on this handle ("" if none). */
ADEX_API const char *adex_pop_errmsg(const adex_pop *pop);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_POP_H */
