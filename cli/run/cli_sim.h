/* cli/run/cli_sim.h - what one simulation is, whatever described it.
 *
 * A cli_sim is plain data: the time grid, the populations (parameters,
 * initializers, what to record), the inputs, and the output file. It is
 * filled from a JSON config (cli_config.c), from the flags of `adex run`
 * (cli_run.c), from the built-in default, or by `adex patterns`, and then
 * handed to the engine (cli_engine.h), which never looks at where it came
 * from. Networks will add an array of projections next to the inputs
 * (cli_proj_spec: source, target, weights, delays); nothing here assumes
 * the populations are independent.
 *
 * Every array a cli_sim points to is owned by it and freed by
 * cli_sim_free(); `path` fields ("populations[0]") name the config entry
 * a value came from, for error messages.
 */
#ifndef ADEX_CLI_SIM_H
#define ADEX_CLI_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "adex/adex.h"

/* Variables a recording may hold, as bits of cli_pop_spec.record. */
typedef enum cli_var_id {
  CLI_VAR_V,            /* membrane potential, mV, after the step */
  CLI_VAR_W,            /* adaptation variable, after the step */
  CLI_VAR_INPUT,        /* the input used during the step */
  CLI_VAR_SPIKE,        /* spike events (every neuron, not sampled) */
  CLI_VAR_T_LAST_SPIKE, /* time of the last spike, ms, after the step */
  CLI_NVARS
} cli_var_id;

#define CLI_VAR_BIT(v) (1u << (unsigned)(v))
/* The sampled (dense) variables: all but spike. */
#define CLI_VAR_DENSE_MASK                                                     \
  (CLI_VAR_BIT(CLI_VAR_V) | CLI_VAR_BIT(CLI_VAR_W) |                           \
   CLI_VAR_BIT(CLI_VAR_INPUT) | CLI_VAR_BIT(CLI_VAR_T_LAST_SPIKE))

/* Name of a variable ("V", "t_last_spike"); NULL for an invalid id. */
const char *cli_var_name(cli_var_id v);

/* Find a variable by name; 0 on success, -1 if there is none. */
int cli_var_find(const char *name, cli_var_id *out);

/* Where a setting came from: messages name the flag or the config path. */
typedef enum cli_source {
  CLI_SRC_DEFAULT, /* nobody set it */
  CLI_SRC_CONFIG,  /* the JSON config */
  CLI_SRC_FLAG     /* a command-line flag (messages name the flag) */
} cli_source;

/* One number for every neuron (n == 1) or one per neuron (n == size);
 * n == 0 means not given. */
typedef struct cli_vec {
  double *v; /* owned */
  size_t n;
} cli_vec;

/* An initializer; for ADEX_INIT_ARRAY, init.array points into vals. */
typedef struct cli_init_spec {
  adex_init init;
  double *vals; /* owned values of a list initializer */
  cli_source src;
} cli_init_spec;

/* Integrator options of a population beyond BrainPy (adex_pop_config), as indices of cli_pop_spec.opt_src. */
typedef enum cli_opt_id {
  CLI_OPT_ADAPTIVE,   /* "adaptive", --adaptive */
  CLI_OPT_TOL,        /* "tol", --tol */
  CLI_OPT_PRECISE,    /* "precise_spikes", --precise-spikes */
  CLI_OPT_TAU_REF,    /* "tau_ref", --tau_ref */
  CLI_OPT_NOISE,      /* "noise", --noise */
  CLI_OPT_NOISE_SEED, /* "noise_seed", --noise-seed */
  CLI_OPT_SPK_RESET,  /* "spk_reset", --spk_reset */
  CLI_NOPTS
} cli_opt_id;

/* The config key of an option ("precise_spikes") and its flag
 * ("--precise-spikes"); NULL for an invalid id. */
const char *cli_opt_key(cli_opt_id id);
const char *cli_opt_flag(cli_opt_id id);

/* Most OpenMP threads a population may be given (the library's limit). */
#define CLI_THREADS_MAX 4096

/* Look up a kernel by name ("auto", "scalar", "avx2", "avx512") and check
 * that this machine can run it. Returns 0, or -1 with the reason (no
 * trailing period) in why: unknown name (listing the names) or a kernel
 * the build or CPU lacks. */
int cli_kernel_parse(const char *name, adex_kernel *out, char *why, size_t len);

/* "float64" or "float32" into *out; 0, or -1 for anything else. */
int cli_dtype_parse(const char *name, adex_dtype *out);

/* An extra attribute written on a population's group in .h5 outputs. */
typedef struct cli_attr {
  char name[32];
  double value;
} cli_attr;

/* One population. */
/* What a population is: AdEx neurons, or a spike source of a network. */
typedef enum cli_pop_model {
  CLI_MODEL_ADEXIF = 0, /* "AdExIF" (default) */
  CLI_MODEL_POISSON,    /* "PoissonGroup": size, freqs (Hz), seed */
  CLI_MODEL_SPIKE_TIMES /* "SpikeTimeGroup": size, times (ms), indices */
} cli_pop_model;

typedef struct cli_pop_spec {
  char *name;            /* NULL: the library's automatic name */
  cli_pop_model model;   /* [CLI_MODEL_ADEXIF] */
  cli_vec freqs;         /* PoissonGroup: Hz, 1 or size values */
  uint64_t source_seed;  /* PoissonGroup: its stream's seed */
  int source_seed_given; /* 0: derived from the run's seed */
  double *times;         /* SpikeTimeGroup: ms, nspikes values */
  size_t *indices;       /* SpikeTimeGroup: neurons, nspikes */
  size_t nspikes;
  size_t ndim;                /* 1..ADEX_MAX_DIM */
  size_t shape[ADEX_MAX_DIM]; /* neurons per dimension */
  size_t size;                /* product of shape */
  cli_source size_src;
  char *method; /* NULL: exp_auto */
  cli_source method_src;
  cli_vec param[ADEX_NPARAMS]; /* n == 0: BrainPy's default */
  cli_source param_src[ADEX_NPARAMS];
  cli_init_spec V0, w0; /* V_initializer, w_initializer */
  /* integrator options, defaults from adex_pop_config_default */
  int adaptive;                  /* embedded pairs: sub-steps [0] */
  double tol;                    /* adaptive tolerance [1e-6] */
  int precise_spikes;            /* crossing times inside the step [0] */
  double tau_ref;                /* refractory period, ms [0: none] */
  double noise;                  /* sigma on V, mV/sqrt(ms) [0: none] */
  uint64_t noise_seed;           /* used when opt_src[NOISE_SEED] is set */
  adex_spk_reset spk_reset;      /* [ADEX_SPK_RESET_HARD] */
  cli_source opt_src[CLI_NOPTS]; /* where each option came from */
  /* speed options (adex_pop_config): "threads"/--threads, "kernel"/
   * --kernel, "dtype"/--dtype; the flags set them on every population */
  int threads;        /* OpenMP threads, >= 0 (0: OpenMP's
                                     default) [1: serial] */
  adex_kernel kernel; /* [ADEX_KERNEL_AUTO] */
  adex_dtype dtype;   /* F64 or F32 [ADEX_DTYPE_F64] */
  unsigned record;    /* CLI_VAR_BIT()s of what to record */
  size_t *watch;      /* recorded neurons (owned) */
  size_t nwatch;
  int watch_all;             /* 1: every neuron (watch unused) */
  uint64_t every;            /* sample every this many steps [1] */
  char watch_path[96];       /* config path of the watch list, or "" */
  char *title;               /* optional description (.h5 attribute) */
  char *w_unit, *input_unit; /* units of w and input in .h5 outputs;
                                     NULL: "mV/R" (R*w, R*I in mV) */
  cli_attr *attrs;           /* extra .h5 attributes (owned) */
  size_t nattrs;
  char path[32]; /* "populations[0]" */
} cli_pop_spec;

typedef enum cli_input_kind {
  CLI_IN_CONSTANT, /* value: the same every step */
  CLI_IN_SECTION,  /* values held for durations (BrainPy section_input) */
  CLI_IN_RAMP,     /* linear from -> to over [t_start, t_end) (ramp_input) */
  CLI_IN_POISSON,  /* adds weight in a step with probability rate*dt/1000 */
  CLI_IN_OU,       /* Ornstein-Uhlenbeck current, exact discretisation */
  CLI_IN_FILE,     /* steps x neurons from a CSV or NPY file */
  CLI_NINPUT_KINDS
} cli_input_kind;

/* Name of an input kind ("poisson"); NULL for an invalid kind. */
const char *cli_input_kind_name(cli_input_kind k);

/* One input; which fields count depends on kind. Times are ms since the
 * start of the run; values are in input units (R*I in mV). */
typedef struct cli_input_spec {
  cli_input_kind kind;
  size_t target;       /* index into cli_sim.pops */
  cli_vec value;       /* constant */
  cli_vec *sec_values; /* section: nsec values (each scalar or list) */
  double *durations;   /* section: nsec durations, ms */
  size_t nsec;
  double from, to;       /* ramp: values at t_start and at the end */
  double t_start, t_end; /* ramp window, ms; t_end < 0: the duration */
  cli_vec rate, weight;  /* poisson: Hz; input added per event */
  cli_vec mean, sigma;   /* ou: mean; noise strength per sqrt(ms) */
  double tau;            /* ou: time constant, ms */
  char *file;            /* file: path as resolved (owned) */
  uint64_t seed;         /* random kinds: the stream's seed */
  int seed_given;        /* 0: derived from the run's seed and the index */
  cli_source src;
  char path[32]; /* "inputs[2]", or the flag */
} cli_input_spec;

/* One projection (docs/networks.md): the library's configuration, with
 * pre/post as population indices and the arrays it points to owned here. */
typedef struct cli_proj_spec {
  adex_proj_config cfg;    /* name, conn, weights and delays point below */
  char *name;              /* NULL: the library's automatic name */
  size_t *conn_a, *conn_b; /* IJ: i, j; CSR: indices, indptr (owned) */
  double *weights;         /* per-synapse weights, or NULL (owned) */
  double *delays;          /* per-synapse or per-pre delays (owned) */
  int save_synapses;       /* write /<name>/synapses into the .h5 output */
  char *rec_vars[8];       /* recorded state variables ("g", ...) (owned) */
  int nrec;
  uint64_t rec_every; /* steps between samples [1] */
  char path[32];      /* "projections[0]" */
} cli_proj_spec;

/* One simulation. */
typedef struct cli_sim {
  double duration; /* ms [100] */
  double dt;       /* ms [0.1] */
  double start;    /* ms, time of step 0 [0] */
  uint64_t seed;   /* [1] */
  cli_pop_spec *pops;
  size_t npops;
  cli_input_spec *inputs;
  size_t ninputs;
  cli_proj_spec *projs; /* projections between the populations */
  size_t nprojs;
  char *out; /* output file (.h5, .csv, .npy) or NULL */
  cli_source out_src;
  int spikes;        /* record spike events into out [1] */
  char *config_path; /* the JSON file, if any */
  char *config_text; /* its text, stored in .h5 outputs */
  char *kind;        /* root "kind" attribute ("run", "patterns") */
  char *load_state;  /* --load-state FILE: loaded before step 0 */
  char *save_state;  /* --save-state FILE: saved after the run */
} cli_sim;

/* Fill *sim with the defaults and no populations. */
void cli_sim_init(cli_sim *sim);

/* Free everything sim owns and re-initialise it. */
void cli_sim_free(cli_sim *sim);

/* Append a population with the defaults (size 1, nothing given); returns
 * it, or NULL when out of memory. */
cli_pop_spec *cli_sim_add_pop(cli_sim *sim);

/* Append a projection (zeroed); returns it, or NULL when out of memory. */
cli_proj_spec *cli_sim_add_proj(cli_sim *sim);

/* Append an input (zeroed); returns it, or NULL when out of memory. */
cli_input_spec *cli_sim_add_input(cli_sim *sim);

/* Free the arrays of one input and zero it. */
void cli_input_clear(cli_input_spec *in);

/* Free the values of a vector and mark it not given. */
void cli_vec_free(cli_vec *v);

/* Make v hold n values copied from vals; 0 or -1 (out of memory). */
int cli_vec_set(cli_vec *v, const double *vals, size_t n);

/* Value for neuron i of v (a scalar broadcasts). */
static inline double cli_vec_at(const cli_vec *v, size_t i) {
  return v->n == 1 ? v->v[0] : v->v[i];
}

/* Copy a string with malloc; NULL on failure or for NULL. */
char *cli_strdup(const char *s);

/* Seeds of a population's initializers: V uses seed + 2p, w seed + 2p + 1
 * (population 0 keeps the rule of a single population: V seed, w seed + 1). */
uint64_t cli_pop_init_seed(const cli_sim *sim, size_t p, int is_w);

/* The seed of PoissonGroup p: its "seed", else derived from the run's. */
uint64_t cli_source_seed(const cli_sim *sim, size_t p);

/* Seed of population p's noise stream: its own (noise_seed), or one
 * derived from the run's seed and p: mix64(seed ^ mix64(0x2000 + p)). */
uint64_t cli_pop_noise_seed(const cli_sim *sim, size_t p);

/* Time of step k, ms (docs/semantics.md section 7: t_k = start + k*dt). When start is
 * a whole number n0 of steps (start/dt within 1e-9 of an integer) it is
 * computed as (n0 + k)*dt, so that a run continued with --start takes,
 * bit for bit, the times of the uninterrupted run; otherwise as
 * start + k*dt. With start = 0 both are k*dt. */
double cli_sim_time(const cli_sim *sim, uint64_t k);

/* The state file of population p: sim's path itself when there is one
 * population, else the path with ".<name>" inserted before the extension
 * ("s.h5" -> "s.exc.h5"). Writes into buf (len bytes); NULL if it does
 * not fit. */
const char *cli_state_path(const cli_sim *sim, const char *path,
                           const char *pop_name, char *buf, size_t len);

/* Seed of input i's random stream: its own, or one derived from the run's
 * seed and i. */
uint64_t cli_input_seed(const cli_sim *sim, size_t i);

#endif /* ADEX_CLI_SIM_H */
