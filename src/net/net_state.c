/* net_state.c - save_states / load_states of a whole network
 * (docs/state-files.md, *Networks*).
 *
 * One key table for the network: every AdExIF population's keys as its
 * own save_states writes them, then the spike sources' spikes, then each
 * projection's state and delivery rings, then the step count. The shared
 * steps of src/io/state.c write it atomically, and on load check every key,
 * shape, dtype and value before anything changes.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net/net_internal.h"
#include "state_internal.h"

/* Add one array key "<object>.<var>" of `ndim` extents. */
static adex_status add_array(adex__state *s, const char *object,
                             const char *var, adex_dtype dtype, void *data,
                             double limit, size_t ndim, ...) {
  adex__state_entry *e = adex__state_add(s);
  if (e == NULL) return ADEX_ENOMEM;
  snprintf(e->key, sizeof e->key, "%s.%s", object, var);
  e->dtype = dtype;
  e->ndim = ndim;
  e->count = 1;
  va_list ap;
  va_start(ap, ndim);
  for (size_t d = 0; d < ndim; d++) {
    e->shape[d] = va_arg(ap, size_t);
    e->count *= e->shape[d];
  }
  va_end(ap);
  e->var = data;
  e->limit = limit;
  return ADEX_OK;
}

/* The keys of one projection: its model's state, then the rings. */
static adex_status add_proj(adex__state *s, net_proj *p) {
  const char *n = p->name.name;
  net_family fam = adex__net_family(p->cfg.model);
  size_t P = p->npre, Q = p->npost;
  adex_status st = ADEX_OK;
  switch (fam) {
  case NET_FAM_EXP:
    if (p->g != NULL)
      st = add_array(s, n, "g", ADEX_DTYPE_F64, p->g, DBL_MAX, 1, Q);
    break;
  case NET_FAM_DUAL:
    st = add_array(s, n, "g", ADEX_DTYPE_F64, p->g, DBL_MAX, 1, P);
    if (st == ADEX_OK)
      st = add_array(s, n, "h", ADEX_DTYPE_F64, p->h, DBL_MAX, 1, P);
    if (st == ADEX_OK)
      st = add_array(s, n, "g_post", ADEX_DTYPE_F64, p->G, DBL_MAX, 1, Q);
    if (st == ADEX_OK)
      st = add_array(s, n, "h_post", ADEX_DTYPE_F64, p->H, DBL_MAX, 1, Q);
    break;
  case NET_FAM_SUM:
    st = add_array(s, n, "g", ADEX_DTYPE_F64, p->g, DBL_MAX, 1, P);
    if (st == ADEX_OK)
      st = add_array(s, n,
                     p->cfg.model == ADEX_SYN_NMDA ? "x" : "spike_arrival_time",
                     ADEX_DTYPE_F64, p->h, DBL_MAX, 1, P);
    break;
  case NET_FAM_STP:
    st = add_array(s, n, "x", ADEX_DTYPE_F64, p->sx, DBL_MAX, 1, p->nsyn);
    if (st == ADEX_OK)
      st = add_array(s, n, "u", ADEX_DTYPE_F64, p->su, DBL_MAX, 1, p->nsyn);
    if (st == ADEX_OK)
      st = add_array(s, n, "I", ADEX_DTYPE_F64, p->sI, DBL_MAX, 1, p->nsyn);
    break;
  }
  if (st == ADEX_OK && p->ring != NULL)
    st = add_array(s, n, "delay_ring", ADEX_DTYPE_F64, p->ring, DBL_MAX, 2,
                   p->ring_len, Q);
  if (st == ADEX_OK && p->sring != NULL)
    st = add_array(s, n, "spike_ring", ADEX_DTYPE_BOOL, p->sring, NAN, 2,
                   p->ring_len, P);
  return st;
}

/* The network's key table. */
static adex_status build(adex_net *net, const char *filename, adex__state *s) {
  adex__state_init(s, filename, adex_allocator_default());
  adex_status st = ADEX_OK;
  for (size_t g = 0; st == ADEX_OK && g < net->ngroups; g++) {
    net_group *gr = &net->groups[g];
    if (gr->kind == NET_GROUP_POP) {
      st = adex__state_add_pop(s, gr->pop);
      continue;
    }
    st = add_array(s, gr->name.name, "spike", ADEX_DTYPE_BOOL, gr->spike, NAN,
                   1, gr->num);
    if (st == ADEX_OK && gr->kind == NET_GROUP_TIMES)
      st = add_array(s, gr->name.name, "i", ADEX_DTYPE_F64, &gr->cursor_saved,
                     (double)gr->n_spikes, 1, (size_t)1);
  }
  for (size_t i = 0; st == ADEX_OK && i < net->nprojs; i++)
    st = add_proj(s, &net->projs[i]);
  if (st == ADEX_OK)
    st = add_array(s, net->name.name, "step", ADEX_DTYPE_F64, &net->k_saved,
                   0x1p53, 1, (size_t)1);
  if (st == ADEX_OK)
    st = add_array(s, net->name.name, "t0", ADEX_DTYPE_F64, &net->t0_saved,
                   DBL_MAX, 1, (size_t)1);
  for (size_t i = 0; i < s->n; i++) s->e[i].selected = true;
  return st;
}

/* Check the handle and the file name; the format. */
static adex_status begin(adex_net *net, const char *filename,
                         adex_state_format *format) {
  if (net == NULL) return adex__fail(ADEX_EINVAL, "net must not be NULL");
  if (!net->planned)
    return adex__fail(ADEX_EINVAL,
                      "%s: plan the network before saving or "
                      "loading its state",
                      net->name.name);
  if (net->nranks > 1)
    return adex__fail(ADEX_ENOTSUP,
                      "%s: state files of a network on %d ranks are not "
                      "written or read yet",
                      net->name.name, net->nranks);
  return adex_state_format_of(filename, format);
}

static adex_status finish(adex_net *net, adex_status st) {
  if (st != ADEX_OK) {
    snprintf(net->errmsg, sizeof net->errmsg, "%s", adex_errmsg());
    return st;
  }
  adex__clear_error();
  return ADEX_OK;
}

adex_status adex_net_save_states(adex_net *net, const char *filename) {
  adex_state_format format;
  adex_status st = begin(net, filename, &format);
  if (st != ADEX_OK) return net != NULL ? finish(net, st) : st;
  for (size_t g = 0; g < net->ngroups; g++)
    net->groups[g].cursor_saved = (double)net->groups[g].cursor;
  net->k_saved = (double)net->k;
  net->t0_saved = net->t0;
  adex__state s;
  st = build(net, filename, &s);
  if (st == ADEX_OK) st = adex__state_save(&s, format);
  adex__state_free(&s);
  return finish(net, st);
}

adex_status adex_net_load_states(adex_net *net, const char *filename,
                                 int verbose, FILE *log) {
  adex_state_format format;
  adex_status st = begin(net, filename, &format);
  if (st != ADEX_OK) return net != NULL ? finish(net, st) : st;
  for (size_t g = 0; g < net->ngroups; g++)
    net->groups[g].cursor_saved = (double)net->groups[g].cursor;
  net->k_saved = (double)net->k;
  net->t0_saved = net->t0;
  adex__state s;
  st = build(net, filename, &s);
  if (st == ADEX_OK) st = adex__state_load(&s, format, verbose, log, NULL);
  adex__state_free(&s);
  if (st == ADEX_OK) {
    /* whole counts (the value check kept them within range) */
    for (size_t g = 0; g < net->ngroups; g++)
      net->groups[g].cursor =
          (size_t)floor(fmax(net->groups[g].cursor_saved, 0.0));
    net->k = (uint64_t)floor(fmax(net->k_saved, 0.0));
    adex__net_set_origin(net, net->t0_saved);
  }
  return finish(net, st);
}
