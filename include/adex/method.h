/* adex/method.h - integration methods, found by name.
 *
 * Each method is a constant table (name, order, stages, step function) in
 * one registry, as GSL's step types. `exp_auto` is BrainPy's exponential
 * Euler (aliases exp_euler, exp_euler_auto, exponential_euler). The list of
 * names is the registry's: adex_method_count()/adex_method_at().
 */
#ifndef ADEX_METHOD_H
#define ADEX_METHOD_H

#include <stddef.h>

#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct adex_method adex_method; /* a constant table; never freed */

/* Find a method by its name or an alias. Returns ADEX_OK, or ADEX_EMETHOD
 * with a message listing every valid name. */
ADEX_API adex_status adex_method_find(const char *name,
                                      const adex_method **method);

/* Number of registered methods, and the i-th one (NULL if out of range). */
ADEX_API size_t adex_method_count(void);
ADEX_API const adex_method *adex_method_at(size_t i);

/* Canonical name ("exp_auto"), order of accuracy, number of stages, and
 * whether it is an embedded pair that can adapt its step (1) or not (0). */
ADEX_API const char *adex_method_name(const adex_method *m);
ADEX_API int adex_method_order(const adex_method *m);
ADEX_API int adex_method_stages(const adex_method *m);
ADEX_API int adex_method_is_embedded(const adex_method *m);

/* Aliases of a method: NULL-terminated list (possibly empty). */
ADEX_API const char *const *adex_method_aliases(const adex_method *m);

/* Write every accepted name, comma-separated, into buf (always terminated).
 * Returns the length the full list needs, excluding the terminator. */
ADEX_API size_t adex_method_list(char *buf, size_t len);

/* Which implementation of a method's arithmetic runs. exp_auto and the
 * explicit Runge-Kutta methods have vector kernels (W neurons at once),
 * and the adaptive mode a vector driver. They perform the scalar
 * reference's operations lane by lane, with the library's own exp and phi
 * (the same source for scalars and vectors, no libm), so every kernel
 * gives the reference's bits: every method, float64 and float32, fixed
 * step and adaptive, whatever the population size, the number of threads
 * or the path (fused step or general path). The kernel changes speed
 * only; AUTO, the default, also runs the adaptive mode's vector driver.
 * See docs/numerics.md ("Elementary functions") and docs/performance.md. */
typedef enum adex_kernel {
  ADEX_KERNEL_AUTO,   /* the fastest this CPU and build support [default] */
  ADEX_KERNEL_SCALAR, /* one neuron at a time: the reference (BrainPy's
                         formulas; docs/numerics.md on their rounding) */
  ADEX_KERNEL_AVX2,   /* 4 lanes, AVX2 + FMA + BMI2 */
  ADEX_KERNEL_AVX512  /* 8 lanes, AVX-512F and DQ + FMA + BMI2 */
} adex_kernel;

/* Whether kernel k can run here (built in, and supported by the CPU).
 * AUTO and SCALAR always can. */
ADEX_API int adex_kernel_available(adex_kernel k);

/* The kernel AUTO resolves to on this machine. */
ADEX_API adex_kernel adex_kernel_best(void);

/* Name of a kernel ("auto", "scalar", "avx2", "avx512"; "invalid"). */
ADEX_API const char *adex_kernel_name(adex_kernel k);

/* Look a kernel up by name. Returns ADEX_OK or ADEX_EKEY (the message
 * lists the names). */
ADEX_API adex_status adex_kernel_find(const char *name, adex_kernel *out);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_METHOD_H */
