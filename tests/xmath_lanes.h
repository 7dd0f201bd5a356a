/* xmath_lanes.h - the vector elementary functions of src/math/simd.h applied to
 * arrays, for test_xmath.c (xmath_lanes.c, compiled once per instruction
 * set). y[i] = f(x[i]) for i < n, any n: the tail is padded. Call the
 * _avx2 functions only where the CPU has AVX2, FMA and BMI2, the _avx512
 * ones only where it has AVX-512F, FMA and BMI2.
 */
#ifndef XMATH_LANES_H
#define XMATH_LANES_H

#include <stddef.h>
#include <stdint.h>

#define XM_LANES_DECLARE(isa)                                                  \
  void xm_exp_##isa(const double *x, double *y, size_t n);                     \
  /* the kernels' form: exp_in(clamp_exp(x)), and the float one */             \
  void xm_exp_clamped_##isa(const double *x, double *y, size_t n);             \
  void xm_expf_clamped_##isa(const float *x, float *y, size_t n);              \
  void xm_expm1_##isa(const double *x, double *y, size_t n);                   \
  void xm_phi_##isa(const double *x, double *y, size_t n);                     \
  void xm_phi_series_##isa(const double *x, double *y, size_t n);              \
  /* y[i] = pow_pos(q[i], e) */                                                \
  void xm_pow_pos_##isa(const double *q, double e, double *y, size_t n);       \
  void xm_expf_##isa(const float *x, float *y, size_t n);                      \
  void xm_expm1f_##isa(const float *x, float *y, size_t n);                    \
  void xm_phif_##isa(const float *x, float *y, size_t n);                      \
  void xm_phif_series_##isa(const float *x, float *y, size_t n);               \
  void xm_log_##isa(const double *x, double *y, size_t n);                     \
  void xm_sin_small_##isa(const double *x, double *y, size_t n);               \
  void xm_cos_small_##isa(const double *x, double *y, size_t n);               \
  /* h[i] = mix64(z[i]) */                                                     \
  void xm_mix64_##isa(const uint64_t *z, uint64_t *h, size_t n);

XM_LANES_DECLARE(avx2)
XM_LANES_DECLARE(avx512)

#endif /* XMATH_LANES_H */
