/* net_run.c - a network run with inputs and monitors, the whole loop in C
 * (adex_net_run_io; include/adex/net.h). Plan: every input and monitor is
 * resolved to memory and checked; then steps without allocation: inputs,
 * the network's step, one row per monitor. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "net/net_internal.h"

/* A monitor resolved: where its variable lives, how wide a row is. */
typedef struct mon_plan {
  const unsigned char *src; /* the variable's elements */
  size_t elem;              /* bytes per element */
  size_t width;             /* elements per row */
  const size_t *idx;        /* NULL: all, in order */
  unsigned char *out;
} mon_plan;

/* An input resolved. */
typedef struct in_plan {
  double *dst;
  size_t n;
  char op;
  const adex_net_input *in;
} in_plan;

/* The group or projection called `name` (length len). */
static int find_node(adex_net *net, const char *name, size_t len, size_t *group,
                     size_t *proj) {
  for (size_t g = 0; g < net->ngroups; g++) {
    const char *n = adex_net_pop_name(net, g);
    if (strlen(n) == len && strncmp(n, name, len) == 0) {
      *group = g;
      return 1;
    }
  }
  for (size_t p = 0; p < net->nprojs; p++) {
    const char *n = net->projs[p].name.name;
    if (strlen(n) == len && strncmp(n, name, len) == 0) {
      *proj = p;
      return 2;
    }
  }
  return 0;
}

static adex_status plan_monitor(adex_net *net, const adex_net_monitor *m,
                                size_t i, mon_plan *mp) {
  if (m->key == NULL || m->out == NULL)
    return adex__fail(ADEX_EINVAL, "monitor %zu: key and out are needed", i);
  const char *dot = strrchr(m->key, '.');
  if (dot == NULL)
    return adex__fail(ADEX_EKEY,
                      "monitor '%s': give it as <node>.<variable> "
                      "(\"E.V\", \"E2E.g\")",
                      m->key);
  size_t g = 0, p = 0, len = 0;
  adex_dtype dtype = ADEX_DTYPE_F64;
  const void *data = NULL;
  int kind = find_node(net, m->key, (size_t)(dot - m->key), &g, &p);
  const char *var = dot + 1;
  if (kind == 1 && net->groups[g].kind == NET_GROUP_POP) {
    adex_var v;
    if (adex_pop_var_find(net->groups[g].pop, var, &v) != ADEX_OK)
      return adex__fail(ADEX_EKEY, "monitor '%s': %s", m->key, adex_errmsg());
    data = v.data;
    dtype = v.dtype;
    len = adex_pop_num(net->groups[g].pop);
  } else if (kind == 1) {
    if (strcmp(var, "spike") != 0)
      return adex__fail(ADEX_EKEY,
                        "monitor '%s': a spike source has only "
                        "\"spike\"",
                        m->key);
    data = net->groups[g].spike;
    dtype = ADEX_DTYPE_BOOL;
    len = net->groups[g].num;
  } else if (kind == 2) {
    data = adex_net_proj_var(net, p, var, &len);
    if (data == NULL)
      return adex__fail(ADEX_EKEY, "monitor '%s': %s has no variable '%s'",
                        m->key, net->projs[p].name.name, var);
  } else {
    char known[256] = "";
    size_t used = 0;
    for (size_t q = 0; q < net->ngroups + net->nprojs; q++) {
      const char *n = q < net->ngroups ? adex_net_pop_name(net, q)
                                       : net->projs[q - net->ngroups].name.name;
      int w =
          snprintf(known + used, sizeof known - used, "%s%s", q ? ", " : "", n);
      if (w < 0 || (size_t)w >= sizeof known - used) break;
      used += (size_t)w;
    }
    return adex__fail(ADEX_EKEY,
                      "monitor '%s': no node called '%.*s' "
                      "(nodes: %s)",
                      m->key, (int)(dot - m->key), m->key, known);
  }
  if (m->dtype != dtype)
    return adex__fail(ADEX_EINVAL,
                      "monitor '%s': out must be of the "
                      "variable's dtype, %s",
                      m->key, adex_dtype_name(dtype));
  for (size_t q = 0; m->indices != NULL && q < m->n_indices; q++)
    if (m->indices[q] >= len)
      return adex__fail(ADEX_ERANGE,
                        "monitor '%s': index %zu is out of range "
                        "for %zu elements",
                        m->key, m->indices[q], len);
  mp->src = data;
  mp->elem = adex_dtype_size(dtype);
  mp->width = m->indices != NULL ? m->n_indices : len;
  mp->idx = m->indices;
  mp->out = m->out;
  return ADEX_OK;
}

static adex_status plan_input(adex_net *net, const adex_net_input *in, size_t i,
                              in_plan *ip) {
  if (in->pop >= net->ngroups || net->groups[in->pop].kind != NET_GROUP_POP)
    return adex__fail(ADEX_EINVAL,
                      "input %zu: population %zu is not an "
                      "AdExIF population of the network",
                      i, in->pop);
  adex_pop *pop = net->groups[in->pop].pop;
  const char *var = in->var != NULL ? in->var : "input";
  ip->dst = strcmp(var, "input") == 0 ? adex_pop_input(pop)
            : strcmp(var, "V") == 0   ? adex_pop_V(pop)
            : strcmp(var, "w") == 0   ? adex_pop_w(pop)
                                      : NULL;
  if (ip->dst == NULL)
    return adex__fail(ADEX_EINVAL, "input %zu: variable '%s' (input, V or w)",
                      i, var);
  ip->op = in->op != 0 ? in->op : '+';
  if (strchr("+-*/=", ip->op) == NULL)
    return adex__fail(ADEX_EINVAL, "input %zu: op '%c' (+, -, *, / or =)", i,
                      ip->op);
  if (in->in.kind != ADEX_RUN_INPUT_SCALAR && in->in.data == NULL)
    return adex__fail(ADEX_EINVAL, "input %zu: data is needed", i);
  if (in->in.kind < ADEX_RUN_INPUT_SCALAR || in->in.kind > ADEX_RUN_INPUT_STEP)
    return adex__fail(ADEX_EINVAL, "input %zu: unknown kind %d", i,
                      (int)in->in.kind);
  ip->n = adex_pop_num(pop);
  ip->in = in;
  return ADEX_OK;
}

/* Apply one input of step k. */
static void apply(const in_plan *ip, size_t k) {
  const adex_run_input *r = &ip->in->in;
  double *d = ip->dst;
  for (size_t i = 0; i < ip->n; i++) {
    double v = r->kind == ADEX_RUN_INPUT_SCALAR   ? r->value
               : r->kind == ADEX_RUN_INPUT_NEURON ? r->data[i]
                                                  : r->data[k * ip->n + i];
    switch (ip->op) {
    case '+': d[i] += v; break;
    case '-': d[i] -= v; break;
    case '*': d[i] *= v; break;
    case '/': d[i] /= v; break;
    default: d[i] = v; break;
    }
  }
}

/* Row k of one monitor. */
static void record(const mon_plan *mp, size_t k) {
  unsigned char *row = mp->out + k * mp->width * mp->elem;
  if (mp->idx == NULL) {
    memcpy(row, mp->src, mp->width * mp->elem);
    return;
  }
  for (size_t q = 0; q < mp->width; q++)
    memcpy(row + q * mp->elem, mp->src + mp->idx[q] * mp->elem, mp->elem);
}

adex_status adex_net_run_io(adex_net *net, size_t steps,
                            const adex_net_input *inputs, size_t n_inputs,
                            const adex_net_monitor *monitors, size_t n_monitors,
                            adex_net_progress_fn progress, void *user,
                            size_t *done) {
  if (done != NULL) *done = 0;
  if (net == NULL) return adex__fail(ADEX_EINVAL, "net must not be NULL");
  if (!net->planned)
    return adex__net_keep(net,
                          adex__fail(ADEX_EINVAL, "plan the network first"));
  if (n_monitors > ADEX_RUN_MAX_MONITORS || n_inputs > ADEX_RUN_MAX_MONITORS)
    return adex__net_keep(net, adex__fail(ADEX_ESIZE,
                                          "at most %d monitors and %d "
                                          "inputs",
                                          ADEX_RUN_MAX_MONITORS,
                                          ADEX_RUN_MAX_MONITORS));
  mon_plan mp[ADEX_RUN_MAX_MONITORS];
  in_plan ip[ADEX_RUN_MAX_MONITORS];
  for (size_t i = 0; i < n_monitors; i++) {
    adex_status st = plan_monitor(net, &monitors[i], i, &mp[i]);
    if (st != ADEX_OK) return adex__net_keep(net, st);
  }
  for (size_t i = 0; i < n_inputs; i++) {
    adex_status st = plan_input(net, &inputs[i], i, &ip[i]);
    if (st != ADEX_OK) return adex__net_keep(net, st);
  }
  size_t every = adex_run_progress_every(steps);
  for (size_t k = 0; k < steps; k++) {
    for (size_t i = 0; i < n_inputs; i++) apply(&ip[i], k);
    adex_status st = adex_net_step(net);
    if (st != ADEX_OK) return st;
    for (size_t i = 0; i < n_monitors; i++) record(&mp[i], k);
    if (done != NULL) *done = k + 1;
    if (progress != NULL && ((k + 1) % every == 0 || k + 1 == steps) &&
        progress(user, k + 1, steps) != 0)
      break;
  }
  return ADEX_OK;
}
