/* xmath_lanes.c - the vector elementary functions of src/math/simd.h (vx_exp,
 * vx_phi, ...) over arrays, for test_xmath.c. tests/CMakeLists.txt
 * compiles this file twice, as the top-level one does src/kernels/kernel_simd.c:
 * ADEX_SIMD_W=4 with AVX2 + FMA (names ending _avx2) and ADEX_SIMD_W=8
 * with AVX-512F (names ending _avx512), -ffp-contract=off both times.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "simd.h"
#include "xmath_lanes.h"

/* The lanes of a vector starting at element i of n: arguments past the
 * end are padded with 1 (a value every function takes). */
static size_t lanes(size_t i, size_t n, size_t width) {
  return n - i < width ? n - i : width;
}

#define LANES_D1(fn)                                                           \
  void VSFX(xm_##fn)(const double *x, double *y, size_t n) {                   \
    for (size_t i = 0; i < n; i += W) {                                        \
      size_t m = lanes(i, n, W);                                               \
      double a[W], r[W];                                                       \
      for (size_t j = 0; j < W; j++) a[j] = j < m ? x[i + j] : 1.0;            \
      vstore(r, vx_##fn(vload(a)));                                            \
      memcpy(y + i, r, m * sizeof *r);                                         \
    }                                                                          \
  }
#define LANES_F1(fn)                                                           \
  void VSFX(xm_##fn)(const float *x, float *y, size_t n) {                     \
    for (size_t i = 0; i < n; i += WF) {                                       \
      size_t m = lanes(i, n, WF);                                              \
      float a[WF], r[WF];                                                      \
      for (size_t j = 0; j < WF; j++) a[j] = j < m ? x[i + j] : 1.0f;          \
      vfstore(r, vx_##fn(vfload(a)));                                          \
      memcpy(y + i, r, m * sizeof *r);                                         \
    }                                                                          \
  }

/* exp as the exp_auto kernels take it (kernel_simd.c, expe_E) */
static inline vd vx_exp_clamped(vd x) { return vx_exp_in(vclamp_exp(x)); }
static inline vf vx_expf_clamped(vf x) { return vx_expf_in(vfclamp_exp(x)); }

LANES_D1(exp)
LANES_D1(exp_clamped)
LANES_F1(expf_clamped)
LANES_D1(expm1)
LANES_D1(phi)
LANES_D1(phi_series)
LANES_F1(expf)
LANES_F1(expm1f)
LANES_F1(phif)
LANES_F1(phif_series)
LANES_D1(log)
LANES_D1(sin_small)
LANES_D1(cos_small)

void VSFX(xm_mix64)(const uint64_t *z, uint64_t *h, size_t n) {
  for (size_t i = 0; i < n; i += W) {
    size_t m = lanes(i, n, W);
    uint64_t a[W] = {0}, r[W];
    memcpy(a, z + i, m * sizeof *a);
    vxu u, v;
    memcpy(&u, a, sizeof u);
    v = vx_mix64(u);
    memcpy(r, &v, sizeof r);
    memcpy(h + i, r, m * sizeof *r);
  }
}

void VSFX(xm_pow_pos)(const double *q, double e, double *y, size_t n) {
  for (size_t i = 0; i < n; i += W) {
    size_t m = lanes(i, n, W);
    double a[W], r[W];
    for (size_t j = 0; j < W; j++) a[j] = j < m ? q[i + j] : 1.0;
    vstore(r, vx_pow_pos(vload(a), e));
    memcpy(y + i, r, m * sizeof *r);
  }
}
