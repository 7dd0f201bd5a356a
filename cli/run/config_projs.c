/* cli/run/config_projs.c - "projections": synapse models, their
 * parameters, connectors (files of pairs too), weights and delays. */
#define _POSIX_C_SOURCE 200809L

#include "adex/files.h"
#include "config_internal.h"
#include "rng.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_npy.h"

/* ------------------------------------------------------------ projections */

/* The model parameters each synapse model takes (BrainPy's names). */
static const char *const *model_params(adex_syn_model m) {
  static const char *const delta[] = {"post_has_ref", NULL};
  static const char *const exp_cuba[] = {"tau", NULL};
  static const char *const exp_coba[] = {"tau", "E", NULL};
  static const char *const dual_cuba[] = {"tau_decay", "tau_rise", NULL};
  static const char *const dual_coba[] = {"tau_decay", "tau_rise", "E", NULL};
  static const char *const alpha_cuba[] = {"tau_decay", NULL};
  static const char *const alpha_coba[] = {"tau_decay", "E", NULL};
  static const char *const nmda[] = {"E",         "cc_Mg", "alpha",    "beta",
                                     "tau_decay", "a",     "tau_rise", NULL};
  static const char *const ampa[] = {"E", "alpha",      "beta",
                                     "T", "T_duration", NULL};
  static const char *const stp[] = {"U", "tau_f", "tau_d", "tau", "A", NULL};
  switch (m) {
  case ADEX_SYN_DELTA: return delta;
  case ADEX_SYN_EXP_CUBA: return exp_cuba;
  case ADEX_SYN_EXP_COBA: return exp_coba;
  case ADEX_SYN_DUAL_EXP_CUBA: return dual_cuba;
  case ADEX_SYN_DUAL_EXP_COBA: return dual_coba;
  case ADEX_SYN_ALPHA_CUBA: return alpha_cuba;
  case ADEX_SYN_ALPHA_COBA: return alpha_coba;
  case ADEX_SYN_NMDA: return nmda;
  case ADEX_SYN_AMPA:
  case ADEX_SYN_GABAA: return ampa;
  case ADEX_SYN_STP: return stp;
  }
  return delta;
}

/* Where each parameter lives in adex_proj_config. */
static double *param_slot(adex_proj_config *cfg, const char *key) {
  static const struct {
    const char *key;
    size_t off;
  } slots[] = {{"tau", offsetof(adex_proj_config, tau)},
               {"E", offsetof(adex_proj_config, E)},
               {"tau_decay", offsetof(adex_proj_config, tau_decay)},
               {"tau_rise", offsetof(adex_proj_config, tau_rise)},
               {"cc_Mg", offsetof(adex_proj_config, cc_Mg)},
               {"alpha", offsetof(adex_proj_config, alpha)},
               {"beta", offsetof(adex_proj_config, beta)},
               {"a", offsetof(adex_proj_config, a)},
               {"T", offsetof(adex_proj_config, T)},
               {"T_duration", offsetof(adex_proj_config, T_duration)},
               {"U", offsetof(adex_proj_config, U)},
               {"tau_f", offsetof(adex_proj_config, tau_f)},
               {"tau_d", offsetof(adex_proj_config, tau_d)},
               {"A", offsetof(adex_proj_config, A)}};
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
    if (strcmp(slots[i].key, key) == 0)
      return (double *)(void *)((char *)cfg + slots[i].off);
  return NULL;
}

/* A list of n >= 0 non-negative integers (indices) into *out (owned). */
static int get_index_list(const cfg_ctx *c, const cJSON *item, const char *path,
                          size_t **out, size_t *n) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(item))
    return cfg_fail(c, path, "must be a list of indices, got %s",
                    cfg_type_name(item));
  *n = (size_t)cJSON_GetArraySize(item);
  *out = malloc((*n ? *n : 1) * sizeof **out);
  if (*out == NULL) return cfg_fail(c, path, "out of memory");
  for (it = item->child; it != NULL; it = it->next, i++) {
    char sub[PATH_LEN];
    uint64_t v = 0;
    cfg_join_index(sub, path, i);
    if (cfg_u64(c, it, sub, &v) != 0) return -1;
    if (v > SIZE_MAX / 2) return cfg_fail(c, sub, "is too large");
    (*out)[i] = (size_t)v;
  }
  return 0;
}

/* "conn": {"kind": <BrainPy connector name>, its parameters}. */

/* The pairs of a "file" connector: a .npy array of shape (n, 2) of
 * integers (pre, post), or a .csv file of lines "pre,post" (a first line
 * that is not two numbers is a header). Into conn_a, conn_b. */
static int read_pairs(const cfg_ctx *c, const char *sub, const char *file,
                      cli_proj_spec *pr, size_t *n) {
  FILE *fp = fopen(file, "rb");
  size_t cap = 0, got = 0;
  if (fp == NULL)
    return cfg_fail(c, sub, "cannot open '%s': %s", file, strerror(errno));
  int rc = 0;
  if (adex_file_kind_of(file) == ADEX_FILE_NPY) {
    adex__npy_header h;
    char err[200];
    if (cli_npy_read_header(fp, &h, err, sizeof err) != 0) {
      fclose(fp);
      return cfg_fail(c, sub, "'%s': %s", file, err);
    }
    size_t item = adex__npy_itemsize(h.descr);
    int ok_type = (h.descr[0] == '<' || h.descr[0] == '|') &&
                  (h.descr[1] == 'i' || h.descr[1] == 'u') &&
                  (item == 4 || item == 8);
    if (!ok_type || h.ndim != 2 || h.shape[1] != 2 || h.fortran) {
      fclose(fp);
      return cfg_fail(c, sub,
                      "'%s' must hold an integer array of shape "
                      "(n, 2) in C order (pre, post), got '%s' of %zu "
                      "dimensions",
                      file, h.descr, h.ndim);
    }
    got = (size_t)h.shape[0];
    pr->conn_a = malloc((got ? got : 1) * sizeof *pr->conn_a);
    pr->conn_b = malloc((got ? got : 1) * sizeof *pr->conn_b);
    if (pr->conn_a == NULL || pr->conn_b == NULL) rc = -2;
    for (size_t m = 0; rc == 0 && m < 2 * got; m++) {
      unsigned char raw[8];
      long long v;
      if (fread(raw, 1, item, fp) != item) {
        rc = -3;
        break;
      }
      if (item == 8) {
        int64_t x;
        memcpy(&x, raw, 8);
        v = (long long)x;
      } else {
        int32_t x;
        memcpy(&x, raw, 4);
        v = h.descr[1] == 'u' ? (long long)(uint32_t)x : (long long)x;
      }
      if (v < 0)
        rc = -4;
      else
        (m % 2 == 0 ? pr->conn_a : pr->conn_b)[m / 2] = (size_t)v;
    }
  } else {
    char line[256];
    int first = 1;
    while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
      unsigned long long a, b;
      char tail;
      if (sscanf(line, " %llu , %llu %c", &a, &b, &tail) != 2) {
        if (first && strspn(line, " \t\r\n") != strlen(line) &&
            sscanf(line, " %llu", &a) != 1) {
          first = 0; /* a header */
          continue;
        }
        if (strspn(line, " \t\r\n") == strlen(line)) continue;
        rc = -5;
        break;
      }
      first = 0;
      if (got == cap) {
        cap = cap ? 2 * cap : 1024;
        size_t *na = realloc(pr->conn_a, cap * sizeof *na);
        if (na != NULL) pr->conn_a = na;
        size_t *nb = realloc(pr->conn_b, cap * sizeof *nb);
        if (nb != NULL) pr->conn_b = nb;
        if (na == NULL || nb == NULL) {
          rc = -2;
          break;
        }
      }
      pr->conn_a[got] = (size_t)a;
      pr->conn_b[got++] = (size_t)b;
    }
  }
  fclose(fp);
  if (rc == -2) return cfg_fail(c, sub, "out of memory reading '%s'", file);
  if (rc == -3) return cfg_fail(c, sub, "'%s' ends early", file);
  if (rc == -4) return cfg_fail(c, sub, "'%s' holds a negative index", file);
  if (rc == -5)
    return cfg_fail(c, sub,
                    "'%s': pair %zu is not \"pre,post\" (two "
                    "indices)",
                    file, got);
  *n = got;
  return 0;
}

static int parse_conn(const cfg_ctx *c, const cJSON *obj, const char *path,
                      cli_proj_spec *pr, size_t pre_num, size_t post_num,
                      size_t index) {
  static const char *const k_gauss[] = {"kind",
                                        "sigma",
                                        "encoding_values",
                                        "normalize",
                                        "include_self",
                                        "periodic_boundary",
                                        "seed",
                                        NULL};
  static const char *const k_grid[] = {"kind", "include_self", NULL};
  static const char *const k_gridn[] = {"kind", "N", "include_self", NULL};
  static const char *const k_file[] = {"kind", "path", NULL};
  static const char *const k_one[] = {"kind", NULL};
  static const char *const k_all[] = {"kind", "include_self", NULL};
  static const char *const k_prob[] = {"kind", "prob", "include_self", "seed",
                                       NULL};
  static const char *const k_num[] = {"kind", "num", "include_self", "seed",
                                      NULL};
  static const char *const k_ij[] = {"kind", "i", "j", NULL};
  static const char *const k_csr[] = {"kind", "indices", "indptr", NULL};
  adex_conn *cn = &pr->cfg.conn;
  const cJSON *it;
  const char *kind = NULL;
  char sub[PATH_LEN];
  int flag = 1;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object with a \"kind\", got %s",
                    cfg_type_name(obj));
  if ((it = cfg_require(c, obj, path, "kind")) == NULL) return -1;
  cfg_join_key(sub, path, "kind");
  if (cfg_string(c, it, sub, &kind) != 0) return -1;
  memset(cn, 0, sizeof *cn);
  cn->include_self = true;
  /* the stream of a random connector without a seed: the run's seed and
   * the projection's index */
  cn->seed =
      adex__rng_mix64(c->sim->seed ^ adex__rng_mix64(0x3000 + (uint64_t)index));
  if (strcmp(kind, "One2One") == 0) {
    cn->kind = ADEX_CONN_ONE2ONE;
    return cfg_check_keys(c, obj, path, k_one);
  }
  if (strcmp(kind, "All2All") == 0) {
    cn->kind = ADEX_CONN_ALL2ALL;
    if (cfg_check_keys(c, obj, path, k_all) != 0) return -1;
  } else if (strcmp(kind, "FixedProb") == 0) {
    cn->kind = ADEX_CONN_FIXED_PROB;
    if (cfg_check_keys(c, obj, path, k_prob) != 0 ||
        cfg_req_number(c, obj, path, "prob", &cn->prob) != 0)
      return -1;
    if (!(cn->prob >= 0.0 && cn->prob <= 1.0)) {
      cfg_join_key(sub, path, "prob");
      return cfg_fail(c, sub, "must be in [0, 1], got %g", cn->prob);
    }
  } else if (strcmp(kind, "FixedPreNum") == 0 ||
             strcmp(kind, "FixedPostNum") == 0) {
    int pre = strcmp(kind, "FixedPreNum") == 0;
    double num = 0;
    size_t of = pre ? pre_num : post_num;
    cn->kind = pre ? ADEX_CONN_FIXED_PRE_NUM : ADEX_CONN_FIXED_POST_NUM;
    if (cfg_check_keys(c, obj, path, k_num) != 0 ||
        cfg_req_number(c, obj, path, "num", &num) != 0)
      return -1;
    cfg_join_key(sub, path, "num");
    if (num < 0 || (num >= 1 && num != floor(num)))
      return cfg_fail(c, sub,
                      "must be a count (a whole number) or a "
                      "fraction in [0, 1) of the %s population's %zu "
                      "neurons, got %g",
                      pre ? "pre" : "post", of, num);
    cn->num = num < 1 ? (size_t)(num * (double)of) : (size_t)num;
  } else if (strcmp(kind, "IJ") == 0) {
    size_t ni = 0, nj = 0;
    cn->kind = ADEX_CONN_IJ;
    if (cfg_check_keys(c, obj, path, k_ij) != 0) return -1;
    if ((it = cfg_require(c, obj, path, "i")) == NULL) return -1;
    cfg_join_key(sub, path, "i");
    if (get_index_list(c, it, sub, &pr->conn_a, &ni) != 0) return -1;
    if ((it = cfg_require(c, obj, path, "j")) == NULL) return -1;
    cfg_join_key(sub, path, "j");
    if (get_index_list(c, it, sub, &pr->conn_b, &nj) != 0) return -1;
    if (ni != nj)
      return cfg_fail(c, sub,
                      "has %zu entries, \"i\" has %zu: they must "
                      "have one length",
                      nj, ni);
    cn->i = pr->conn_a;
    cn->j = pr->conn_b;
    cn->n_pairs = ni;
    return 0;
  } else if (strcmp(kind, "CSR") == 0) {
    size_t nind = 0, nptr = 0;
    cn->kind = ADEX_CONN_CSR;
    if (cfg_check_keys(c, obj, path, k_csr) != 0) return -1;
    if ((it = cfg_require(c, obj, path, "indices")) == NULL) return -1;
    cfg_join_key(sub, path, "indices");
    if (get_index_list(c, it, sub, &pr->conn_a, &nind) != 0) return -1;
    if ((it = cfg_require(c, obj, path, "indptr")) == NULL) return -1;
    cfg_join_key(sub, path, "indptr");
    if (get_index_list(c, it, sub, &pr->conn_b, &nptr) != 0) return -1;
    if (nptr != pre_num + 1)
      return cfg_fail(c, sub, "must have pre size + 1 = %zu entries, got %zu",
                      pre_num + 1, nptr);
    if (pr->conn_b[pre_num] != nind)
      return cfg_fail(c, sub, "ends at %zu, but \"indices\" has %zu entries",
                      pr->conn_b[pre_num], nind);
    cn->indices = pr->conn_a;
    cn->indptr = pr->conn_b;
    return 0;
  } else if (strcmp(kind, "file") == 0) {
    size_t n = 0;
    const char *s = NULL;
    cn->kind = ADEX_CONN_IJ;
    if (cfg_check_keys(c, obj, path, k_file) != 0) return -1;
    if ((it = cfg_require(c, obj, path, "path")) == NULL) return -1;
    cfg_join_key(sub, path, "path");
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    char *file = cfg_relative(c, s);
    if (file == NULL) return cfg_fail(c, sub, "out of memory");
    int rc = read_pairs(c, sub, file, pr, &n);
    free(file);
    if (rc != 0) return -1;
    cn->i = pr->conn_a;
    cn->j = pr->conn_b;
    cn->n_pairs = n;
    return 0;
  } else if (strcmp(kind, "GaussianProb") == 0) {
    cn->kind = ADEX_CONN_GAUSSIAN_PROB;
    cn->normalize = true;
    if (cfg_check_keys(c, obj, path, k_gauss) != 0 ||
        cfg_req_number(c, obj, path, "sigma", &cn->sigma) != 0)
      return -1;
    if (!(cn->sigma > 0)) {
      cfg_join_key(sub, path, "sigma");
      return cfg_fail(c, sub, "must be > 0, got %g", cn->sigma);
    }
    if ((it = cfg_member(obj, "normalize")) != NULL) {
      cfg_join_key(sub, path, "normalize");
      if (cfg_bool(c, it, sub, &flag) != 0) return -1;
      cn->normalize = flag != 0;
    }
    if ((it = cfg_member(obj, "periodic_boundary")) != NULL) {
      cfg_join_key(sub, path, "periodic_boundary");
      if (cfg_bool(c, it, sub, &flag) != 0) return -1;
      cn->periodic = flag != 0;
    }
    if ((it = cfg_member(obj, "encoding_values")) != NULL) {
      const cJSON *r;
      cfg_join_key(sub, path, "encoding_values");
      int nested =
          cJSON_IsArray(it) && it->child != NULL && cJSON_IsArray(it->child);
      if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0 ||
          (!nested && cJSON_GetArraySize(it) != 2) ||
          (nested && cJSON_GetArraySize(it) > ADEX_MAX_DIM))
        return cfg_fail(c, sub,
                        "must be [min, max] or one [min, max] per "
                        "dimension");
      size_t d = 0;
      for (r = nested ? it->child : it; r != NULL && d < ADEX_MAX_DIM;
           r = nested ? r->next : NULL, d++) {
        cJSON *lo = cJSON_GetArrayItem(r, 0), *hi = cJSON_GetArrayItem(r, 1);
        char at[PATH_LEN];
        cfg_join_index(at, sub, d);
        if (cJSON_GetArraySize(r) != 2 ||
            cfg_number(c, lo, nested ? at : sub, &cn->ranges[d][0]) != 0 ||
            cfg_number(c, hi, nested ? at : sub, &cn->ranges[d][1]) != 0)
          return cfg_fail(c, nested ? at : sub, "must be [min, max]");
        if (!(cn->ranges[d][0] < cn->ranges[d][1]))
          return cfg_fail(c, nested ? at : sub,
                          "must have min < max, got "
                          "[%g, %g]",
                          cn->ranges[d][0], cn->ranges[d][1]);
      }
      cn->n_ranges = d;
    }
  } else if (strcmp(kind, "GridFour") == 0 || strcmp(kind, "GridEight") == 0) {
    cn->kind = kind[4] == 'F' ? ADEX_CONN_GRID_FOUR : ADEX_CONN_GRID_N;
    cn->grid_n = 1;
    cn->include_self = false;
    if (cfg_check_keys(c, obj, path, k_grid) != 0) return -1;
  } else if (strcmp(kind, "GridN") == 0) {
    double nn = 1;
    cn->kind = ADEX_CONN_GRID_N;
    cn->include_self = false;
    if (cfg_check_keys(c, obj, path, k_gridn) != 0) return -1;
    if ((it = cfg_member(obj, "N")) != NULL) {
      cfg_join_key(sub, path, "N");
      if (cfg_number(c, it, sub, &nn) != 0) return -1;
      if (!(nn >= 0 && nn == floor(nn) && nn <= 1e6))
        return cfg_fail(c, sub, "must be a whole number >= 0, got %g", nn);
    }
    cn->grid_n = (size_t)nn;
  } else {
    return cfg_fail(c, sub,
                    "unknown connector \"%s\"; valid: One2One, "
                    "All2All, FixedProb, FixedPreNum, FixedPostNum, IJ, CSR, "
                    "GaussianProb, GridFour, GridEight, GridN, file",
                    kind);
  }
  if ((it = cfg_member(obj, "include_self")) != NULL) {
    cfg_join_key(sub, path, "include_self");
    if (cfg_bool(c, it, sub, &flag) != 0) return -1;
    cn->include_self = flag != 0;
  }
  if ((it = cfg_member(obj, "seed")) != NULL) {
    cfg_join_key(sub, path, "seed");
    if (cfg_u64(c, it, sub, &cn->seed) != 0) return -1;
  }
  return 0;
}

/* A population named by a projection's "pre" or "post". */
static int proj_end(const cfg_ctx *c, const cJSON *obj, const char *path,
                    const char *key, size_t *out) {
  const cJSON *it = cfg_require(c, obj, path, key);
  const char *s = NULL;
  char sub[PATH_LEN], names[256];
  long idx;
  if (it == NULL) return -1;
  cfg_join_key(sub, path, key);
  if (cfg_string(c, it, sub, &s) != 0) return -1;
  if ((idx = cfg_find_pop(c, s)) < 0)
    return cfg_fail(c, sub,
                    "no population is called \"%s\" (populations: "
                    "%s)",
                    s, cfg_pop_names(c->sim, names, sizeof names));
  if (strcmp(key, "post") == 0 && c->sim->pops[idx].model != CLI_MODEL_ADEXIF)
    return cfg_fail(c, sub,
                    "\"%s\" is a spike source: it can only be a "
                    "projection's pre",
                    s);
  *out = (size_t)idx;
  return 0;
}

/* One projection object. */
static int parse_proj(const cfg_ctx *c, const cJSON *obj, const char *path,
                      cli_proj_spec *pr, size_t index) {
  static const char *const common[] = {"name",       "pre",           "post",
                                       "model",      "conn",          "delay",
                                       "delay_step", "save_synapses", NULL};
  const char *allowed[32];
  const cJSON *it;
  const char *s = NULL;
  char sub[PATH_LEN];
  adex_syn_model model = ADEX_SYN_EXP_COBA;
  size_t n = 0, pre = 0, post = 0;
  if (!cJSON_IsObject(obj))
    return cfg_fail(c, path, "must be an object, got %s", cfg_type_name(obj));
  if ((it = cfg_require(c, obj, path, "model")) == NULL) return -1;
  cfg_join_key(sub, path, "model");
  if (cfg_string(c, it, sub, &s) != 0) return -1;
  if (adex_syn_model_find(s, &model) != ADEX_OK)
    return cfg_fail(c, sub, "%s", adex_errmsg());
  for (size_t i = 0; common[i] != NULL; i++) allowed[n++] = common[i];
  allowed[n++] = model == ADEX_SYN_DELTA ? "weights" : "g_max";
  for (const char *const *q = model_params(model); *q != NULL; q++)
    allowed[n++] = *q;
  allowed[n] = NULL;
  if (cfg_check_keys(c, obj, path, allowed) != 0) return -1;
  if (proj_end(c, obj, path, "pre", &pre) != 0 ||
      proj_end(c, obj, path, "post", &post) != 0)
    return -1;
  if ((it = cfg_member(obj, "name")) != NULL) {
    cfg_join_key(sub, path, "name");
    if (cfg_string(c, it, sub, &s) != 0) return -1;
    if (!adex_name_is_valid(s))
      return cfg_fail(c, sub,
                      "\"%s\" is not a valid name (letters, digits "
                      "and _, not starting with a digit)",
                      s);
    if (cfg_find_pop(c, s) >= 0)
      return cfg_fail(c, sub, "\"%s\" is the name of a population", s);
    for (size_t q = 0; q < index; q++)
      if (c->sim->projs[q].name != NULL &&
          strcmp(c->sim->projs[q].name, s) == 0)
        return cfg_fail(c, sub, "\"%s\" names projections[%zu] too", s, q);
    if ((pr->name = cli_strdup(s)) == NULL)
      return cfg_fail(c, sub, "out of memory");
  }
  if ((it = cfg_require(c, obj, path, "conn")) == NULL) return -1;
  cfg_join_key(sub, path, "conn");
  if (parse_conn(c, it, sub, pr, c->sim->pops[pre].size,
                 c->sim->pops[post].size, index) != 0)
    return -1;
  adex_conn conn = pr->cfg.conn;
  adex_proj_config_default(&pr->cfg, model, pre, post, conn);
  pr->cfg.name = pr->name;
  for (const char *const *q = model_params(model); *q != NULL; q++) {
    double *slot = param_slot(&pr->cfg, *q);
    if ((it = cfg_member(obj, *q)) == NULL) continue;
    cfg_join_key(sub, path, *q);
    if (slot == NULL) { /* post_has_ref */
      int b = 0;
      if (cfg_bool(c, it, sub, &b) != 0) return -1;
      pr->cfg.post_has_ref = b != 0;
    } else if (cfg_number(c, it, sub, slot) != 0) {
      return -1;
    }
  }
  /* weights: one number, or one per synapse */
  const char *wkey = model == ADEX_SYN_DELTA ? "weights" : "g_max";
  if ((it = cfg_member(obj, wkey)) != NULL) {
    cli_vec w = {NULL, 0};
    cfg_join_key(sub, path, wkey);
    if (cfg_vec(c, it, sub, &w) != 0) return -1;
    if (cJSON_IsNumber(it)) {
      pr->cfg.g_max = w.v[0];
      cli_vec_free(&w);
    } else {
      pr->weights = w.v;
      pr->cfg.weights = w.v;
      pr->cfg.n_weights = w.n;
    }
  }
  /* delays: "delay" in ms (one, or a list) or BrainPy's "delay_step" */
  const cJSON *dl = cfg_member(obj, "delay"),
              *ds = cfg_member(obj, "delay_step");
  if (dl != NULL && ds != NULL) {
    cfg_join_key(sub, path, "delay_step");
    return cfg_fail(c, sub, "give \"delay\" (ms) or \"delay_step\", not both");
  }
  if (dl != NULL || ds != NULL) {
    cli_vec d = {NULL, 0};
    cfg_join_key(sub, path, dl != NULL ? "delay" : "delay_step");
    if (cfg_vec(c, dl != NULL ? dl : ds, sub, &d) != 0) return -1;
    for (size_t q = 0; ds != NULL && q < d.n; q++) {
      if (d.v[q] < 0 || d.v[q] != floor(d.v[q])) {
        cli_vec_free(&d);
        return cfg_fail(c, sub, "must be whole numbers of steps >= 0");
      }
      d.v[q] = (d.v[q] + 2.0) * c->sim->dt; /* BrainPy's delay_step */
    }
    if (cJSON_IsNumber(dl != NULL ? dl : ds)) {
      pr->cfg.delay = d.v[0];
      cli_vec_free(&d);
    } else {
      pr->delays = d.v;
      pr->cfg.delays = d.v;
      pr->cfg.n_delays = d.n;
    }
  }
  if ((it = cfg_member(obj, "save_synapses")) != NULL) {
    cfg_join_key(sub, path, "save_synapses");
    if (cfg_bool(c, it, sub, &pr->save_synapses) != 0) return -1;
  }
  return 0;
}

/* "projections": a list of projection objects, after the populations. */
int cfg_parse_projs(const cfg_ctx *c, const cJSON *arr) {
  const cJSON *it;
  size_t i = 0;
  if (!cJSON_IsArray(arr))
    return cfg_fail(c, "projections", "must be a list of objects, got %s",
                    cfg_type_name(arr));
  for (it = arr->child; it != NULL; it = it->next, i++) {
    char path[PATH_LEN];
    cli_proj_spec *pr = cli_sim_add_proj(c->sim);
    cfg_join_index(path, "projections", i);
    if (pr == NULL) return cfg_fail(c, path, "out of memory");
    if (parse_proj(c, it, path, pr, i) != 0) return -1;
  }
  return 0;
}
