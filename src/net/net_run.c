/* net_run.c - a network run with inputs and monitors (adex_net_run_io,
 * adex_net_run_hooked; include/adex/net.h): every input and monitor is
 * resolved to memory by its node's name and checked, then the library's
 * one loop (src/run/drive.c) takes the steps. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "net/net_internal.h"
#include "run/drive.h"

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
                                size_t i, size_t steps, adex__drive_mon *mp) {
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
  char what[ADEX_NAME_MAX + 64];
  snprintf(what, sizeof what, "monitor '%s'", m->key);
  return adex__drive_plan_mon(data, dtype, len, m->indices, m->n_indices,
                              m->dtype, m->out, steps, what, mp);
}

static adex_status plan_input(adex_net *net, const adex_net_input *in, size_t i,
                              size_t steps, adex__drive_in *ip) {
  if (in->pop >= net->ngroups || net->groups[in->pop].kind != NET_GROUP_POP)
    return adex__fail(ADEX_EINVAL,
                      "input %zu: population %zu is not an "
                      "AdExIF population of the network",
                      i, in->pop);
  adex_pop *pop = net->groups[in->pop].pop;
  const char *var = in->var != NULL ? in->var : "input";
  adex_var v = {0};
  if ((strcmp(var, "input") != 0 && strcmp(var, "V") != 0 &&
       strcmp(var, "w") != 0) ||
      adex_pop_var_find(pop, var, &v) != ADEX_OK)
    return adex__fail(ADEX_EINVAL, "input %zu: variable '%s' (input, V or w)",
                      i, var);
  char what[32];
  snprintf(what, sizeof what, "input %zu", i);
  return adex__drive_plan_in(&in->in, in->op, steps, v.data, v.dtype,
                             adex_pop_num(pop), what, ip);
}

/* Check and resolve everything, then run. */
static adex_status run(adex_net *net, size_t steps,
                       const adex_net_input *inputs, size_t n_inputs,
                       const adex_net_monitor *monitors, size_t n_monitors,
                       const adex_run_hooks *hooks, size_t *done, int *stop) {
  if (done != NULL) *done = 0;
  if (stop != NULL) *stop = 0;
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
  if ((n_monitors > 0 && monitors == NULL) || (n_inputs > 0 && inputs == NULL))
    return adex__net_keep(
        net, adex__fail(ADEX_EINVAL, "monitors or inputs is NULL"));
  adex__drive_mon mp[ADEX_RUN_MAX_MONITORS] = {0};
  adex__drive_in ip[ADEX_RUN_MAX_MONITORS] = {0};
  for (size_t i = 0; i < n_monitors; i++) {
    adex_status st = plan_monitor(net, &monitors[i], i, steps, &mp[i]);
    if (st != ADEX_OK) return adex__net_keep(net, st);
  }
  for (size_t i = 0; i < n_inputs; i++) {
    adex_status st = plan_input(net, &inputs[i], i, steps, &ip[i]);
    if (st != ADEX_OK) return adex__net_keep(net, st);
  }
  return adex__drive(net, steps, ip, n_inputs, mp, n_monitors, hooks, done,
                     stop);
}

adex_status adex_net_run_hooked(adex_net *net, size_t steps,
                                const adex_net_input *inputs, size_t n_inputs,
                                const adex_net_monitor *monitors,
                                size_t n_monitors, const adex_run_hooks *hooks,
                                size_t *done, int *stop) {
  return run(net, steps, inputs, n_inputs, monitors, n_monitors, hooks, done,
             stop);
}

adex_status adex_net_run_io(adex_net *net, size_t steps,
                            const adex_net_input *inputs, size_t n_inputs,
                            const adex_net_monitor *monitors, size_t n_monitors,
                            adex_net_progress_fn progress, void *user,
                            size_t *done) {
  adex_run_hooks h = {.user = user, .progress = progress};
  return run(net, steps, inputs, n_inputs, monitors, n_monitors, &h, done,
             NULL);
}

adex_status adex_net_run(adex_net *net, size_t steps,
                         adex_net_progress_fn progress, void *user,
                         size_t *done) {
  adex_run_hooks h = {.user = user, .progress = progress};
  return run(net, steps, NULL, 0, NULL, 0, &h, done, NULL);
}
