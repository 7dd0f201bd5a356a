/* cli/run/cli_record.c - stream the recordings of a run into .h5, .csv or .npy.
 *
 * Samples and spikes are collected per population in fixed buffers and
 * appended to chunked, extendible HDF5 datasets when a buffer fills (and at
 * the end), so memory stays bounded whatever the duration. CSV and NPY rows
 * go straight to the (stdio-buffered) temporary file. Layouts: cli_record.h
 * and docs/cli.md.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_record.h"
#include "adex/files.h"

#include <errno.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adex/version.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_dist.h"
#include "cli_engine.h"
#include "cli_npy.h"
#include "cli_output.h"
#include "cli_synapses.h"

#define MAX_DENSE 4           /* V, w, input, t_last_spike */
#define SPIKE_CHUNK 4096      /* spikes per HDF5 chunk (32 KiB) at most */
#define SPIKE_CHUNK_MIN 256   /* ... and at least (2 KiB) */
#define SPIKE_BUF_CHUNKS 4    /* spikes buffered: this many chunks */
#define CHUNK_BYTES (1 << 20) /* about this many bytes per sample chunk */
#define MAX_CHUNK_ROWS 1024

typedef enum rec_format { FMT_H5, FMT_CSV, FMT_NPY } rec_format;

/* What is recorded of one population, and its buffers. */
typedef struct rec_pop {
  adex_pop *pop;     /* NULL for a spike source of the network */
  const bool *spike; /* a spike source's flags of the last step */
  const cli_pop_spec *spec;
  const char *name; /* the population's object name */
  size_t n;         /* neurons */
  size_t *idx;      /* watched neurons (owned) */
  size_t nwatch;
  int nvars; /* dense variables recorded */
  cli_var_id vars[MAX_DENSE];
  uint64_t every;         /* steps between samples */
  double *row_in;         /* inputs kept before the update */
  double *row;            /* one row of values (CSV, NPY) */
  size_t cap, rows;       /* sample buffer: capacity, rows held */
  double *buf[MAX_DENSE]; /* cap x nwatch per variable */
  double *ts;             /* cap sample times */
  uint64_t samples;       /* samples taken */
  double *sp_t;           /* spike buffer: times */
  int64_t *sp_n;          /* spike buffer: neurons */
  size_t sp_len, sp_cap;
  uint64_t spikes; /* spikes recorded */
  hid_t g, g_spk, d_spt, d_spn, d_ts, d_var[MAX_DENSE];
  hsize_t h_rows, h_spikes; /* rows already in the datasets */
} rec_pop;

/* A projection whose state variables are recorded. */
typedef struct rec_proj {
  size_t j;         /* the projection's index */
  const char *name; /* its object name */
  int nvars;
  const char *vars[8]; /* variable names (the spec's) */
  const double *x[8];  /* the library's arrays */
  size_t len[8];       /* their lengths (on several ranks: the whole's) */
  size_t nloc[8];      /* this process's part of them */
  int cut[8];          /* on several ranks: 0 whole on every rank, 1 cut
                          by post neuron, 2 by synapse (syn) */
  double *whole[8];    /* rank 0: the whole arrays gathered (cut ones) */
  double *recv[8];     /* rank 0, cut by synapse: as gathered, by rank */
  cli_synapses syn;    /* per-synapse state: where each part goes */
  uint64_t every, samples;
  hid_t g, d_var[8], d_ts; /* HDF5: the group and datasets */
  hsize_t h_rows;
} rec_proj;

struct cli_recorder {
  const cli_sim *sim;
  adex_net *net;   /* the network (projections), or NULL */
  rec_proj *projs; /* projections with recorded variables */
  size_t nprojs;
  rec_format format;
  cli_output out;
  hid_t file;
  rec_pop *pops;
  size_t npops;
  int spikes_on;
  uint64_t nsteps;
  int npy_spikes;    /* .npy holds spikes (rows t, neuron) */
  uint64_t npy_rows; /* rows written to the .npy */
  size_t npy_cols;
  int failed;
  uint64_t *nsyn;     /* synapses of each projection (all ranks') */
  cli_synapses *syns; /* save_synapses: each projection's, whole */
  size_t nsyns;       /* entries of syns */
  int mute;           /* a rank other than 0 of several: it takes part in the
               gathers (cli_dist.h) and writes nothing */
};

/* ------------------------------------------------------------ HDF5 helpers */

/* A variable-length UTF-8 string type (h5py reads it as str). */
static hid_t str_type(void) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return t;
  if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}

/* Write attribute name of loc (replacing one already there). */
static int attr_write(hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                      hid_t space, const void *buf) {
  hid_t a;
  herr_t st;
  if (space < 0) return -1;
  if (H5Aexists(loc, name) > 0 && H5Adelete(loc, name) < 0) return -1;
  a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return -1;
  st = H5Awrite(a, mtype, buf);
  H5Aclose(a);
  return st < 0 ? -1 : 0;
}

/* A scalar attribute of one fixed type. */
static int attr_scalar(hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       const void *v) {
  hid_t space = H5Screate(H5S_SCALAR);
  int rc = attr_write(loc, name, ftype, mtype, space, v);
  if (space >= 0) H5Sclose(space);
  return rc;
}

/* Scalar attributes: float64, int64, uint64 (as h5py reads them). */
static int attr_f64(hid_t loc, const char *name, double v) {
  return attr_scalar(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static int attr_i64(hid_t loc, const char *name, int64_t v) {
  return attr_scalar(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v);
}

static int attr_u64(hid_t loc, const char *name, uint64_t v) {
  return attr_scalar(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}

/* A 1-d attribute of n values of one type. */
static int attr_array(hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                      const void *v, size_t n) {
  hsize_t dims[1];
  hid_t space;
  int rc;
  dims[0] = (hsize_t)n;
  space = H5Screate_simple(1, dims, NULL);
  rc = attr_write(loc, name, ftype, mtype, space, v);
  if (space >= 0) H5Sclose(space);
  return rc;
}

/* A scalar string attribute. */
static int attr_str(hid_t loc, const char *name, const char *s) {
  hid_t t = str_type();
  int rc;
  if (t < 0) return -1;
  rc = attr_scalar(loc, name, t, t, &s);
  H5Tclose(t);
  return rc;
}

/* A creation property list of class cls for objects without times (HDF5
 * stamps each object with its creation and change times unless told not
 * to: two runs, or a run on several processes, would give files that
 * differ in those bytes alone). */
static hid_t untimed(hid_t cls) {
  hid_t p = H5Pcreate(cls);
  if (p >= 0 && H5Pset_obj_track_times(p, 0) < 0) {
    H5Pclose(p);
    return -1;
  }
  return p;
}

/* A group without times. */
static hid_t group_create(hid_t loc, const char *name) {
  hid_t gcpl = untimed(H5P_GROUP_CREATE);
  if (gcpl < 0) return -1;
  hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  return g;
}

/* An empty chunked dataset of rank 1 (cols == 0) or 2 that can grow in
 * its first dimension. Without a chunk cache: the buffers fill whole
 * chunks before they are written (h5_flush), so a cache would only copy
 * each chunk through memory of its own, up to 1 MiB of it touched fresh
 * (about 190 page faults for COBA-AdEx's spikes; docs/performance.md). */
static hid_t ds_create(hid_t loc, const char *name, hid_t ftype, hsize_t cols,
                       hsize_t chunk_rows) {
  int rank = cols == 0 ? 1 : 2;
  hsize_t dims[2] = {0, cols}, maxd[2] = {H5S_UNLIMITED, cols};
  hsize_t chunk[2] = {chunk_rows, cols};
  hid_t space = H5Screate_simple(rank, dims, maxd), dcpl, ds = -1;
  if (space < 0) return -1;
  dcpl = untimed(H5P_DATASET_CREATE);
  hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
  if (dcpl >= 0 && dapl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0 &&
      H5Pset_chunk_cache(dapl, 0, 0, 1.0) >= 0)
    ds = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, dapl);
  if (dcpl >= 0) H5Pclose(dcpl);
  if (dapl >= 0) H5Pclose(dapl);
  H5Sclose(space);
  return ds;
}

/* Append rows (x cols, 0 for rank 1) from data to ds; *have counts rows. */
static int ds_append(hid_t ds, hid_t mtype, hsize_t cols, hsize_t *have,
                     const void *data, hsize_t rows) {
  int rank = cols == 0 ? 1 : 2;
  hsize_t size[2] = {*have + rows, cols}, start[2] = {*have, 0};
  hsize_t count[2] = {rows, cols};
  hid_t fs, ms;
  herr_t st = -1;
  if (rows == 0) return 0;
  if (H5Dset_extent(ds, size) < 0) return -1;
  fs = H5Dget_space(ds);
  ms = H5Screate_simple(rank, count, NULL);
  if (fs >= 0 && ms >= 0 &&
      H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
    st = H5Dwrite(ds, mtype, ms, fs, H5P_DEFAULT, data);
  if (ms >= 0) H5Sclose(ms);
  if (fs >= 0) H5Sclose(fs);
  if (st < 0) return -1;
  *have += rows;
  return 0;
}

/* Close an HDF5 id if it is open, and mark it closed. */
static void h5_close(hid_t *id, herr_t (*close_fn)(hid_t)) {
  if (*id > 0) close_fn(*id);
  *id = -1;
}

/* ------------------------------------------------------------ descriptions */

/* "uniform(-70, -60, seed=1)" and the like. */
static const char *init_desc(const cli_init_spec *in, uint64_t seed, char *buf,
                             size_t len) {
  const adex_init *i = &in->init;
  switch (i->kind) {
  case ADEX_INIT_ZERO: snprintf(buf, len, "zero"); break;
  case ADEX_INIT_ONE: snprintf(buf, len, "one(%.17g)", i->a); break;
  case ADEX_INIT_CONSTANT: snprintf(buf, len, "constant(%.17g)", i->a); break;
  case ADEX_INIT_UNIFORM:
    snprintf(buf, len, "uniform(%.17g, %.17g, seed=%llu)", i->a, i->b,
             (unsigned long long)seed);
    break;
  case ADEX_INIT_NORMAL:
    snprintf(buf, len, "normal(%.17g, %.17g, seed=%llu)", i->a, i->b,
             (unsigned long long)seed);
    break;
  case ADEX_INIT_ARRAY: snprintf(buf, len, "array(%zu values)", i->len); break;
  default: snprintf(buf, len, "?"); break;
  }
  return buf;
}

/* Unit of a dense variable in a population: what is stored. w and input
 * are currents such that R*w and R*I are in mV, so their own unit is mV/R
 * (mV where R = 1; 500 with R = 0.1 is R*I = 50 mV). */
static const char *var_unit(const cli_pop_spec *s, cli_var_id v) {
  switch (v) {
  case CLI_VAR_V: return "mV";
  case CLI_VAR_W: return s->w_unit != NULL ? s->w_unit : "mV/R";
  case CLI_VAR_INPUT: return s->input_unit != NULL ? s->input_unit : "mV/R";
  case CLI_VAR_T_LAST_SPIKE: return "ms";
  default: return "";
  }
}

/* ------------------------------------------------------------ setup */

/* Print a failure to write the output and mark the recorder failed. */
static int write_failed(cli_recorder *r, const char *what) {
  int err = r->format == FMT_H5 ? 0 : cli_output_failed(&r->out);
  r->failed = 1;
  if (err != 0)
    cli_error("cannot write output file '%s': %s", r->sim->out, strerror(err));
  else
    cli_error("cannot write output file '%s': %s failed", r->sim->out, what);
  return CLI_EXIT_FAILURE;
}

/* Spikes per HDF5 chunk of a population of n neurons. A chunk is written
 * (and cached) whole, so a small population gets small chunks: thousands
 * of populations then stay small in the file and in memory. */
static size_t spike_chunk(size_t n) {
  return n < SPIKE_CHUNK_MIN ? SPIKE_CHUNK_MIN
         : n < SPIKE_CHUNK   ? n
                             : SPIKE_CHUNK;
}

/* What population p records, and its buffers. */
static int plan_pop(cli_recorder *r, size_t p, adex_pop *pop) {
  const cli_pop_spec *s = &r->sim->pops[p];
  rec_pop *rp = &r->pops[p];
  size_t j;
  int v;
  rp->pop = pop;
  rp->spec = s;
  rp->name = pop != NULL ? adex_pop_name(pop) : adex_net_pop_name(r->net, p);
  rp->n = s->size; /* on several ranks pop holds a part */
  rp->spike = pop != NULL ? NULL : adex_net_pop_spike(r->net, p);
  rp->every = s->every > 0 ? s->every : 1;
  rp->g = rp->g_spk = rp->d_spt = rp->d_spn = rp->d_ts = -1;
  for (v = 0; v < MAX_DENSE; v++) rp->d_var[v] = -1;
  for (v = 0; v < CLI_NVARS && pop != NULL; v++) {
    if (v != CLI_VAR_SPIKE && (s->record & CLI_VAR_BIT(v)))
      rp->vars[rp->nvars++] = (cli_var_id)v;
  }
  rp->nwatch = pop == NULL ? 0 : s->watch_all ? rp->n : s->nwatch;
  rp->idx = malloc(rp->nwatch * sizeof *rp->idx);
  if (rp->idx == NULL) return -1;
  for (j = 0; j < rp->nwatch; j++) rp->idx[j] = s->watch_all ? j : s->watch[j];
  if (rp->nvars > 0) {
    rp->row_in = malloc(rp->nwatch * sizeof *rp->row_in);
    rp->row = malloc(rp->nwatch * sizeof *rp->row);
    if (rp->row_in == NULL || rp->row == NULL) return -1;
  }
  if (r->format != FMT_H5) return 0;
  if (rp->nvars > 0) {
    size_t per_row = rp->nwatch * sizeof(double);
    rp->cap = CHUNK_BYTES / per_row;
    if (rp->cap < 1) rp->cap = 1;
    if (rp->cap > MAX_CHUNK_ROWS) rp->cap = MAX_CHUNK_ROWS;
    rp->ts = malloc(rp->cap * sizeof *rp->ts);
    if (rp->ts == NULL) return -1;
    for (v = 0; v < rp->nvars; v++) {
      rp->buf[v] = malloc(rp->cap * per_row);
      if (rp->buf[v] == NULL) return -1;
    }
  }
  if (r->spikes_on) {
    rp->sp_cap = SPIKE_BUF_CHUNKS * spike_chunk(rp->n);
    rp->sp_t = malloc(rp->sp_cap * sizeof *rp->sp_t);
    rp->sp_n = malloc(rp->sp_cap * sizeof *rp->sp_n);
    if (rp->sp_t == NULL || rp->sp_n == NULL) return -1;
  }
  return 0;
}

/* On several ranks: which recorded variables of rq are cut among the
 * ranks (ExpCUBA/ExpCOBA's g by post neuron, STP's by synapse), their
 * whole lengths, rank 0's buffers, and for STP where each synapse goes.
 * Alone: each variable is the library's array as it is. */
static int plan_proj_parts(cli_recorder *r, rec_proj *rq,
                           const cli_proj_spec *pr) {
  adex_syn_model m = pr->cfg.model;
  int stp = m == ADEX_SYN_STP;
  for (int v = 0; v < rq->nvars; v++) {
    rq->nloc[v] = rq->len[v];
    if (cli_dist_comm() == NULL) continue;
    if (stp) {
      rq->cut[v] = 2;
      rq->len[v] = r->nsyn[rq->j];
    } else if ((m == ADEX_SYN_EXP_CUBA || m == ADEX_SYN_EXP_COBA) &&
               strcmp(rq->vars[v], "g") == 0) {
      rq->cut[v] = 1;
      rq->len[v] = r->sim->pops[pr->cfg.post].size;
    }
    if (rq->cut[v] != 0 && cli_dist_root()) {
      size_t bytes = (rq->len[v] ? rq->len[v] : 1) * sizeof(double);
      rq->whole[v] = malloc(bytes);
      rq->recv[v] = rq->cut[v] == 2 ? malloc(bytes) : NULL;
      if (rq->whole[v] == NULL || (rq->cut[v] == 2 && rq->recv[v] == NULL))
        return cli_error("out of memory");
    }
  }
  if (stp && cli_dist_comm() != NULL) {
    adex_conn_kind k = pr->cfg.conn.kind;
    return cli_synapses_get(r->net, rq->j,
                            k == ADEX_CONN_IJ || k == ADEX_CONN_CSR, &rq->syn);
  }
  return 0;
}

/* The projections' recorded variables: each must be the model's
 * (adex_net_proj_var); .h5 and .csv outputs hold them. */
static int plan_projs(cli_recorder *r) {
  static const char *const all[] = {"g", "h", "x",
                                    "u", "I", "spike_arrival_time"};
  const cli_sim *sim = r->sim;
  size_t j, n = 0;
  for (j = 0; j < sim->nprojs; j++) n += sim->projs[j].nrec > 0;
  if (n == 0) return 0;
  if (r->format == FMT_NPY)
    return cli_error("%s: projection variables go into .h5 or .csv "
                     "outputs, not a .npy file",
                     sim->out);
  if ((r->projs = calloc(n, sizeof *r->projs)) == NULL)
    return cli_error("out of memory");
  for (j = 0; j < sim->nprojs; j++) {
    const cli_proj_spec *pr = &sim->projs[j];
    if (pr->nrec == 0) continue;
    rec_proj *rq = &r->projs[r->nprojs++];
    rq->j = j;
    rq->name = adex_net_proj_name(r->net, j);
    rq->every = pr->rec_every > 0 ? pr->rec_every : 1;
    rq->g = rq->d_ts = -1;
    for (int v = 0; v < 8; v++) rq->d_var[v] = -1;
    for (int v = 0; v < pr->nrec; v++) {
      rq->vars[v] = pr->rec_vars[v];
      rq->x[v] = adex_net_proj_var(r->net, j, pr->rec_vars[v], &rq->len[v]);
      if (rq->x[v] != NULL) continue;
      char has[96] = "";
      size_t used = 0, len;
      for (size_t a = 0; a < sizeof all / sizeof all[0]; a++)
        if (adex_net_proj_var(r->net, j, all[a], &len) != NULL) {
          int w = snprintf(has + used, sizeof has - used, "%s%s",
                           used ? ", " : "", all[a]);
          if (w > 0 && (size_t)w < sizeof has - used) used += (size_t)w;
        }
      return cli_error("%s: record.%s: %s has no variable \"%s\" (it has: "
                       "%s)",
                       sim->config_path ? sim->config_path : "adex run",
                       pr->name, adex_syn_model_name(pr->cfg.model),
                       pr->rec_vars[v], used ? has : "none");
    }
    rq->nvars = pr->nrec;
    if (plan_proj_parts(r, rq, pr) != 0) return CLI_EXIT_FAILURE;
  }
  return 0;
}

/* .npy holds one array: decide which, or explain why it cannot. */
static int plan_npy(cli_recorder *r) {
  size_t p, pairs = 0, which = 0;
  char list[256] = "";
  size_t used = 0;
  for (p = 0; p < r->npops; p++) {
    int v;
    for (v = 0; v < r->pops[p].nvars; v++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s.%s",
                       pairs > 0 ? ", " : "", r->pops[p].name,
                       cli_var_name(r->pops[p].vars[v]));
      if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
      pairs++;
      which = p;
    }
  }
  if (pairs > 1)
    return cli_error("%s: a .npy file holds one array: record one variable "
                     "of one population (recorded: %s), or write .h5 or "
                     ".csv",
                     r->sim->out, list);
  if (pairs == 1) {
    r->npy_cols = r->pops[which].nwatch;
    return 0;
  }
  if (!r->spikes_on)
    return cli_error("%s: nothing to write into the .npy file (no variable "
                     "recorded and spikes switched off)",
                     r->sim->out);
  if (r->npops != 1)
    return cli_error("%s: a .npy file holds one array: the spikes of one "
                     "population, but there are %zu; write .h5 or .csv",
                     r->sim->out, r->npops);
  r->npy_spikes = 1;
  r->npy_cols = 2;
  return 0;
}

/* Root attributes known before the run. */
static int h5_root_attrs(cli_recorder *r) {
  const cli_sim *s = r->sim;
  hid_t f = r->file;
  if (attr_str(f, "adex_version", adex_version()) < 0 ||
      attr_str(f, "kind", s->kind != NULL ? s->kind : "run") < 0 ||
      attr_f64(f, "dt", s->dt) < 0 || attr_u64(f, "seed", s->seed) < 0 ||
      attr_f64(f, "duration", s->duration) < 0 ||
      attr_f64(f, "start", s->start) < 0 ||
      attr_u64(f, "steps", r->nsteps) < 0 || attr_u64(f, "steps_done", 0) < 0 ||
      attr_i64(f, "interrupted", 0) < 0 || attr_str(f, "time_unit", "ms") < 0)
    return -1;
  if (s->config_text != NULL &&
      (attr_str(f, "config", s->config_text) < 0 ||
       attr_str(f, "config_path", s->config_path) < 0))
    return -1;
  return 0;
}

/* Parameter attributes of one population: a number, or one per neuron. */
static int h5_param_attrs(rec_pop *rp, double *scratch) {
  int i;
  for (i = 0; i < ADEX_NPARAMS; i++) {
    adex_param_id id = (adex_param_id)i;
    const char *name = adex_param_name(id);
    const cli_vec *given = &rp->spec->param[i];
    if (cli_dist_comm() != NULL && given->n > 1) { /* pop holds a part */
      if (attr_array(rp->g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, given->v,
                     rp->n) < 0)
        return -1;
      continue;
    }
    if (adex_pop_param(rp->pop, id, scratch) != ADEX_OK) return -1;
    if (adex_pop_param_is_array(rp->pop, id)) {
      if (attr_array(rp->g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scratch,
                     rp->n) < 0)
        return -1;
    } else if (attr_f64(rp->g, name, scratch[0]) < 0) {
      return -1;
    }
  }
  return 0;
}

/* Attributes of a spike source's group: its model and parameters. */
static int h5_source_attrs(cli_recorder *r, size_t p) {
  rec_pop *rp = &r->pops[p];
  const cli_pop_spec *s = rp->spec;
  if (attr_i64(rp->g, "size", (int64_t)rp->n) < 0 ||
      attr_f64(rp->g, "dt", r->sim->dt) < 0 ||
      attr_str(rp->g, "adex_version", adex_version()) < 0)
    return -1;
  if (s->model == CLI_MODEL_POISSON)
    return attr_str(rp->g, "model", "PoissonGroup") < 0 ||
                   attr_array(rp->g, "freqs", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                              s->freqs.v, s->freqs.n) < 0 ||
                   attr_u64(rp->g, "seed", cli_source_seed(r->sim, p)) < 0
               ? -1
               : 0;
  return attr_str(rp->g, "model", "SpikeTimeGroup") < 0 ||
                 attr_i64(rp->g, "n_spike_times", (int64_t)s->nspikes) < 0
             ? -1
             : 0;
}

/* Attributes of population p's group. */
static int h5_pop_attrs(cli_recorder *r, size_t p) {
  rec_pop *rp = &r->pops[p];
  const cli_pop_spec *s = rp->spec;
  char desc[160];
  int64_t shape[ADEX_MAX_DIM];
  size_t d, i;
  if (rp->pop == NULL) return h5_source_attrs(r, p);
  double *scratch = malloc(rp->n * sizeof *scratch);
  int rc = scratch == NULL ? -1 : h5_param_attrs(rp, scratch);
  free(scratch);
  for (d = 0; d < s->ndim; d++) shape[d] = (int64_t)s->shape[d];
  if (rc < 0 || attr_i64(rp->g, "size", (int64_t)rp->n) < 0 ||
      attr_array(rp->g, "shape", H5T_STD_I64LE, H5T_NATIVE_INT64, shape,
                 s->ndim) < 0 ||
      attr_str(rp->g, "method", adex_method_name(adex_pop_method(rp->pop))) <
          0 ||
      attr_f64(rp->g, "dt", r->sim->dt) < 0 ||
      attr_u64(rp->g, "seed", r->sim->seed) < 0 ||
      attr_str(rp->g, "adex_version", adex_version()) < 0 ||
      attr_u64(rp->g, "record_every", rp->every) < 0 ||
      attr_str(rp->g, "V_initializer",
               init_desc(&s->V0, cli_pop_init_seed(r->sim, p, 0), desc,
                         sizeof desc)) < 0 ||
      attr_str(rp->g, "w_initializer",
               init_desc(&s->w0, cli_pop_init_seed(r->sim, p, 1), desc,
                         sizeof desc)) < 0)
    return -1;
  if (attr_i64(rp->g, "adaptive", s->adaptive != 0) < 0 ||
      attr_f64(rp->g, "tol", s->tol) < 0 ||
      attr_i64(rp->g, "precise_spikes", s->precise_spikes != 0) < 0 ||
      attr_f64(rp->g, "tau_ref", s->tau_ref) < 0 ||
      attr_f64(rp->g, "noise", s->noise) < 0 ||
      attr_u64(rp->g, "noise_seed", cli_pop_noise_seed(r->sim, p)) < 0 ||
      attr_str(rp->g, "spk_reset",
               s->spk_reset == ADEX_SPK_RESET_SOFT ? "soft" : "hard") < 0 ||
      attr_str(rp->g, "dtype", adex_dtype_name(adex_pop_dtype(rp->pop))) < 0 ||
      attr_str(rp->g, "kernel", adex_kernel_name(s->kernel)) < 0)
    return -1;
  if (s->title != NULL && attr_str(rp->g, "title", s->title) < 0) return -1;
  for (i = 0; i < s->nattrs; i++) {
    if (attr_f64(rp->g, s->attrs[i].name, s->attrs[i].value) < 0) return -1;
  }
  return 0;
}

/* The group, attributes and datasets of population p. */
static int h5_pop_layout(cli_recorder *r, size_t p) {
  rec_pop *rp = &r->pops[p];
  hid_t gcpl = untimed(H5P_GROUP_CREATE);
  int v;
  /* dense attribute storage: per-neuron parameters may exceed 64 KiB */
  if (gcpl < 0 || H5Pset_attr_phase_change(gcpl, 0, 0) < 0) {
    if (gcpl >= 0) H5Pclose(gcpl);
    return -1;
  }
  rp->g = H5Gcreate2(r->file, rp->name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  if (rp->g < 0 || h5_pop_attrs(r, p) < 0) return -1;
  if (r->spikes_on) {
    rp->g_spk = group_create(rp->g, "spikes");
    if (rp->g_spk < 0) return -1;
    hsize_t chunk = (hsize_t)spike_chunk(rp->n);
    rp->d_spt = ds_create(rp->g_spk, "t", H5T_IEEE_F64LE, 0, chunk);
    rp->d_spn = ds_create(rp->g_spk, "neuron", H5T_STD_I64LE, 0, chunk);
    if (rp->d_spt < 0 || rp->d_spn < 0 ||
        attr_str(rp->d_spt, "unit", "ms") < 0 ||
        attr_str(rp->g_spk, "note",
                 rp->spec->precise_spikes
                     ? "each spike is stamped with its crossing time of "
                       "V_th inside its step (precise_spikes)"
                     : "a spike found in the step from t to t+dt is "
                       "stamped t") < 0)
      return -1;
  }
  if (rp->nvars > 0) {
    int64_t *neurons = malloc(rp->nwatch * sizeof *neurons);
    /* chunks no longer than the whole recording */
    uint64_t expected = r->nsteps / rp->every;
    hsize_t chunk = (hsize_t)(expected < 1         ? 1
                              : expected < rp->cap ? expected
                                                   : rp->cap);
    size_t j;
    int rc;
    if (neurons == NULL) return -1;
    for (j = 0; j < rp->nwatch; j++) neurons[j] = (int64_t)rp->idx[j];
    {
      hsize_t dims[1];
      hid_t space, ds;
      dims[0] = (hsize_t)rp->nwatch;
      space = H5Screate_simple(1, dims, NULL);
      hid_t dcpl = untimed(H5P_DATASET_CREATE);
      ds = space < 0 || dcpl < 0
               ? -1
               : H5Dcreate2(rp->g, "neurons", H5T_STD_I64LE, space, H5P_DEFAULT,
                            dcpl, H5P_DEFAULT);
      if (dcpl >= 0) H5Pclose(dcpl);
      rc = ds < 0 ? -1
                  : (H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL,
                              H5P_DEFAULT, neurons) < 0
                         ? -1
                         : 0);
      if (ds >= 0) H5Dclose(ds);
      if (space >= 0) H5Sclose(space);
    }
    free(neurons);
    if (rc < 0) return -1;
    rp->d_ts = ds_create(rp->g, "ts", H5T_IEEE_F64LE, 0, chunk);
    if (rp->d_ts < 0 || attr_str(rp->d_ts, "unit", "ms") < 0) return -1;
    for (v = 0; v < rp->nvars; v++) {
      rp->d_var[v] = ds_create(rp->g, cli_var_name(rp->vars[v]), H5T_IEEE_F64LE,
                               (hsize_t)rp->nwatch, chunk);
      if (rp->d_var[v] < 0 ||
          attr_str(rp->d_var[v], "unit", var_unit(rp->spec, rp->vars[v])) < 0)
        return -1;
    }
  }
  return 0;
}

/* Create the HDF5 file (in the reserved temporary) and its layout. */
/* The names of the connector kinds, as the config writes them. */
static const char *conn_name(adex_conn_kind k) {
  static const char *const names[] = {
      "One2One", "All2All", "FixedProb",    "FixedPreNum", "FixedPostNum",
      "IJ",      "CSR",     "GaussianProb", "GridFour",    "GridN"};
  return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* /<name>/synapses/pre, post, weight, delay of projection j, in the
 * order the synapses were given (IJ, CSR) or drawn (the others). */
static int h5_synapses(cli_recorder *r, size_t j, hid_t g) {
  /* the whole projection's (gathered from every rank at open) */
  const cli_synapses *t = &r->syns[j];
  size_t n = t->n, s;
  int64_t *ip = malloc((n ? n : 1) * sizeof *ip);
  int64_t *iq = malloc((n ? n : 1) * sizeof *iq);
  double *ow = malloc((n ? n : 1) * sizeof *ow);
  double *od = malloc((n ? n : 1) * sizeof *od);
  int rc = -1;
  if (ip != NULL && iq != NULL && ow != NULL && od != NULL) {
    for (s = 0; s < n; s++) {
      size_t at = t->given[s] < n ? t->given[s] : s;
      ip[at] = (int64_t)t->pre[s];
      iq[at] = (int64_t)t->post[s];
      ow[at] = t->w[s];
      od[at] = t->d[s];
    }
    hid_t sg = group_create(g, "synapses");
    hsize_t have = 0;
    hid_t ds;
    rc = sg < 0 ? -1 : 0;
    const struct {
      const char *name;
      hid_t ft, mt;
      const void *v;
    } cols[] = {{"pre", H5T_STD_I64LE, H5T_NATIVE_INT64, ip},
                {"post", H5T_STD_I64LE, H5T_NATIVE_INT64, iq},
                {"weight", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, ow},
                {"delay", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, od}};
    for (size_t c = 0; rc == 0 && c < 4; c++) {
      have = 0;
      ds = ds_create(sg, cols[c].name, cols[c].ft, 0,
                     n < 65536 ? (n ? n : 1) : 65536);
      rc = ds < 0 || ds_append(ds, cols[c].mt, 0, &have, cols[c].v, n) < 0 ? -1
                                                                           : 0;
      if (ds >= 0) H5Dclose(ds);
    }
    if (rc == 0) rc = attr_str(sg, "delay_unit", "ms");
    if (sg >= 0) H5Gclose(sg);
  }
  free(ip);
  free(iq);
  free(ow);
  free(od);
  return rc;
}

/* The group of projection j: what it is, as attributes (adex info lists
 * them): model, pre and post, connector, weights, delays, parameters and
 * the number of synapses drawn. */
static int h5_proj_layout(cli_recorder *r, size_t j) {
  const cli_proj_spec *pr = &r->sim->projs[j];
  const adex_proj_config *c = &pr->cfg;
  const char *name = adex_net_proj_name(r->net, j);
  static const char *const params[] = {
      "tau", "E", "tau_decay",  "tau_rise", "cc_Mg", "alpha", "beta",
      "a",   "T", "T_duration", "U",        "tau_f", "tau_d", "A"};
  const double vals[] = {
      c->tau, c->E, c->tau_decay,  c->tau_rise, c->cc_Mg, c->alpha, c->beta,
      c->a,   c->T, c->T_duration, c->U,        c->tau_f, c->tau_d, c->A};
  hid_t g = group_create(r->file, name);
  int bad = g < 0;
  if (!bad)
    bad = attr_str(g, "kind", "projection") < 0 ||
          attr_str(g, "model", adex_syn_model_name(c->model)) < 0 ||
          attr_str(g, "pre", r->pops[c->pre].name) < 0 ||
          attr_str(g, "post", r->pops[c->post].name) < 0 ||
          attr_str(g, "conn", conn_name(c->conn.kind)) < 0 ||
          attr_u64(g, "synapses", r->nsyn[j]) < 0 ||
          attr_str(g, "time_unit", "ms") < 0;
  if (!bad && c->conn.kind == ADEX_CONN_FIXED_PROB)
    bad = attr_f64(g, "conn_prob", c->conn.prob) < 0;
  if (!bad && c->conn.kind == ADEX_CONN_GAUSSIAN_PROB)
    bad = attr_f64(g, "conn_sigma", c->conn.sigma) < 0 ||
          attr_i64(g, "conn_periodic_boundary", c->conn.periodic) < 0 ||
          attr_u64(g, "conn_seed", c->conn.seed) < 0;
  if (!bad && c->conn.kind == ADEX_CONN_GRID_N)
    bad = attr_u64(g, "conn_N", c->conn.grid_n) < 0;
  if (!bad && (c->conn.kind == ADEX_CONN_FIXED_PRE_NUM ||
               c->conn.kind == ADEX_CONN_FIXED_POST_NUM))
    bad = attr_u64(g, "conn_num", c->conn.num) < 0;
  if (!bad && c->conn.kind >= ADEX_CONN_ALL2ALL &&
      c->conn.kind <= ADEX_CONN_FIXED_POST_NUM)
    bad = attr_i64(g, "conn_include_self", c->conn.include_self) < 0 ||
          (c->conn.kind != ADEX_CONN_ALL2ALL &&
           attr_u64(g, "conn_seed", c->conn.seed) < 0);
  if (!bad)
    bad = c->weights != NULL ? attr_str(g, "g_max", "one per synapse") < 0
                             : attr_f64(g, "g_max", c->g_max) < 0;
  if (!bad)
    bad = c->delays != NULL
              ? attr_str(g, "delay", "one per synapse or pre neuron") < 0
              : attr_f64(g, "delay", c->delay > 0 ? c->delay : r->sim->dt) < 0;
  for (size_t q = 0; !bad && q < sizeof params / sizeof params[0]; q++) {
    /* only the parameters the model takes (defaults included) */
    static const char *const takes[][8] = {
        {NULL},
        {"tau"},
        {"tau", "E"},
        {"tau_decay", "tau_rise"},
        {"tau_decay", "tau_rise", "E"},
        {"tau_decay"},
        {"tau_decay", "E"},
        {"E", "cc_Mg", "alpha", "beta", "tau_decay", "a", "tau_rise"},
        {"E", "alpha", "beta", "T", "T_duration"},
        {"E", "alpha", "beta", "T", "T_duration"},
        {"U", "tau_f", "tau_d", "tau", "A"}};
    for (size_t t = 0; t < 8 && takes[c->model][t] != NULL; t++)
      if (strcmp(takes[c->model][t], params[q]) == 0)
        bad = attr_f64(g, params[q], vals[q]) < 0;
  }
  if (!bad && r->sim->projs[j].save_synapses) bad = h5_synapses(r, j, g) < 0;
  for (size_t q = 0; !bad && q < r->nprojs; q++) {
    rec_proj *rq = &r->projs[q];
    if (rq->j != j) continue;
    rq->d_ts = ds_create(g, "ts", H5T_IEEE_F64LE, 0, 256);
    bad = rq->d_ts < 0 || attr_u64(g, "record_every", rq->every) < 0;
    for (int v = 0; !bad && v < rq->nvars; v++) {
      rq->d_var[v] = ds_create(g, rq->vars[v], H5T_IEEE_F64LE, rq->len[v],
                               rq->len[v] > 4096 ? 1 : 64);
      bad = rq->d_var[v] < 0;
    }
    if (!bad) {
      rq->g = g; /* kept open for the samples */
      g = -1;
    }
  }
  if (g >= 0) H5Gclose(g);
  return bad ? -1 : 0;
}

static int h5_open(cli_recorder *r) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = untimed(H5P_FILE_CREATE);
  size_t p;
  if (fapl < 0 || fcpl < 0) {
    if (fapl >= 0) H5Pclose(fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    return -1;
  }
  H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  r->file = H5Fcreate(r->out.tmp, H5F_ACC_TRUNC, fcpl, fapl);
  H5Pclose(fapl);
  H5Pclose(fcpl);
  if (r->file < 0 || h5_root_attrs(r) < 0) return -1;
  for (p = 0; p < r->npops; p++) {
    if (h5_pop_layout(r, p) < 0) return -1;
  }
  for (p = 0; r->net != NULL && p < r->sim->nprojs; p++) {
    if (h5_proj_layout(r, p) < 0) return -1;
  }
  return 0;
}

int cli_record_open(const cli_sim *sim, adex_pop *const *pops, adex_net *net,
                    uint64_t nsteps, cli_recorder **out) {
  cli_recorder *r = calloc(1, sizeof *r);
  size_t p;
  int err, rc;
  *out = NULL;
  if (r == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_FAILURE;
  }
  r->sim = sim;
  r->net = net;
  r->file = -1;
  r->nsteps = nsteps;
  r->spikes_on = sim->spikes;
  r->format = adex_file_kind_of(sim->out) == ADEX_FILE_CSV   ? FMT_CSV
              : adex_file_kind_of(sim->out) == ADEX_FILE_NPY ? FMT_NPY
                                                             : FMT_H5;
  r->pops = calloc(sim->npops, sizeof *r->pops);
  r->npops = r->pops != NULL ? sim->npops : 0;
  for (p = 0; p < r->npops; p++) {
    if (plan_pop(r, p, pops[p]) != 0) break;
  }
  if (r->pops == NULL || p < sim->npops) {
    cli_record_free(r);
    cli_error("out of memory planning the recordings");
    return CLI_EXIT_FAILURE;
  }
  r->nsyn = calloc(sim->nprojs + 1, sizeof *r->nsyn);
  r->syns = calloc(sim->nprojs + 1, sizeof *r->syns);
  r->nsyns = sim->nprojs;
  if (r->nsyn == NULL || r->syns == NULL) {
    cli_record_free(r);
    return cli_error("out of memory");
  }
  for (p = 0; p < sim->nprojs; p++) {
    r->nsyn[p] = cli_dist_sum(adex_net_proj_nsyn(net, p));
    adex_conn_kind k = sim->projs[p].cfg.conn.kind;
    if (sim->projs[p].save_synapses && sim->out != NULL &&
        (rc = cli_synapses_get(net, p, k == ADEX_CONN_IJ || k == ADEX_CONN_CSR,
                               &r->syns[p])) != 0) {
      cli_record_free(r);
      return rc;
    }
  }
  if ((rc = plan_projs(r)) != 0) {
    cli_record_free(r);
    return rc;
  }
  if (r->format == FMT_NPY && (rc = plan_npy(r)) != 0) {
    cli_record_free(r);
    return rc;
  }
  r->mute = !cli_dist_root();
  if (r->mute) { /* every check passed here too; rank 0 writes */
    *out = r;
    return 0;
  }
  if (r->format != FMT_CSV && cli_output_is_special(sim->out)) {
    const char *kind = r->format == FMT_H5 ? "HDF5" : ".npy";
    cli_record_free(r);
    return cli_error("cannot create output file '%s': not a regular file "
                     "that can be replaced (%s files are written by "
                     "seeking; use .csv for a device, pipe or /dev/stdout)",
                     sim->out, kind);
  }
  err = r->format == FMT_H5 ? cli_output_reserve(&r->out, sim->out)
                            : cli_output_open(&r->out, sim->out);
  if (err != 0) {
    cli_record_free(r);
    return cli_error("cannot create output file '%s': %s", sim->out,
                     strerror(err));
  }
  if (r->format == FMT_H5 && h5_open(r) != 0) {
    cli_record_free(r);
    return cli_error("cannot create output file '%s': HDF5 could not "
                     "write its layout",
                     sim->out);
  }
  if (r->format == FMT_CSV) fputs("t,population,neuron,var,value\n", r->out.fp);
  if (r->format == FMT_NPY) {
    unsigned long long shape[2] = {0, r->npy_cols};
    if (cli_npy_write_header(r->out.fp, "<f8", 2, shape) != 0) {
      cli_record_free(r);
      return cli_error("cannot write output file '%s'", sim->out);
    }
  }
  *out = r;
  return 0;
}

/* ------------------------------------------------------------ the loop */

/* Whether step k ends with a sample of population rp. */
static int sample_step(const rec_pop *rp, uint64_t k) {
  return rp->nvars > 0 && (k + 1) % rp->every == 0;
}

void cli_record_before(cli_recorder *r, uint64_t k) {
  size_t p;
  for (p = 0; p < r->npops; p++) {
    rec_pop *rp = &r->pops[p];
    if (rp->pop == NULL || !(rp->spec->record & CLI_VAR_BIT(CLI_VAR_INPUT)) ||
        !sample_step(rp, k))
      continue;
    cli_pop_gather(rp->pop, CLI_VAR_INPUT, rp->idx, rp->nwatch, rp->row_in);
  }
}

/* Append rp's buffered samples and spikes to its datasets. */
static int h5_flush(rec_pop *rp) {
  int v;
  hsize_t have;
  if (rp->rows > 0) {
    have = rp->h_rows;
    if (ds_append(rp->d_ts, H5T_NATIVE_DOUBLE, 0, &have, rp->ts,
                  (hsize_t)rp->rows) < 0)
      return -1;
    for (v = 0; v < rp->nvars; v++) {
      have = rp->h_rows;
      if (ds_append(rp->d_var[v], H5T_NATIVE_DOUBLE, (hsize_t)rp->nwatch, &have,
                    rp->buf[v], (hsize_t)rp->rows) < 0)
        return -1;
    }
    rp->h_rows = have;
    rp->rows = 0;
  }
  if (rp->sp_len > 0) {
    have = rp->h_spikes;
    if (ds_append(rp->d_spt, H5T_NATIVE_DOUBLE, 0, &have, rp->sp_t,
                  (hsize_t)rp->sp_len) < 0)
      return -1;
    have = rp->h_spikes;
    if (ds_append(rp->d_spn, H5T_NATIVE_INT64, 0, &have, rp->sp_n,
                  (hsize_t)rp->sp_len) < 0)
      return -1;
    rp->h_spikes = have;
    rp->sp_len = 0;
  }
  return 0;
}

/* Store the spikes of the last step of rp from its event list: each at
 * its time (t of the step, or the crossing time with precise_spikes). */
static int put_spikes(cli_recorder *r, rec_pop *rp, double t_step) {
  const adex_spike_event *ev = NULL;
  size_t j, n;
  if (r->mute) return 0; /* (rank 0 has every rank's events) */
  if (rp->pop == NULL)   /* a spike source: its flags, at the step's t */
    n = rp->n;
  else if (cli_spike_events(rp->pop, &ev, &n) != 0)
    return -2;
  for (j = 0; j < n; j++) {
    if (ev == NULL && !rp->spike[j]) continue;
    double t = ev != NULL ? ev[j].t : t_step;
    size_t i = ev != NULL ? ev[j].neuron : j;
    rp->spikes++;
    if (r->format == FMT_H5) {
      if (rp->sp_len == rp->sp_cap && h5_flush(rp) < 0) return -1;
      rp->sp_t[rp->sp_len] = t;
      rp->sp_n[rp->sp_len++] = (int64_t)i;
    } else if (r->format == FMT_CSV) {
      fprintf(r->out.fp, "%.17g,%s,%zu,spike,1\n", t, rp->name, i);
    } else if (r->npy_spikes) {
      double row[2];
      row[0] = t;
      row[1] = (double)i;
      fwrite(row, sizeof row[0], 2, r->out.fp);
      r->npy_rows++;
    }
  }
  return 0;
}

/* Store one sample of every recorded variable of rp, stamped ts. */
static int put_sample(cli_recorder *r, rec_pop *rp, double ts) {
  int v;
  size_t j;
  for (v = 0; v < rp->nvars; v++) {
    double *dst = r->format == FMT_H5 && !r->mute
                      ? rp->buf[v] + rp->rows * rp->nwatch
                      : rp->row;
    if (r->mute) { /* its part of the gather */
      if (rp->vars[v] != CLI_VAR_INPUT)
        cli_pop_gather(rp->pop, rp->vars[v], rp->idx, rp->nwatch, dst);
      continue;
    }
    if (rp->vars[v] == CLI_VAR_INPUT) {
      memcpy(dst, rp->row_in, rp->nwatch * sizeof *dst);
    } else {
      cli_pop_gather(rp->pop, rp->vars[v], rp->idx, rp->nwatch, dst);
    }
    if (r->format == FMT_CSV) {
      const char *name = cli_var_name(rp->vars[v]);
      for (j = 0; j < rp->nwatch; j++)
        fprintf(r->out.fp, "%.17g,%s,%zu,%s,%.17g\n", ts, rp->name, rp->idx[j],
                name, dst[j]);
    } else if (r->format == FMT_NPY) {
      fwrite(dst, sizeof *dst, rp->nwatch, r->out.fp);
      r->npy_rows++;
    }
  }
  rp->samples++;
  if (r->format == FMT_H5 && !r->mute) {
    rp->ts[rp->rows++] = ts;
    if (rp->rows == rp->cap && h5_flush(rp) < 0) return -1;
  }
  return 0;
}

/* One sample of a projection's recorded variables, stamped ts: a row of
 * each dataset (.h5) or one line per element (.csv: t, projection,
 * element, var, value). */
/* Variable v of rq now, whole: the library's array, or on several ranks
 * the ranks' parts gathered to rank 0 (NULL on the others). */
static const double *proj_values(rec_proj *rq, int v) {
  if (rq->cut[v] == 0) return rq->x[v];
  /* by post neuron: the ranks' parts in rank order are the whole; by
   * synapse, each value then goes to its synapse's place */
  double *to = rq->cut[v] == 2 ? rq->recv[v] : rq->whole[v];
  size_t cap = rq->len[v] * sizeof(double);
  if (cli_dist_gather_to(rq->x[v], rq->nloc[v] * sizeof(double), to, cap) != 0)
    return NULL;
  if (rq->cut[v] == 2 && cli_dist_root())
    for (size_t q = 0; q < rq->len[v]; q++)
      rq->whole[v][rq->syn.from[q]] = rq->recv[v][q];
  return rq->whole[v];
}

static int put_proj_sample(cli_recorder *r, rec_proj *rq, double ts) {
  hsize_t have;
  for (int v = 0; v < rq->nvars; v++) {
    const double *x = proj_values(rq, v);
    if (r->mute) continue;
    if (r->format == FMT_CSV) {
      for (size_t e = 0; e < rq->len[v]; e++)
        fprintf(r->out.fp, "%.17g,%s,%zu,%s,%.17g\n", ts, rq->name, e,
                rq->vars[v], x[e]);
      continue;
    }
    have = rq->h_rows;
    if (ds_append(rq->d_var[v], H5T_NATIVE_DOUBLE, rq->len[v], &have, x, 1) < 0)
      return -1;
  }
  if (r->mute) return 0;
  if (r->format == FMT_H5) {
    have = rq->h_rows;
    if (ds_append(rq->d_ts, H5T_NATIVE_DOUBLE, 0, &have, &ts, 1) < 0) return -1;
    rq->h_rows = have;
  }
  rq->samples++;
  return 0;
}

/* Close a recorded projection's datasets and group. */
static void h5_close_proj(rec_proj *rq) {
  for (int v = 0; v < 8; v++) h5_close(&rq->d_var[v], H5Dclose);
  h5_close(&rq->d_ts, H5Dclose);
  h5_close(&rq->g, H5Gclose);
}

int cli_record_spikes_only(const cli_recorder *r) {
  for (size_t p = 0; p < r->npops; p++)
    if (r->pops[p].nvars > 0 ||
        (r->pops[p].spec->record & CLI_VAR_BIT(CLI_VAR_INPUT)))
      return 0;
  return r->nprojs == 0;
}

int cli_record_after(cli_recorder *r, uint64_t k, double t) {
  size_t p;
  const cli_sim *s = r->sim;
  (void)t;
  for (p = 0; p < r->npops; p++) {
    rec_pop *rp = &r->pops[p];
    int rc = r->spikes_on ? put_spikes(r, rp, cli_sim_time(s, k)) : 0;
    if (rc == -2) return CLI_EXIT_FAILURE;
    if (rc < 0) return write_failed(r, "appending spikes");
    if (sample_step(rp, k) && put_sample(r, rp, cli_sim_time(s, k + 1)) < 0)
      return write_failed(r, "appending samples");
  }
  for (p = 0; p < r->nprojs; p++)
    if ((k + 1) % r->projs[p].every == 0 &&
        put_proj_sample(r, &r->projs[p], cli_sim_time(s, k + 1)) < 0)
      return write_failed(r, "appending projection samples");
  if (!r->mute && r->format != FMT_H5 && cli_output_failed(&r->out) != 0)
    return write_failed(r, "writing");
  return 0;
}

/* ------------------------------------------------------------ the end */

/* Close every dataset and group of rp. */
static void h5_close_pop(rec_pop *rp) {
  int v;
  for (v = 0; v < MAX_DENSE; v++) h5_close(&rp->d_var[v], H5Dclose);
  h5_close(&rp->d_ts, H5Dclose);
  h5_close(&rp->d_spt, H5Dclose);
  h5_close(&rp->d_spn, H5Dclose);
  h5_close(&rp->g_spk, H5Gclose);
  h5_close(&rp->g, H5Gclose);
}

/* Name of a stopping signal. */
static const char *signal_name(int sig) {
  if (sig == SIGINT) return "SIGINT";
  if (sig == SIGTERM) return "SIGTERM";
  return "signal";
}

/* Flush, write the closing attributes and close the HDF5 file. */
static int h5_finish(cli_recorder *r, uint64_t steps_done, int sig) {
  size_t p;
  int rc = 0;
  const cli_sim *s = r->sim;
  for (p = 0; p < r->npops && rc == 0; p++) {
    rec_pop *rp = &r->pops[p];
    if (h5_flush(rp) < 0 || attr_u64(rp->g, "samples", rp->samples) < 0 ||
        attr_u64(rp->g, "spike_count", rp->spikes) < 0)
      rc = -1;
  }
  if (rc == 0 &&
      (attr_u64(r->file, "steps_done", steps_done) < 0 ||
       attr_f64(r->file, "t_end", cli_sim_time(s, steps_done)) < 0 ||
       attr_i64(r->file, "interrupted", sig != 0) < 0 ||
       (sig != 0 && attr_str(r->file, "signal", signal_name(sig)) < 0)))
    rc = -1;
  for (p = 0; p < r->nprojs; p++)
    if (rc == 0 && r->projs[p].g >= 0 &&
        attr_u64(r->projs[p].g, "samples", r->projs[p].samples) < 0)
      rc = -1;
  for (p = 0; p < r->npops; p++) h5_close_pop(&r->pops[p]);
  for (p = 0; p < r->nprojs; p++) h5_close_proj(&r->projs[p]);
  if (r->file >= 0 && H5Fclose(r->file) < 0) rc = -1;
  r->file = -1;
  return rc;
}

int cli_record_finish(cli_recorder *r, uint64_t steps_done, int sig) {
  int err;
  if (r->mute) return 0;
  if (r->format == FMT_H5 && h5_finish(r, steps_done, sig) != 0)
    return write_failed(r, "finishing the HDF5 file");
  if (r->format == FMT_NPY) {
    unsigned long long shape[2] = {r->npy_rows, r->npy_cols};
    if (fflush(r->out.fp) != 0 || fseek(r->out.fp, 0, SEEK_SET) != 0 ||
        cli_npy_write_header(r->out.fp, "<f8", 2, shape) != 0 ||
        fseek(r->out.fp, 0, SEEK_END) != 0)
      return write_failed(r, "finishing the .npy header");
  }
  err = cli_output_commit(&r->out);
  if (err != 0) {
    r->failed = 1;
    cli_error("cannot write output file '%s': %s", r->sim->out, strerror(err));
    return CLI_EXIT_FAILURE;
  }
  return 0;
}

const char *cli_record_describe(const cli_recorder *r, char *buf, size_t len) {
  size_t p, used = 0, shown = 0;
  const int spikes_written =
      r->spikes_on && !(r->format == FMT_NPY && !r->npy_spikes);
  buf[0] = '\0';
  for (p = 0; p < r->npops; p++) {
    const rec_pop *rp = &r->pops[p];
    int v, w;
    /* a population of which the file holds nothing is not listed */
    if (r->npops > 1 && !spikes_written && rp->nvars == 0) continue;
    w = snprintf(buf + used, len - used, "%s%s: ", shown++ > 0 ? "; " : "",
                 rp->name);
    if (w < 0 || (size_t)w >= len - used) return buf;
    used += (size_t)w;
    if (spikes_written) {
      w = snprintf(buf + used, len - used, "%llu spikes%s",
                   (unsigned long long)rp->spikes, rp->nvars > 0 ? ", " : "");
      if (w < 0 || (size_t)w >= len - used) return buf;
      used += (size_t)w;
    }
    for (v = 0; v < rp->nvars; v++) {
      w = snprintf(buf + used, len - used, "%s%s", v > 0 ? "," : "",
                   cli_var_name(rp->vars[v]));
      if (w < 0 || (size_t)w >= len - used) return buf;
      used += (size_t)w;
    }
    if (rp->nvars > 0) {
      w = snprintf(buf + used, len - used,
                   " of %zu neuron%s, %llu "
                   "sample%s",
                   rp->nwatch, rp->nwatch == 1 ? "" : "s",
                   (unsigned long long)rp->samples,
                   rp->samples == 1 ? "" : "s");
      if (w < 0 || (size_t)w >= len - used) return buf;
      used += (size_t)w;
    } else if (!r->spikes_on) {
      w = snprintf(buf + used, len - used, "nothing recorded");
      if (w < 0 || (size_t)w >= len - used) return buf;
      used += (size_t)w;
    }
  }
  return buf;
}

void cli_record_free(cli_recorder *r) {
  size_t p;
  int v;
  if (r == NULL) return;
  if (r->file >= 0) {
    for (p = 0; p < r->npops; p++) h5_close_pop(&r->pops[p]);
    for (p = 0; p < r->nprojs; p++) h5_close_proj(&r->projs[p]);
    H5Fclose(r->file);
  }
  for (p = 0; p < r->nprojs; p++) {
    cli_synapses_free(&r->projs[p].syn);
    for (v = 0; v < 8; v++) {
      free(r->projs[p].whole[v]);
      free(r->projs[p].recv[v]);
    }
  }
  free(r->projs);
  for (p = 0; r->syns != NULL && p < r->nsyns; p++)
    cli_synapses_free(&r->syns[p]);
  free(r->syns);
  free(r->nsyn);
  cli_output_abort(&r->out);
  for (p = 0; p < r->npops; p++) {
    rec_pop *rp = &r->pops[p];
    free(rp->idx);
    free(rp->row_in);
    free(rp->row);
    free(rp->ts);
    for (v = 0; v < MAX_DENSE; v++) free(rp->buf[v]);
    free(rp->sp_t);
    free(rp->sp_n);
  }
  free(r->pops);
  free(r);
}
