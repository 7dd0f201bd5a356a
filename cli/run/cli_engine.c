/* cli/run/cli_engine.c - build the populations, inputs and recorder of a
 * cli_sim and take its steps (order of a step: cli_engine.h). */
#define _POSIX_C_SOURCE 200809L

#include "cli_engine.h"
#include "cli_config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_dist.h"
#include "cli_progress.h"

int cli_engine_steps(const cli_sim *sim, uint64_t *nsteps) {
  double end;
  size_t n;
  int cfg = sim->config_path != NULL;
  if (sim->duration < 0)
    return cli_error("--duration must be >= 0 ms, got %g", sim->duration);
  if (!(sim->dt > 0)) return cli_error("--dt must be > 0 ms, got %g", sim->dt);
  /* the library's rule: BrainPy's ceil(duration/dt), whole numbers of
   * steps up to rounding counted exactly */
  if (adex_run_steps(sim->duration, sim->dt, &n) != ADEX_OK)
    return cli_error("%s %g / %s %g gives more than %g steps",
                     cfg ? "duration" : "--duration", sim->duration,
                     cfg ? "dt" : "--dt", sim->dt, ADEX_RUN_MAX_STEPS);
  *nsteps = (uint64_t)n;
  end = cli_sim_time(sim, *nsteps);
  if (!isfinite(end))
    return cli_error("the run would end at a time that is not finite "
                     "(--start %g)",
                     sim->start);
  if (adex_run_check_time(sim->start, sim->dt, (size_t)*nsteps) != ADEX_OK)
    return cli_error("%s %g: %s", cfg ? "start" : "--start", sim->start,
                     adex_errmsg());
  return 0;
}

void cli_engine_note_time(const cli_sim *sim, uint64_t nsteps) {
  double T = (double)nsteps * sim->dt;
  int cfg = sim->config_path != NULL;
  if (fabs(T - sim->duration) <= 1e-9 * fmax(sim->duration, sim->dt)) return;
  cli_error("warning: %s %g ms is not a whole number of steps of %g ms; "
            "simulating %llu step%s, %.15g ms",
            cfg ? "duration" : "--duration", sim->duration, sim->dt,
            (unsigned long long)nsteps, nsteps == 1 ? "" : "s", T);
}

/* ------------------------------------------------------------ errors */

/* Report a failed adex_pop_create of population p. The library names
 * what was at fault (adex_errkey, adex_errindex, adex_errreason): for a
 * population from a config file the reason is put on the JSON path of the
 * value ("run.json: populations[0].params.tau[2]: must be > 0, got -3");
 * for flags the library's message is printed as it is, except that an
 * integrator option is named by its flag ("--tol must be > 0 and < 1,
 * got 0"). */
static int fail_pop(const cli_sim *sim, size_t p, adex_status st) {
  const cli_pop_spec *s = &sim->pops[p];
  char orig[600], key[128], reason[600], path[160] = "";
  const char *msg = reason, *flag = NULL;
  long long index = adex_errindex();
  int i, from_config = 1;
  int rc = st == ADEX_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
  adex_param_id id;
  /* copies: the lookups below would replace the thread's last failure */
  snprintf(orig, sizeof orig, "%s",
           adex_errmsg()[0] != '\0' ? adex_errmsg() : adex_status_str(st));
  snprintf(key, sizeof key, "%s", adex_errkey());
  snprintf(reason, sizeof reason, "%s",
           adex_errmsg()[0] != '\0' ? adex_errreason() : orig);
  if (key[0] != '\0' && adex_param_find(key, &id) == ADEX_OK) {
    /* a parameter, of one neuron: the index goes on the path */
    from_config = s->param_src[id] != CLI_SRC_FLAG;
    if (index >= 0)
      snprintf(path, sizeof path, ".params.%s[%lld]", key, index);
    else
      snprintf(path, sizeof path, ".params.%s", key);
  } else if (strcmp(key, "params") == 0) {
    /* a rule between parameters: the message names them and the neuron */
    snprintf(path, sizeof path, ".params");
    msg = orig;
  } else if (strcmp(key, "V_initializer") == 0 ||
             strcmp(key, "w_initializer") == 0) {
    from_config = (key[0] == 'V' ? s->V0.src : s->w0.src) == CLI_SRC_CONFIG;
    snprintf(path, sizeof path, ".%s", key);
  } else {
    msg = orig; /* say it as the library does, unless an option is named */
    for (i = 0; i < CLI_NOPTS && key[0] != '\0'; i++) {
      if (strcmp(key, cli_opt_key((cli_opt_id)i)) != 0) continue;
      from_config = s->opt_src[i] != CLI_SRC_FLAG;
      if (!from_config) flag = cli_opt_flag((cli_opt_id)i);
      snprintf(path, sizeof path, ".%s", key);
      msg = reason;
    }
  }
  if (flag != NULL) {
    cli_error("%s %s", flag, msg);
    return rc;
  }
  if (sim->config_path == NULL || !from_config) {
    cli_error("%s", orig);
    return rc;
  }
  cli_error("%s: %s%s: %s", sim->config_path, s->path, path, msg);
  return rc;
}

/* ------------------------------------------------------------ setup */

/* Create population p from its spec (a spike source is the network's:
 * make_net adds it; here only its spike counts). */
static int make_pop(cli_engine *e, size_t p) {
  const cli_sim *sim = e->sim;
  const cli_pop_spec *s = &sim->pops[p];
  if (s->model != CLI_MODEL_ADEXIF) {
    e->counts[p] = calloc(s->size, sizeof *e->counts[p]);
    if (e->counts[p] != NULL) return 0;
    cli_error("out of memory (%zu neurons)", s->size);
    return CLI_EXIT_FAILURE;
  }
  adex_init *inits = &e->param_inits[p * ADEX_NPARAMS];
  adex_pop_config cfg;
  adex_status st;
  int i;
  /* on several ranks: this rank's block, flat, keyed by global index */
  size_t lo = 0, hi = s->size;
  const adex_comm *cm = cli_dist_comm();
  if (cm != NULL) adex_comm_block(s->size, cm->size, cm->rank, &lo, &hi);
  e->lo[p] = lo;
  adex_pop_config_default(&cfg, hi - lo);
  cfg.first_id = lo;
  if (cm == NULL) {
    cfg.ndim = s->ndim;
    memcpy(cfg.shape, s->shape, sizeof cfg.shape);
  }
  for (i = 0; i < ADEX_NPARAMS; i++) {
    const cli_vec *v = &s->param[i];
    if (v->n == 1) {
      adex_params_set(&cfg.params, (adex_param_id)i, v->v[0]);
    } else if (v->n > 1) {
      inits[i] = adex_init_array(v->v + lo, hi - lo);
      cfg.param_init[i] = &inits[i];
    }
  }
  cfg.V_init = s->V0.init;
  cfg.V_init.seed = cli_pop_init_seed(sim, p, 0);
  cfg.w_init = s->w0.init;
  cfg.w_init.seed = cli_pop_init_seed(sim, p, 1);
  if (cfg.V_init.kind == ADEX_INIT_ARRAY && cm != NULL) {
    cfg.V_init.array += lo;
    cfg.V_init.len = hi - lo;
  }
  if (cfg.w_init.kind == ADEX_INIT_ARRAY && cm != NULL) {
    cfg.w_init.array += lo;
    cfg.w_init.len = hi - lo;
  }
  cfg.method = s->method != NULL ? s->method : "exp_auto";
  cfg.name = s->name;
  cfg.adaptive = s->adaptive != 0;
  cfg.tol = s->tol;
  cfg.precise_spikes = s->precise_spikes != 0;
  cfg.tau_ref = s->tau_ref;
  cfg.noise = s->noise;
  cfg.noise_seed = cli_pop_noise_seed(sim, p);
  cfg.spk_reset = s->spk_reset;
  cfg.threads = s->threads;
  cfg.kernel = s->kernel;
  cfg.dtype = s->dtype;
  st = adex_pop_create(&cfg, &e->pops[p]);
  if (st != ADEX_OK) return fail_pop(sim, p, st);
  if (cli_dist_add_pop(e->pops[p], lo, s->size) != 0) return CLI_EXIT_FAILURE;
  if (adex_pop_dtype(e->pops[p]) == ADEX_DTYPE_F32) {
    /* the inputs add into doubles; step() moves them into the floats */
    e->scratch[p] = calloc(hi - lo, sizeof *e->scratch[p]);
    if (e->scratch[p] == NULL) {
      cli_error("out of memory (%zu neurons)", s->size);
      return CLI_EXIT_FAILURE;
    }
    e->inputs[p] = e->scratch[p];
    e->any_f32 = 1;
  } else {
    e->inputs[p] = adex_pop_input(e->pops[p]);
  }
  e->counts[p] = calloc(s->size, sizeof *e->counts[p]);
  if (e->counts[p] == NULL) {
    cli_error("out of memory (%zu neurons)", s->size);
    return CLI_EXIT_FAILURE;
  }
  return 0;
}

/* The state file of population p (sim path with the name inserted when
 * there are several populations); NULL after printing a problem. */
static const char *state_path(const cli_engine *e, size_t p, const char *path,
                              char *buf, size_t len) {
  const char *f =
      cli_state_path(e->sim, path, adex_pop_name(e->pops[p]), buf, len);
  if (f == NULL) cli_error("state file name too long: '%s'", path);
  return f;
}

/* --load-state: load population p's file; the library's warnings (keys
 * missing from the file) go to stderr. */
static int load_state(cli_engine *e, size_t p) {
  char buf[4096];
  const char *f = state_path(e, p, e->sim->load_state, buf, sizeof buf);
  adex_status st;
  if (f == NULL) return CLI_EXIT_USAGE;
  fflush(stdout);
  st = adex_pop_load_states(e->pops[p], f, 0, stderr);
  if (st == ADEX_OK) return 0;
  cli_error("--load-state: %s", adex_errmsg());
  return st == ADEX_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

/* --load-state of a network: one file for the whole network. */
static int load_net_state(cli_engine *e) {
  adex_status st;
  fflush(stdout);
  st = adex_net_load_states(e->net, e->sim->load_state, 0, stderr);
  if (st == ADEX_OK) {
    /* the network goes on at the saved run's time: --start must say so */
    double t = adex_net_time(e->net), want = cli_sim_time(e->sim, 0);
    if (fabs(t - want) > 1e-9 * fmax(1.0, fabs(t))) {
      cli_error("--load-state: the network in '%s' was saved at t = %.17g "
                "ms; continue it with --start %.17g (the run starts at %.17g)",
                e->sim->load_state, t, t, want);
      return CLI_EXIT_USAGE;
    }
    return 0;
  }
  cli_error("--load-state: %s", adex_net_errmsg(e->net));
  return st == ADEX_ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

int cli_engine_save_state(cli_engine *e, char *done, size_t len) {
  size_t p, used = 0;
  if (len > 0) done[0] = '\0';
  if (e->coupled) {
    if (adex_net_save_states(e->net, e->sim->save_state) != ADEX_OK) {
      cli_error("--save-state: %s", adex_net_errmsg(e->net));
      return CLI_EXIT_FAILURE;
    }
    snprintf(done, len, "%s", e->sim->save_state);
    return 0;
  }
  for (p = 0; p < e->sim->npops; p++) {
    char buf[4096];
    const char *f = state_path(e, p, e->sim->save_state, buf, sizeof buf);
    int w;
    if (f == NULL) return CLI_EXIT_FAILURE;
    if (adex_pop_save_states(e->pops[p], f, NULL, 0) != ADEX_OK) {
      cli_error("--save-state: %s", adex_errmsg());
      return CLI_EXIT_FAILURE;
    }
    w = snprintf(done + used, len - used, "%s%s", p > 0 ? ", " : "", f);
    if (w > 0 && (size_t)w < len - used) used += (size_t)w;
  }
  return 0;
}

/* Constant inputs of population p become its drive (cli_inputs.h). */
static int take_drive(cli_engine *e, size_t p) {
  size_t i, n = adex_pop_num(e->pops[p]); /* this process's neurons */
  adex_pop *pop = e->pops[p];
  double *sum = calloc(n, sizeof *sum);
  if (sum == NULL) {
    cli_error("out of memory (%zu neurons)", n);
    return CLI_EXIT_FAILURE;
  }
  if (cli_inputs_take_constant(e->ins, p, sum) > 0) {
    if (adex_pop_enable_drive(pop) != ADEX_OK) {
      free(sum);
      cli_error("%s", adex_pop_errmsg(pop));
      return CLI_EXIT_FAILURE;
    }
    if (adex_pop_dtype(pop) == ADEX_DTYPE_F32) {
      float *d = adex_pop_drive_f32(pop);
      for (i = 0; i < n; i++) d[i] = (float)sum[i];
    } else {
      memcpy(adex_pop_drive(pop), sum, n * sizeof *sum);
    }
  }
  free(sum);
  return 0;
}

/* Add spike source p (PoissonGroup, SpikeTimeGroup) to the network. */
static adex_status add_source(cli_engine *e, size_t p) {
  const cli_pop_spec *s = &e->sim->pops[p];
  if (s->model == CLI_MODEL_POISSON) {
    return adex_net_add_poisson(e->net, s->size, s->freqs.v, s->freqs.n,
                                cli_source_seed(e->sim, p), s->name, NULL);
  }
  return adex_net_add_spike_times(e->net, s->size, s->times, s->indices,
                                  s->nspikes, s->name, NULL);
}

int cli_engine_is_source(const cli_engine *e, size_t p) {
  return e->sim->pops[p].model != CLI_MODEL_ADEXIF;
}

const char *cli_engine_pop_name(const cli_engine *e, size_t p) {
  if (e->pops[p] != NULL) return adex_pop_name(e->pops[p]);
  return adex_net_pop_name(e->net, p);
}

/* The library's network of every population, spike source and
 * projection (populations alone too: it is the library's one run loop),
 * its synapses drawn now (before any output exists), errors put on the
 * projection's config path. */
static int make_net(cli_engine *e) {
  const cli_sim *sim = e->sim;
  char where[256];
  adex_status st;
  size_t p, j;
  int sources = 0;
  for (p = 0; p < sim->npops; p++) sources |= cli_engine_is_source(e, p);
  /* on several ranks: one state file for the whole network */
  e->coupled = sim->nprojs > 0 || sources || cli_dist_comm() != NULL;
  st = adex_net_create(sim->start, sim->dt, NULL, &e->net);
  if (st == ADEX_OK) st = adex_net_set_comm(e->net, cli_dist_comm());
  if (st == ADEX_OK) st = adex_net_set_lockstep(e->net, true);
  if (st != ADEX_OK) {
    cli_error("%s", adex_errmsg());
    return CLI_EXIT_USAGE;
  }
  for (p = 0; p < sim->npops; p++) {
    st = e->pops[p] != NULL ? adex_net_add_pop_part(e->net, e->pops[p],
                                                    sim->pops[p].size, NULL)
                            : add_source(e, p);
    if (st != ADEX_OK) {
      cli_error("%s: %s",
                cli_where(sim, sim->pops[p].path, NULL, CLI_SRC_CONFIG, NULL,
                          where, sizeof where),
                adex_net_errmsg(e->net));
      return CLI_EXIT_USAGE;
    }
  }
  for (j = 0; j < sim->nprojs; j++) {
    const cli_proj_spec *pr = &sim->projs[j];
    if ((st = adex_net_add_proj(e->net, &pr->cfg, NULL)) != ADEX_OK) {
      cli_error("%s: %s",
                cli_where(sim, pr->path, NULL, CLI_SRC_CONFIG, NULL, where,
                          sizeof where),
                adex_net_errmsg(e->net));
      return CLI_EXIT_USAGE;
    }
  }
  if ((st = adex_net_plan(e->net)) != ADEX_OK) {
    /* the message names the projection */
    const char *m = adex_net_errmsg(e->net);
    for (j = 0; j < sim->nprojs; j++) {
      const char *name = adex_net_proj_name(e->net, j);
      size_t n = strlen(name);
      if (strncmp(m, name, n) == 0 && m[n] == ':') break;
    }
    if (j < sim->nprojs)
      cli_error("%s: %s",
                cli_where(sim, sim->projs[j].path, NULL, CLI_SRC_CONFIG, NULL,
                          where, sizeof where),
                m);
    else
      cli_error("%s", m);
    return CLI_EXIT_USAGE;
  }
  return 0;
}

/* The inputs, made for this process's neurons of each population. */
static int make_inputs(cli_engine *e) {
  size_t n = e->sim->npops, *num = calloc(n + 1, sizeof *num);
  if (num == NULL) return cli_error("out of memory");
  for (size_t p = 0; p < n; p++)
    num[p] = e->pops[p] != NULL ? adex_pop_num(e->pops[p]) : 0;
  int rc = cli_inputs_create(e->sim, e->nsteps, e->lo, num, &e->ins);
  free(num);
  return rc;
}

int cli_engine_setup(cli_engine *e, const cli_sim *sim) {
  size_t p, n = sim->npops;
  int rc;
  memset(e, 0, sizeof *e);
  e->sim = sim;
  if ((rc = cli_engine_steps(sim, &e->nsteps)) != 0) return rc;
  e->pops = calloc(n, sizeof *e->pops);
  e->inputs = calloc(n, sizeof *e->inputs);
  e->scratch = calloc(n, sizeof *e->scratch);
  e->counts = calloc(n, sizeof *e->counts);
  e->totals = calloc(n, sizeof *e->totals);
  e->param_inits = calloc(n * ADEX_NPARAMS, sizeof *e->param_inits);
  e->lo = calloc(n, sizeof *e->lo);
  if (e->pops == NULL || e->inputs == NULL || e->scratch == NULL ||
      e->lo == NULL || e->counts == NULL || e->totals == NULL ||
      e->param_inits == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  /* on several ranks every phase ends agreed (cli_dist_agree_rc): a
   * phase that failed on one rank stops all before the next collective */
  for (p = 0; p < n && rc == 0; p++) rc = make_pop(e, p);
  if (rc == 0) rc = make_net(e);
  if (rc == 0) rc = make_inputs(e);
  for (p = 0; p < n && rc == 0; p++)
    if (e->pops[p] != NULL) rc = take_drive(e, p);
  if ((rc = cli_dist_agree_rc(rc)) != 0) return rc;
  if (e->coupled && sim->load_state != NULL) rc = load_net_state(e);
  for (p = 0; p < n && sim->load_state != NULL && !e->coupled && rc == 0; p++)
    rc = load_state(e, p);
  if ((rc = cli_dist_agree_rc(rc)) != 0) return rc;
  if (sim->out != NULL)
    rc = cli_record_open(sim, e->pops, e->net, e->nsteps, &e->rec);
  return cli_dist_agree_rc(rc);
}

void cli_engine_free(cli_engine *e) {
  size_t p;
  if (e->sim == NULL) return;
  cli_record_free(e->rec);
  cli_inputs_free(e->ins);
  adex_net_destroy(e->net);
  for (p = 0; p < e->sim->npops; p++) {
    if (e->pops != NULL) adex_pop_destroy(e->pops[p]);
    if (e->counts != NULL) free(e->counts[p]);
    if (e->scratch != NULL) free(e->scratch[p]);
  }
  free(e->pops);
  free(e->inputs);
  free(e->scratch);
  free(e->counts);
  free(e->totals);
  free(e->param_inits);
  free(e->lo);
  memset(e, 0, sizeof *e);
}

/* ------------------------------------------------------------ the loop */

/* Count the spikes of the last step of population p (its event list:
 * several spikes of one neuron in one step are possible in adaptive or
 * precise mode). Returns 0 or an exit status. */
static int count_spikes(cli_engine *e, size_t p) {
  const adex_spike_event *ev;
  uint64_t *c = e->counts[p];
  size_t i, n;
  if (e->pops[p] == NULL) { /* a spike source: its flags */
    const bool *spk = adex_net_pop_spike(e->net, p);
    for (i = 0, n = 0; i < e->sim->pops[p].size; i++) {
      c[i] += spk[i];
      n += spk[i];
    }
    e->totals[p] += n;
    return 0;
  }
  if (cli_spike_events(e->pops[p], &ev, &n) != 0) return CLI_EXIT_FAILURE;
  for (i = 0; i < n; i++) c[ev[i].neuron]++;
  e->totals[p] += n;
  return 0;
}

int cli_spike_events(adex_pop *pop, const adex_spike_event **ev, size_t *n) {
  if (cli_dist_events(pop, ev, n)) return 0; /* gathered after the step */
  if (adex_pop_spike_events(pop, ev, n) == ADEX_OK) return 0;
  cli_error("%s", adex_pop_errmsg(pop));
  return -1;
}

/* Element i of a variable of the library's table as a double. */
static inline double elem(const adex_var *x, size_t i) {
  return x->dtype == ADEX_DTYPE_F32 ? (double)((const float *)x->data)[i]
                                    : ((const double *)x->data)[i];
}

static void read_local(adex_pop *pop, cli_var_id v, const size_t *idx, size_t n,
                       double *dst);

/* cli_dist_gather's reader: this rank's part. */
static void read_part(adex_pop *pop, const size_t *idx, size_t n, double *dst,
                      void *ctx) {
  read_local(pop, *(const cli_var_id *)ctx, idx, n, dst);
}

void cli_pop_gather(adex_pop *pop, cli_var_id v, const size_t *idx, size_t n,
                    double *dst) {
  if (!cli_dist_gather(pop, idx, n, dst, read_part, &v))
    read_local(pop, v, idx, n, dst);
}

/* cli_pop_gather from this process's population. */
static void read_local(adex_pop *pop, cli_var_id v, const size_t *idx, size_t n,
                       double *dst) {
  /* the library's variable table (vars()), by the variable's name */
  adex_var x = {0};
  if (adex_pop_var_find(pop, cli_var_name(v), &x) != ADEX_OK ||
      (x.dtype != ADEX_DTYPE_F64 && x.dtype != ADEX_DTYPE_F32)) {
    memset(dst, 0, n * sizeof *dst);
    return;
  }
  /* input: the current the update will use, input + drive (the drive is
   * not state, not in the table) */
  const double *d = v == CLI_VAR_INPUT ? adex_pop_drive(pop) : NULL;
  const float *df = v == CLI_VAR_INPUT ? adex_pop_drive_f32(pop) : NULL;
  for (size_t j = 0; j < n; j++) {
    size_t i = idx != NULL ? idx[j] : j;
    if (df != NULL)
      dst[j] = (double)(((const float *)x.data)[i] + df[i]);
    else
      dst[j] = d != NULL ? elem(&x, i) + d[i] : elem(&x, i);
  }
}

/* Move the inputs of step k, summed in double in scratch buffers, into
 * the float32 input arrays (added to what is there: a loaded state's
 * input), and zero the buffers. */
static void move_f32_inputs(cli_engine *e) {
  size_t p, i;
  for (p = 0; p < e->sim->npops; p++) {
    double *sc = e->scratch[p];
    if (sc == NULL || !cli_inputs_any(e->ins, p)) continue;
    float *in = adex_pop_input_f32(e->pops[p]);
    for (i = 0; i < adex_pop_num(e->pops[p]); i++) {
      in[i] = (float)((double)in[i] + sc[i]);
      sc[i] = 0.0;
    }
  }
}

/* The adex program's part of each step, as hooks of the library's loop
 * (adex_net_run_hooked): before step k its inputs and the samples of
 * them, after it the spike counts, recordings, progress and the caller's
 * hook. A signal stops the run before the next step (a batch's first
 * where the library calls the hooks in batches: adex_run_hooks' batch). */
enum { STOP_SIGNAL = -1 };

/* Steps between the ranks' agreements on a signal received. */
#define SIGNAL_EVERY 64

typedef struct run_ctx {
  cli_engine *e;
  cli_progress *pg;
  cli_step_hook hook;
  void *ctx;
} run_ctx;

static int before_step(void *user, size_t k) {
  run_ctx *r = user;
  cli_engine *e = r->e;
  if (cli_dist_comm() != NULL) {
    /* several ranks stop together: at the next multiple of
     * SIGNAL_EVERY steps after a signal, agreed by all */
    if (k % SIGNAL_EVERY == 0 &&
        (e->signal = cli_dist_agree(cli_signals_caught())) != 0)
      return STOP_SIGNAL;
  } else if ((e->signal = cli_signals_caught()) != 0) {
    return STOP_SIGNAL;
  }
  cli_inputs_apply(e->ins, k, e->inputs);
  if (e->any_f32) move_f32_inputs(e);
  if (e->rec != NULL) cli_record_before(e->rec, k);
  return 0;
}

static int after_step(void *user, size_t k) {
  run_ctx *r = user;
  cli_engine *e = r->e;
  double t = cli_sim_time(e->sim, k);
  int rc;
  if ((rc = cli_dist_step()) != 0) return rc; /* several ranks: gather */
  for (size_t p = 0; p < e->sim->npops; p++)
    if ((rc = count_spikes(e, p)) != 0) return rc;
  if (e->rec != NULL && (rc = cli_record_after(e->rec, k, t)) != 0)
    return cli_dist_comm() != NULL
               ? cli_dist_fatal(rc, "the output could not be written "
                                    "(above); every rank stops")
               : rc;
  if (r->hook != NULL && (rc = r->hook(r->ctx, k, t)) != 0)
    return cli_dist_comm() != NULL
               ? cli_dist_fatal(rc, "an output could not be written "
                                    "(above); every rank stops")
               : rc;
  e->steps_done = k + 1;
  cli_progress_update(r->pg, e->steps_done);
  return 0;
}

/* A step the library refused: an unstable dt found by the first update
 * is a bad setting (exit 2, reported before anything is written); a
 * later failure ends the run. */
static int step_failed(cli_engine *e, adex_status st, uint64_t k) {
  const cli_sim *sim = e->sim;
  size_t p = adex_net_failed_pop(e->net);
  char who[ADEX_NAME_MAX + 16] = "";
  if (sim->npops > 1 && p < sim->npops)
    snprintf(who, sizeof who, "population %s: ", cli_engine_pop_name(e, p));
  if (st == ADEX_ERANGE && k == 0) {
    cli_error("%s%s", who, adex_net_errmsg(e->net));
    return CLI_EXIT_USAGE;
  }
  cli_error("step %llu at t = %g ms failed: %s%s", (unsigned long long)k,
            cli_sim_time(sim, k), who, adex_net_errmsg(e->net));
  return CLI_EXIT_FAILURE;
}

/* Say on stderr if the library's event lists overflowed (spikes missing
 * from counts and outputs; spike[] and t_last_spike stay exact). */
static void warn_dropped(const cli_engine *e) {
  size_t p;
  for (p = 0; p < e->sim->npops; p++) {
    if (e->pops[p] == NULL) continue;
    /* every rank's (collective on several) */
    unsigned long long d =
        cli_dist_sum(adex_pop_spike_events_dropped(e->pops[p]));
    if (d > 0)
      cli_error("warning: %llu spike%s of population %s did not fit in the "
                "library's event list and are missing from the counts and "
                "outputs",
                d, d == 1 ? "" : "s", adex_pop_name(e->pops[p]));
  }
}

/* Say on stderr if an update met non-finite values in V, w, input or the
 * drive (adex_pop_nonfinite): the first, by neuron, variable and step. */
/* One rank's first non-finite value of a population, as gathered. */
typedef struct nf_rec {
  double n, i, t; /* count, global neuron, time */
  char var[16];
} nf_rec;

/* Population p's count and first non-finite value over every rank (the
 * earliest; at one time, the lowest neuron), as adex_pop_nonfinite. */
static int nonfinite_all(const cli_engine *e, size_t p, unsigned long long *n,
                         size_t *i, const char **var, double *t) {
  static char name[16];
  nf_rec mine = {0, 0, 0, ""};
  const char *v = NULL;
  if (adex_pop_nonfinite(e->pops[p], n, i, &v, t) == ADEX_OK && *n > 0) {
    mine = (nf_rec){(double)*n, (double)(*i + e->lo[p]), *t, ""};
    snprintf(mine.var, sizeof mine.var, "%s", v != NULL ? v : "?");
  }
  size_t total = 0;
  nf_rec *all = cli_dist_gather_all(&mine, 1, sizeof mine, &total);
  const nf_rec *first = NULL;
  double count = 0;
  for (size_t r = 0; all != NULL && r < total; r++) {
    if (all[r].n == 0) continue;
    count += all[r].n;
    if (first == NULL || all[r].t < first->t ||
        (all[r].t == first->t && all[r].i < first->i))
      first = &all[r];
  }
  int found = first != NULL;
  if (found) {
    *n = (unsigned long long)count;
    *i = (size_t)first->i;
    *t = first->t;
    snprintf(name, sizeof name, "%s", first->var);
    *var = name;
  }
  free(all);
  return found;
}

static void warn_nonfinite(const cli_engine *e) {
  size_t p;
  for (p = 0; p < e->sim->npops; p++) {
    unsigned long long n = 0;
    size_t i = 0;
    const char *var = NULL;
    double t = 0;
    if (e->pops[p] == NULL || !nonfinite_all(e, p, &n, &i, &var, &t)) continue;
    cli_error("warning: population %s met %llu non-finite value%s (NaN or "
              "inf) in V, w, input or drive, the first in neuron %zu's %s "
              "at step %.0f (t = %g ms); each became a spike with w "
              "clamped (docs/numerics.md, Guards)",
              adex_pop_name(e->pops[p]), n, n == 1 ? "" : "s", i, var,
              nearbyint((t - e->sim->start) / e->sim->dt), t);
  }
}

int cli_engine_run(cli_engine *e, int quiet, cli_step_hook hook, void *ctx) {
  const cli_sim *sim = e->sim;
  cli_progress pg;
  int rc = 0;
  size_t done = 0;
  double t0 = cli_now();
  run_ctx r = {e, &pg, hook, ctx};
  /* the hooks only read the spike flags (counts and recordings), and
   * nothing else where no input is added step by step and only spikes
   * are recorded */
  bool spikes_only =
      hook == NULL && (e->rec == NULL || cli_record_spikes_only(e->rec));
  for (size_t p = 0; p < sim->npops; p++)
    spikes_only &= e->pops[p] != NULL && !cli_inputs_any(e->ins, p);
  /* and then a run on threads calls them once per batch of steps, as
   * several ranks agree on a signal */
  adex_run_hooks hooks = {&r,
                          before_step,
                          after_step,
                          NULL,
                          true,
                          spikes_only,
                          spikes_only ? SIGNAL_EVERY : 1};
  cli_signals_install();
  cli_progress_begin(&pg, e->nsteps, sim->dt, sim->start, quiet);
  adex_status st = adex_net_run_hooked(e->net, (size_t)e->nsteps, NULL, 0, NULL,
                                       0, &hooks, &done, &rc);
  if (st != ADEX_OK) rc = step_failed(e, st, done);
  if (rc == STOP_SIGNAL) rc = 0;
  e->wall_s = cli_now() - t0;
  cli_progress_end(&pg);
  cli_signals_restore();
  if (rc != CLI_EXIT_USAGE) {
    warn_dropped(e);
    warn_nonfinite(e);
  }
  if (rc != 0) return rc;
  if (e->rec != NULL &&
      (rc = cli_record_finish(e->rec, e->steps_done, e->signal)) != 0)
    return rc;
  return e->signal != 0 ? 128 + e->signal : 0;
}
