/* method_internal.h - the layout of a method table (internal).
 *
 * Adding a method is adding one of these constant tables to the registry in
 * method_registry.c; the population never switches on the method.
 */
#ifndef ADEX_METHOD_INTERNAL_H
#define ADEX_METHOD_INTERNAL_H

#include "adex/method.h"
#include "kernel.h"

struct adex_method {
  const char *name;           /* canonical name, as BrainPy registers it */
  const char *const *aliases; /* NULL-terminated; never NULL */
  int order;                  /* order of accuracy of the propagated solution */
  int stages;                 /* right-hand-side evaluations per step */
  int embedded;               /* 1 if it carries an error estimate */
  adex__prepare_fn prepare;   /* dt-dependent constants (may be NULL) */
  adex__step_fn step;         /* one fused step over a range of neurons */
};

/* The method tables, defined by their modules. */
extern const adex_method adex__method_exp_auto;

#endif /* ADEX_METHOD_INTERNAL_H */
