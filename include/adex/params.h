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

/* The parameters, the one list: X(name, ID, unit, BrainPy's default,
 * description). The struct, the ids, the name/unit/default/description
 * table, the checks' names, the float kernels' copies, the adex program's
 * flags and help and the Python package's names, properties and defaults
 * all come from it. Units follow BrainPy: mV, ms, and "1" for the
 * dimensionless a, b, R (w and R*I are in mV). */
#define ADEX_PARAM_LIST(X)                                                     \
  X(V_rest, V_REST, "mV", -65.0, "resting potential")                          \
  X(V_reset, V_RESET, "mV", -68.0, "reset potential after a spike")            \
  X(V_th, V_TH, "mV", -30.0, "spike cut-off: spike when V >= V_th")            \
  X(V_T, V_T, "mV", -59.9, "threshold of the exponential")                     \
  X(delta_T, DELTA_T, "mV", 3.48,                                              \
    "spike slope factor (0: integrate-and-fire)")                              \
  X(a, A, "1", 1.0, "subthreshold adaptation coupling")                        \
  X(b, B, "1", 1.0, "spike-triggered adaptation jump")                         \
  X(tau, TAU, "ms", 10.0, "membrane time constant")                            \
  X(tau_w, TAU_W, "ms", 30.0, "adaptation time constant")                      \
  X(R, R, "1", 1.0, "membrane resistance")

/* One value per parameter (ADEX_PARAM_LIST: units and defaults). */
typedef struct adex_params {
#define ADEX__PARAM_FIELD(name, ID, unit, dflt, doc) double name;
  ADEX_PARAM_LIST(ADEX__PARAM_FIELD)
#undef ADEX__PARAM_FIELD
} adex_params;

/* Parameter identifiers, in the order of the list and the struct
 * (ADEX_P_V_REST, ADEX_P_V_RESET, ..., ADEX_P_R), then their count. */
typedef enum adex_param_id {
#define ADEX__PARAM_ID(name, ID, unit, dflt, doc) ADEX_P_##ID,
  ADEX_PARAM_LIST(ADEX__PARAM_ID)
#undef ADEX__PARAM_ID
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

/* What a parameter is ("adaptation time constant"), or NULL for an
 * invalid id. */
ADEX_API const char *adex_param_doc(adex_param_id id);

/* BrainPy's default of a parameter, or NaN for an invalid id. */
ADEX_API double adex_param_default(adex_param_id id);

/* The number of parameters (ADEX_NPARAMS), for bindings that read the
 * list at run time. */
ADEX_API int adex_param_count(void);

/* Look a parameter up by its BrainPy name. Returns ADEX_OK, or ADEX_EKEY
 * (message lists the valid names). */
ADEX_API adex_status adex_param_find(const char *name, adex_param_id *id);

/* Read / write one field of *p by id (id must be valid). */
ADEX_API double adex_params_get(const adex_params *p, adex_param_id id);
ADEX_API void adex_params_set(adex_params *p, adex_param_id id, double value);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_PARAMS_H */
