/* drive.c - the library's one step loop (drive.h): inputs, the network's
 * step, monitors, the caller's hooks and progress. */
#include "run/drive.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "adex/inputs.h"
#include "inputs/add.h"
#include "internal.h"
#include "net/net_internal.h"
#include "run/team_barrier.h"

adex_status adex__drive_plan_in(const adex_run_input *in, char op, size_t steps,
                                void *data, adex_dtype dtype, size_t n,
                                const char *what, adex__drive_in *r) {
  switch (in->kind) {
  case ADEX_RUN_INPUT_SCALAR:
    if (!isfinite(in->value))
      return adex__fail(ADEX_EINVAL, "%s must be finite, got %g", what,
                        in->value);
    break;
  case ADEX_RUN_INPUT_GEN:
    if (in->gen == NULL)
      return adex__fail(ADEX_EINVAL, "%s: gen is NULL", what);
    if (adex_gen_num(in->gen) != n)
      return adex__fail(ADEX_ESIZE,
                        "%s: the generator has %zu neurons, the variable %zu",
                        what, adex_gen_num(in->gen), n);
    break;
  case ADEX_RUN_INPUT_NEURON:
  case ADEX_RUN_INPUT_STEP:
    if (in->data == NULL)
      return adex__fail(ADEX_EINVAL, "%s: data is NULL", what);
    if (in->kind == ADEX_RUN_INPUT_STEP && steps > 0 &&
        n > SIZE_MAX / sizeof(double) / steps)
      return adex__fail(ADEX_ESIZE,
                        "%s of %zu x %zu values does not fit in memory", what,
                        steps, n);
    break;
  default:
    return adex__fail(ADEX_EINVAL, "%s: unknown kind %d", what, (int)in->kind);
  }
  if (op == 0) op = '+';
  if (strchr("+-*/=", op) == NULL)
    return adex__fail(ADEX_EINVAL, "%s: op '%c' (+, -, *, / or =)", what, op);
  if (data == NULL || (dtype != ADEX_DTYPE_F64 && dtype != ADEX_DTYPE_F32))
    return adex__fail(ADEX_EINVAL, "%s: the variable has dtype %s", what,
                      adex_dtype_name(dtype));
  r->dst = data;
  r->dtype = dtype;
  r->n = n;
  r->op = op;
  r->src = *in;
  return ADEX_OK;
}

adex_status adex__drive_plan_mon(const void *data, adex_dtype dtype, size_t len,
                                 const size_t *indices, size_t n_indices,
                                 adex_dtype out_dtype, void *out, size_t steps,
                                 const char *what, adex__drive_mon *r) {
  if (out_dtype != dtype)
    return adex__fail(ADEX_EINVAL,
                      "%s: the buffer's dtype is %s, but the variable is %s",
                      what, adex_dtype_name(out_dtype), adex_dtype_name(dtype));
  size_t width = len;
  if (indices != NULL) {
    if (n_indices == 0)
      return adex__fail(ADEX_EINVAL, "%s: indices given with n_indices 0",
                        what);
    for (size_t j = 0; j < n_indices; j++)
      if (indices[j] >= len)
        return adex__fail(ADEX_ERANGE,
                          "%s: index %zu is %zu, but there are %zu elements",
                          what, j, indices[j], len);
    width = n_indices;
  }
  size_t esize = adex_dtype_size(dtype);
  if (esize == 0 || width > SIZE_MAX / esize ||
      (steps > 0 && width * esize > (size_t)PTRDIFF_MAX / steps))
    return adex__fail(ADEX_ESIZE, "%s: %zu x %zu values do not fit in memory",
                      what, steps, width);
  if (out == NULL && steps > 0)
    return adex__fail(ADEX_EINVAL, "%s: the output buffer is NULL", what);
  r->src = data;
  r->elem = esize;
  r->width = width;
  r->idx = indices;
  r->out = out;
  return ADEX_OK;
}

/* The value of input `in` for step k and element i. */
static inline double value_at(const adex_run_input *in, size_t n, size_t k,
                              size_t i) {
  return in->kind == ADEX_RUN_INPUT_SCALAR   ? in->value
         : in->kind == ADEX_RUN_INPUT_NEURON ? in->data[i]
                                             : in->data[k * n + i];
}

static inline double apply_op(char op, double x, double v) {
  switch (op) {
  case '+': return x + v;
  case '-': return x - v;
  case '*': return x * v;
  case '/': return x / v;
  default: return v;
  }
}

/* Apply one input of step k (float32 variables: computed in double,
 * rounded once). A generator adds its next step: straight into a float64
 * variable with '+', else through `scratch` (n doubles). */
static void apply(const adex__drive_in *in, size_t k, double *scratch) {
  const adex_run_input *s = &in->src;
  if (s->kind == ADEX_RUN_INPUT_GEN) {
    uint64_t g = adex_gen_next_step(s->gen);
    if (in->dtype == ADEX_DTYPE_F64 && in->op == '+') {
      adex_gen_add(s->gen, g, in->dst);
      return;
    }
    memset(scratch, 0, in->n * sizeof *scratch);
    adex_gen_add(s->gen, g, scratch);
    adex_run_input v = {.kind = ADEX_RUN_INPUT_STEP, .data = scratch};
    adex__drive_in as = *in;
    as.src = v;
    apply(&as, 0, NULL);
    return;
  }
  if (in->op == '+' && s->kind == ADEX_RUN_INPUT_SCALAR) {
    /* the loops' arithmetic below, vectorized */
    adex__add_number(in->dst, in->dtype, in->n, s->value);
    return;
  }
  if (in->dtype == ADEX_DTYPE_F64) {
    double *d = in->dst;
    for (size_t i = 0; i < in->n; i++)
      d[i] = apply_op(in->op, d[i], value_at(s, in->n, k, i));
  } else {
    float *d = in->dst;
    for (size_t i = 0; i < in->n; i++)
      d[i] = (float)apply_op(in->op, (double)d[i], value_at(s, in->n, k, i));
  }
}

/* Which inputs the network's step adds itself, tile by tile
 * (adex__net_defer_add): a number added to a population's input that no
 * later input writes (so the order of the inputs' operations on each
 * variable stays). defer[i]: the population's group, else SIZE_MAX. */
static void plan_defer(const adex_net *net, const adex__drive_in *ins,
                       size_t n_ins, size_t *defer) {
  for (size_t i = 0; i < n_ins; i++) {
    defer[i] = SIZE_MAX;
    if (ins[i].src.kind != ADEX_RUN_INPUT_SCALAR || ins[i].op != '+') continue;
    bool last = true;
    for (size_t j = i + 1; j < n_ins; j++) last &= ins[j].dst != ins[i].dst;
    if (last) defer[i] = adex__net_input_group(net, ins[i].dst);
  }
}

/* Input i of step k onto its variable, or to the network's step. */
static void apply_in(adex_net *net, const adex__drive_in *ins, size_t i,
                     size_t k, double *scratch, const size_t *defer) {
  if (defer[i] != SIZE_MAX)
    adex__net_defer_add(net, defer[i], ins[i].src.value);
  else
    apply(&ins[i], k, scratch);
}

/* Row k of one monitor. */
static void record(const adex__drive_mon *m, size_t k) {
  unsigned char *row = m->out + k * m->width * m->elem;
  if (m->idx == NULL) {
    memcpy(row, m->src, m->width * m->elem);
    return;
  }
  switch (m->elem) {
  case 8:
    for (size_t j = 0; j < m->width; j++)
      memcpy(row + 8 * j, m->src + 8 * m->idx[j], 8);
    break;
  case 4:
    for (size_t j = 0; j < m->width; j++)
      memcpy(row + 4 * j, m->src + 4 * m->idx[j], 4);
    break;
  case 1:
    for (size_t j = 0; j < m->width; j++) row[j] = m->src[m->idx[j]];
    break;
  default:
    for (size_t j = 0; j < m->width; j++)
      memcpy(row + m->elem * j, m->src + m->elem * m->idx[j], m->elem);
  }
}

/* The first step, with the inputs' variables kept: a step that fails
 * there (a dt refused as unstable) leaves them as they were. */
static adex_status first_step(adex_net *net, const adex__drive_in *ins,
                              size_t n_ins, double *scratch,
                              const size_t *defer) {
  void *saved[ADEX_RUN_MAX_MONITORS] = {0};
  adex_status st = ADEX_OK;
  for (size_t i = 0; i < n_ins && st == ADEX_OK; i++) {
    size_t bytes = ins[i].n * adex_dtype_size(ins[i].dtype);
    saved[i] = malloc(bytes > 0 ? bytes : 1);
    if (saved[i] == NULL)
      st = adex__net_keep(net, adex__fail(ADEX_ENOMEM,
                                          "out of memory keeping the "
                                          "variable of input %zu",
                                          i));
    else
      memcpy(saved[i], ins[i].dst, bytes);
    if (st == ADEX_OK) apply_in(net, ins, i, 0, scratch, defer);
  }
  if (st == ADEX_OK) st = adex_net_step(net);
  for (size_t i = n_ins; i-- > 0;) {
    if (st != ADEX_OK && saved[i] != NULL)
      memcpy(ins[i].dst, saved[i], ins[i].n * adex_dtype_size(ins[i].dtype));
    free(saved[i]);
  }
  return st;
}

/* Row k of monitor m, the elements of neurons [lo, hi) (a part of the
 * population whose variable it records): from the variable, or from
 * `copy`, the team's copy of its part (adex__net_team_copy_of), where not
 * NULL. */
static void record_part(const adex__drive_mon *m, size_t k, size_t lo,
                        size_t hi, const unsigned char *copy) {
  unsigned char *row = m->out + k * m->width * m->elem;
  const unsigned char *src = copy != NULL ? copy : m->src + lo * m->elem;
  if (m->idx == NULL) {
    memcpy(row + lo * m->elem, src, (hi - lo) * m->elem);
    return;
  }
  for (size_t j = 0; j < m->width; j++)
    if (m->idx[j] - lo < hi - lo)
      memcpy(row + m->elem * j, src + m->elem * (m->idx[j] - lo), m->elem);
}

#ifdef _OPENMP
/* Row s of the monitors of population variables (group[m] not SIZE_MAX),
 * part `part` of `parts` of each: from `copy`, as record_part. */
static void record_parts(const adex__net_team *tm, const adex__drive_mon *mons,
                         size_t n_mons, const size_t *group,
                         const unsigned char *const *copy, size_t s, uint64_t k,
                         size_t part) {
  for (size_t m = 0; m < n_mons; m++) {
    if (group[m] == SIZE_MAX) continue;
    size_t lo, hi;
    adex__net_team_range(tm, group[m], part, k, &lo, &hi);
    if (lo < hi) record_part(&mons[m], s, lo, hi, copy[m]);
  }
}

/* Where part `part`'s monitors of population variables read its part:
 * the team's copies (NULL: the variables themselves). */
static void copies_of(const adex__net_team *tm, const adex__drive_mon *mons,
                      size_t n_mons, const size_t *group, size_t part,
                      const unsigned char **copy) {
  for (size_t m = 0; m < n_mons; m++)
    copy[m] = group[m] == SIZE_MAX
                  ? NULL
                  : adex__net_team_copy_of(tm, part, group[m], mons[m].src);
}

/* after_step for the steps from `from` to s (the last done, k0 + s of
 * the network, adex__net_team_after already run), each with its spike
 * lists (adex__net_team_replay) where there are several; the first
 * non-zero return. (Where it stops the run, adex__net_team_end leaves the
 * lists of step s.) */
static int after_steps(adex__net_team *tm, const adex_run_hooks *h, size_t from,
                       size_t s, uint64_t k0) {
  int r = 0;
  for (size_t j = from; j <= s && r == 0 && h->after_step != NULL; j++) {
    if (from < s) adex__net_team_replay(tm, k0 + j);
    r = h->after_step(h->user, j);
  }
  return r;
}

/* The run's steps from k on, on one team of threads (net_internal.h,
 * adex__net_team_*), where the network takes one: the order of the loop
 * below kept. Each thread steps its part of the populations and records
 * the monitors of their variables for its part. Between two steps that
 * need nothing else, the threads do not wait for each other: each reads
 * the others' spikes when its delivery needs them
 * (adex__net_team_part). Everything else (the hooks, the inputs other
 * than numbers the step adds itself, the spike sources, the other
 * monitors, progress) runs on the calling thread after the steps that
 * need it, between two barriers: the end of the step
 * (adex__net_team_step_end with its wait) and one more. Returns false,
 * with nothing done, where the run keeps the loop below; else true, with
 * *st, *done and *stop as adex__drive sets them. */
static bool drive_team(adex_net *net, size_t k, size_t steps,
                       const adex__drive_in *ins, size_t n_ins,
                       const adex__drive_mon *mons, size_t n_mons,
                       const adex_run_hooks *h, double *scratch,
                       const size_t *defer, adex_status *st, size_t *done,
                       int *stop) {
  int nt = adex__net_team_threads(net);
  if (nt <= 1) return false;
  /* hooks that read only spike lists may take them after a batch */
  bool late = h->spikes_only && h->keeps_spikes && h->batch > 1;
  adex__net_team *tm = adex__net_team_new(net, (size_t)nt, late ? h->batch : 1);
  if (tm == NULL) return false; /* step by step, then */
  size_t n_every = adex_run_progress_every(steps);
  size_t group[ADEX_RUN_MAX_MONITORS];
  /* caller's code between steps: the spike flags are read again after */
  bool hooks = h->before_step != NULL || h->after_step != NULL;
  /* whether every step needs the calling thread afterwards: for the
   * hooks, or for the library's own work on the whole network */
  bool whole = adex__net_team_has_sources(tm);
  for (size_t i = 0; i < n_ins; i++) whole |= defer[i] == SIZE_MAX;
  for (size_t m = 0; m < n_mons; m++) {
    group[m] = adex__net_team_group_of(net, mons[m].src);
    whole |= group[m] == SIZE_MAX;
  }
  /* nothing between the steps reads the state but spike lists, or only
   * progress: each thread may keep its part in copies */
  bool own = !whole && (!hooks || (h->spikes_only && h->keeps_spikes));
  /* the steps of a batch, after which the hooks run for each */
  size_t batch = !whole && late ? adex__net_team_batch(tm) : 1;
  *done = k;
  int rc = h->before_step != NULL ? h->before_step(h->user, k) : 0;
  if (rc != 0) {
    *stop = rc;
    adex__net_team_free(tm);
    return true;
  }
  for (size_t i = 0; i < n_ins; i++) apply_in(net, ins, i, k, scratch, defer);
  *st = adex__net_team_start(tm, adex_net_steps_done(net));
  if (*st != ADEX_OK) {
    *st = adex__net_keep(net, *st);
    adex__net_team_free(tm);
    return true;
  }
  uint64_t k0 = adex_net_steps_done(net) - k; /* the network's step of k 0 */
  size_t ndone = steps, from = k;             /* from: the hooks' next step */
  int quit = 0;
  adex__barrier bar; /* its waits: cheaper than OpenMP's barrier */
#pragma omp parallel num_threads(nt)
  {
    size_t part = (size_t)omp_get_thread_num(),
           parts = (size_t)omp_get_num_threads();
#pragma omp master
    {
      adex__barrier_init(&bar, (unsigned)parts, (unsigned)omp_get_num_procs());
      /* nothing but progress between the steps: each thread its copies */
      adex__net_team_split(tm, parts);
      if (own) (void)adex__net_team_own(tm, parts, steps - k);
    }
#pragma omp barrier
    adex__net_team_ready(tm, part);
    const unsigned char *copy[ADEX_RUN_MAX_MONITORS];
    copies_of(tm, mons, n_mons, group, part, copy);
    for (size_t s = k; s < steps; s++) {
      if (adex__net_team_balance(tm, part, parts, k0 + s, s - k, &bar))
        copies_of(tm, mons, n_mons, group, part, copy);
      adex__net_team_part(tm, part, parts, k0 + s, &bar);
      bool last = s + 1 == steps;
      bool progress = h->progress != NULL && ((s + 1) % n_every == 0 || last);
      bool serial = whole || (hooks && (s + 1) % batch == 0);
      /* the calling thread's code below needs every part's step ended and
       * recorded; else each part waits for the others' lists when it
       * needs them, and records its part after the others have its own */
      bool wait = serial || progress || last;
      if (wait) record_parts(tm, mons, n_mons, group, copy, s, k0 + s, part);
      /* the calling thread's code below sees the populations as they are */
      if (progress) adex__net_team_own_back(tm, part);
      adex__net_team_step_end(tm, part, parts, k0 + s, &bar, wait);
      if (!wait) {
        record_parts(tm, mons, n_mons, group, copy, s, k0 + s, part);
        continue;
      }
#pragma omp master
      {
        adex__net_team_after(tm, k0 + s);
        for (size_t m = 0; m < n_mons; m++)
          if (group[m] == SIZE_MAX) record(&mons[m], s);
        int r = after_steps(tm, h, from, s, k0);
        from = s + 1;
        if (r != 0) {
          *stop = r;
        } else if (progress && h->progress(h->user, s + 1, steps) != 0) {
          r = 1;
        } else if (!last) {
          r = h->before_step != NULL ? h->before_step(h->user, s + 1) : 0;
          if (r != 0) {
            *stop = r;
          } else {
            for (size_t i = 0; i < n_ins; i++)
              apply_in(net, ins, i, s + 1, scratch, defer);
            adex__net_team_before(tm, k0 + s + 1, hooks && !h->keeps_spikes);
          }
        }
        if (r != 0) {
          ndone = s + 1;
          quit = 1;
        }
      }
      adex__barrier_wait(&bar);
      if (quit) break;
    }
    adex__net_team_own_back(tm, part);
  }
  adex__net_team_end(tm, k0 + ndone);
  *done = ndone;
  return true;
}
#endif

adex_status adex__drive(adex_net *net, size_t steps, const adex__drive_in *ins,
                        size_t n_ins, const adex__drive_mon *mons,
                        size_t n_mons, const adex_run_hooks *hooks,
                        size_t *done, int *stop) {
  static const adex_run_hooks none = {0};
  const adex_run_hooks *h = hooks != NULL ? hooks : &none;
  size_t every = adex_run_progress_every(steps);
  if (done != NULL) *done = 0;
  if (stop != NULL) *stop = 0;
  if (n_ins > ADEX_RUN_MAX_MONITORS)
    return adex__net_keep(net, adex__fail(ADEX_ESIZE, "more than %d inputs",
                                          ADEX_RUN_MAX_MONITORS));
  size_t defer[ADEX_RUN_MAX_MONITORS];
  plan_defer(net, ins, n_ins, defer);
  /* the generators' values for a float32 variable or another op */
  size_t n_scratch = 0;
  for (size_t i = 0; i < n_ins; i++)
    if (ins[i].src.kind == ADEX_RUN_INPUT_GEN && ins[i].n > n_scratch)
      n_scratch = ins[i].n;
  double *scratch = NULL;
  if (n_scratch > 0 && (scratch = malloc(n_scratch * sizeof *scratch)) == NULL)
    return adex__net_keep(net, adex__fail(ADEX_ENOMEM, "out of memory"));
  adex_status st = ADEX_OK;
  for (size_t k = 0; k < steps; k++) {
#ifdef _OPENMP
    /* after the first step (which checks, and puts the inputs' variables
     * back where it fails), a team of threads where the network takes one */
    size_t team_done = 0;
    int team_stop = 0;
    if (k == 1 && drive_team(net, k, steps, ins, n_ins, mons, n_mons, h,
                             scratch, defer, &st, &team_done, &team_stop)) {
      if (done != NULL) *done = team_done;
      if (stop != NULL) *stop = team_stop;
      break;
    }
#endif
    int rc = h->before_step != NULL ? h->before_step(h->user, k) : 0;
    if (rc != 0) {
      if (stop != NULL) *stop = rc;
      break;
    }
    if (k == 0 && n_ins > 0) {
      st = first_step(net, ins, n_ins, scratch, defer);
    } else {
      for (size_t i = 0; i < n_ins; i++)
        apply_in(net, ins, i, k, scratch, defer);
      st = adex_net_step(net);
    }
    if (st != ADEX_OK) break;
    for (size_t m = 0; m < n_mons; m++) record(&mons[m], k);
    rc = h->after_step != NULL ? h->after_step(h->user, k) : 0;
    if (done != NULL) *done = k + 1;
    if (rc != 0) {
      if (stop != NULL) *stop = rc;
      break;
    }
    if (h->progress != NULL && ((k + 1) % every == 0 || k + 1 == steps) &&
        h->progress(h->user, k + 1, steps) != 0)
      break;
  }
  free(scratch);
  return st;
}
