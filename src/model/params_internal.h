/* params_internal.h - parameter checks shared with the population. */
#ifndef ADEX_PARAMS_INTERNAL_H
#define ADEX_PARAMS_INTERNAL_H

#include "adex/params.h"

/* Largest (V_th - V_T)/delta_T accepted: exp(500) ~ 1e217 leaves room for
 * the products and sums of a step without overflow (exp overflows at 709.8). */
#define ADEX__EXP_ARG_MAX 500.0

/* Largest magnitude of any parameter, and smallest time constant (ms):
 * generous physical bounds that keep every step's arithmetic finite. */
#define ADEX__PARAM_MAX 1e9
#define ADEX__TAU_MIN 1e-3

/* Check one parameter set, of neuron `index` (-1: every neuron's): the
 * message ends in " (neuron 3)" and adex_errkey/adex_errindex name the
 * parameter and the neuron. Returns ADEX_OK or ADEX_EINVAL. */
adex_status adex__params_check_at(const adex_params *p, long long index);

#endif /* ADEX_PARAMS_INTERNAL_H */
