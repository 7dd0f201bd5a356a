/* adex/status.h - status codes and error messages.
 *
 * Every fallible libadex function returns an adex_status. ADEX_OK (0) means
 * success; every other code names a class of failure, and the detail ("tau_w
 * must be > 0, got -3") is kept on the handle (adex_pop_errmsg) and, for the
 * calling thread, in adex_errmsg(). The library never aborts, exits or prints.
 */
#ifndef ADEX_STATUS_H
#define ADEX_STATUS_H

#include <stddef.h>

#include "adex/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X-macro: (suffix, number, short message). The single source of the codes. */
#define ADEX_STATUS_LIST(X)                                                    \
  X(OK, 0, "success")                                                          \
  X(EINVAL, 1, "invalid argument")                                             \
  X(ENOMEM, 2, "out of memory")                                                \
  X(EMETHOD, 3, "unknown integration method")                                  \
  X(ESIZE, 4, "invalid size or shape")                                         \
  X(ERANGE, 5, "value out of range")                                           \
  X(EIO, 6, "input/output error")                                              \
  X(EFORMAT, 7, "malformed or foreign file")                                   \
  X(EKEY, 8, "unknown key or name")                                            \
  X(ENOTSUP, 9, "not supported")

typedef enum adex_status {
#define ADEX__STATUS_ENUM(name, num, msg) ADEX_##name = num,
  ADEX_STATUS_LIST(ADEX__STATUS_ENUM)
#undef ADEX__STATUS_ENUM
} adex_status;

/* Short, static description of a status code ("out of memory"). Never NULL. */
ADEX_API const char *adex_status_str(adex_status status);

/* Symbolic name of a status code ("ADEX_ENOMEM"). Never NULL. */
ADEX_API const char *adex_status_name(adex_status status);

/* Detail message of the last failure in the calling thread ("" if none).
 * Valid until the next failing libadex call in this thread. */
ADEX_API const char *adex_errmsg(void);

/* The parts of that failure, for front ends that say it in their own
 * words (a config file's key path, a flag) instead of reading the text:
 * - adex_errkey: the name of what was at fault: a parameter ("tau"), a
 *   population option ("tol", "tau_ref", "noise", "spk_reset", "threads",
 *   "dtype", "adaptive"), "V_initializer" or "w_initializer", "params"
 *   for a rule between parameters ((V_th - V_T)/delta_T), "dt" for an
 *   unstable step; "" when the failure names nothing.
 * - adex_errindex: the neuron (flat index) at fault, or -1.
 * - adex_errreason: the message without the key and the neuron ("must be
 *   > 0, got -3" of "tau must be > 0, got -3 (neuron 2)").
 * Valid as adex_errmsg. A failure that names nothing has key "", index -1
 * and reason equal to the message. */
ADEX_API const char *adex_errkey(void);
ADEX_API long long adex_errindex(void);
ADEX_API const char *adex_errreason(void);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_STATUS_H */
