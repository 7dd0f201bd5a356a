/* adex/params.h - the ten AdEx parameters, their defaults and their checks.
 *
 * Model (BrainPy AdExIF, see docs/design.md and docs/semantics.md section 1):
 *   tau   dV/dt = -(V - V_rest) + delta_T exp((V - V_T)/delta_T) - R w + R I
 *   tau_w dw/dt = a (V - V_rest) - w
 *   if V >= V_th:  V <- V_reset,  w <- w + b
 * Units follow BrainPy: mV, ms, and currents such that R*I is in mV.
 */
#ifndef ADEX_PARAMS_H
#define ADEX_PARAMS_H

#include <stddef.h>

#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One value per parameter, BrainPy's defaults in brackets. */
typedef struct adex_params {
  double V_rest;  /* mV, resting potential [-65] */
  double V_reset; /* mV, reset potential after a spike [-68] */
  double V_th;    /* mV, spike cut-off: spike when V >= V_th [-30] */
  double V_T;     /* mV, threshold of the exponential (rheobase) [-59.9] */
  double delta_T; /* mV, spike slope factor; 0 = integrate-and-fire [3.48] */
  double a;       /* 1, subthreshold adaptation coupling [1] */
  double b;       /* 1 (units of w), spike-triggered adaptation increment [1] */
  double tau;     /* ms, membrane time constant R*C [10] */
  double tau_w;   /* ms, adaptation time constant [30] */
  double R;       /* 1, membrane resistance [1] */
} adex_params;

/* Parameter identifiers, in the order of the struct and the seed. */
typedef enum adex_param_id {
  ADEX_P_V_REST,
  ADEX_P_V_RESET,
  ADEX_P_V_TH,
  ADEX_P_V_T,
  ADEX_P_DELTA_T,
  ADEX_P_A,
  ADEX_P_B,
  ADEX_P_TAU,
  ADEX_P_TAU_W,
  ADEX_P_R,
  ADEX_NPARAMS
} adex_param_id;

/* Fill *p with BrainPy's defaults. */
ADEX_API void adex_params_default(adex_params *p);

/* Check one parameter set: every value finite and within +-1e9, tau > 0
 * and tau_w > 0 (and both >= 1e-3 ms), delta_T >= 0, V_reset < V_th, and
 * (V_th - V_T)/delta_T <= 500 so that exp() of it cannot overflow. Returns ADEX_OK or ADEX_EINVAL with a message
 * naming the parameter and the value in adex_errmsg(). */
ADEX_API adex_status adex_params_check(const adex_params *p);

/* Largest magnitude of an input current (the unit of input: R*I in mV
 * with R = 1) a front end accepts, the parameters' bound: within it and
 * with valid parameters no step makes V or w non-finite, in float64 and
 * float32 alike, and a large negative input holds V far below rest
 * instead of counting as a numerical blow-up. */
#define ADEX_INPUT_MAX 1e9

/* Check one input value: finite and within +-ADEX_INPUT_MAX. name starts
 * the message ("--input must be within +-1e+09, got -1e+200"). Returns
 * ADEX_OK or ADEX_EINVAL with the message in adex_errmsg(). */
ADEX_API adex_status adex_input_check(const char *name, double value);

/* BrainPy's name of a parameter ("tau_w"), or NULL for an invalid id. */
ADEX_API const char *adex_param_name(adex_param_id id);

/* Unit of a parameter ("ms", "mV" or "1"), or NULL for an invalid id. */
ADEX_API const char *adex_param_unit(adex_param_id id);

/* Look a parameter up by its seed name. Returns ADEX_OK, or ADEX_EKEY
 * (message lists the valid names). */
ADEX_API adex_status adex_param_find(const char *name, adex_param_id *id);

/* Read / write one field of *p by id (id must be valid). */
ADEX_API double adex_params_get(const adex_params *p, adex_param_id id);
ADEX_API void adex_params_set(adex_params *p, adex_param_id id, double value);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_PARAMS_H */
