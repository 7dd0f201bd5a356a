/* kernel_simd.h - the SIMD kernels of kernel_simd.c, one set per
 * instruction set (internal). Each agrees with itself bit for bit between
 * its fused step and its one-neuron step; see kernel_simd.c for how it
 * differs from the plain scalar formula. */
#ifndef ADEX_KERNEL_SIMD_H
#define ADEX_KERNEL_SIMD_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

#define ADEX__SIMD_DECLARE(isa)                                                \
  void adex__expe_step_##isa(const adex__step_ctx *c, size_t lo, size_t hi);   \
  void adex__expe_one_##isa(const adex_method *m, const adex__nparams *np,     \
                            double V, double w, double I, double h,            \
                            double out[2], double err[2]);                     \
  void adex__rk_step_##isa(const adex__step_ctx *c, size_t lo, size_t hi);     \
  void adex__rk_adaptive_##isa(adex__adapt_ctx *a, size_t lo, size_t hi);      \
  void adex__expe_step32_##isa(const adex__step_ctx *c, size_t lo, size_t hi); \
  void adex__rk_one_##isa(const adex_method *m, const adex__nparams *np,       \
                          double V, double w, double I, double h,              \
                          double out[2], double err[2]);                       \
  void adex__normals_##isa(uint64_t key, uint64_t c0, size_t nc, double *out); \
  void adex__noise_add_##isa(double *V, const double *xi, const bool *spk,     \
                             const bool *held, const double *vth, double vth1, \
                             double amp, size_t n, unsigned char *flag);       \
  unsigned adex__gaps_##isa(uint64_t stream, uint64_t m, double log_q,         \
                            double *q);

ADEX__SIMD_DECLARE(avx2)
ADEX__SIMD_DECLARE(avx512)

#endif /* ADEX_KERNEL_SIMD_H */
