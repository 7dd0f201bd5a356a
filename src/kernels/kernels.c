/* kernels.c - which implementation of a method runs: the plain scalar
 * reference or a SIMD kernel (kernel_simd.c), chosen from what the build
 * compiled (ADEX_HAVE_AVX2, ADEX_HAVE_AVX512) and what the CPU supports,
 * asked once through the compiler's CPU feature test. Under valgrind,
 * which does not emulate AVX-512, the CPU reports no AVX-512 and AUTO
 * picks AVX2. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "adex/method.h"
#include "internal.h"
#include "kernel.h"
#include "kernel_simd.h"
#include "method_internal.h"
#include "rng.h"

/* {step, one, step32, adaptive} of a family for one instruction set;
 * `none` where the family has no such function. */
#if defined(ADEX_HAVE_AVX2)
#define AVX2_IMPL(fam, s32, ad)                                                \
  { adex__##fam##_step_avx2, adex__##fam##_one_avx2, s32##_avx2, ad##_avx2 }
#else
#define AVX2_IMPL(fam, s32, ad)                                                \
  { NULL, NULL, NULL, NULL }
#endif
#if defined(ADEX_HAVE_AVX512)
#define AVX512_IMPL(fam, s32, ad)                                              \
  {                                                                            \
    adex__##fam##_step_avx512, adex__##fam##_one_avx512, s32##_avx512,         \
        ad##_avx512                                                            \
  }
#else
#define AVX512_IMPL(fam, s32, ad)                                              \
  { NULL, NULL, NULL, NULL }
#endif
#define none_avx2 NULL
#define none_avx512 NULL

const adex__simd_set adex__simd_expe = {
    AVX2_IMPL(expe, adex__expe_step32, none),
    AVX512_IMPL(expe, adex__expe_step32, none)};
const adex__simd_set adex__simd_rk = {AVX2_IMPL(rk, none, adex__rk_adaptive),
                                      AVX512_IMPL(rk, none, adex__rk_adaptive)};

static const char *const kernel_names[] = {"auto", "scalar", "avx2", "avx512"};
#define N_KERNELS (sizeof kernel_names / sizeof kernel_names[0])

/* Whether the CPU can run kernel k (not whether it was built). */
static int cpu_supports(adex_kernel k) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  switch (k) {
  case ADEX_KERNEL_AVX2:
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("bmi2");
  case ADEX_KERNEL_AVX512:
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2");
  default: return 1;
  }
#else
  return k == ADEX_KERNEL_AUTO || k == ADEX_KERNEL_SCALAR;
#endif
}

/* Whether the build has kernel k. */
static int built(adex_kernel k) {
  switch (k) {
  case ADEX_KERNEL_AVX2: return adex__simd_rk.avx2.step != NULL;
  case ADEX_KERNEL_AVX512: return adex__simd_rk.avx512.step != NULL;
  case ADEX_KERNEL_AUTO:
  case ADEX_KERNEL_SCALAR: return 1;
  }
  return 0;
}

int adex_kernel_available(adex_kernel k) {
  return (unsigned)k < N_KERNELS && built(k) && cpu_supports(k);
}

adex_kernel adex_kernel_best(void) {
  if (adex_kernel_available(ADEX_KERNEL_AVX512)) return ADEX_KERNEL_AVX512;
  if (adex_kernel_available(ADEX_KERNEL_AVX2)) return ADEX_KERNEL_AVX2;
  return ADEX_KERNEL_SCALAR;
}

const char *adex_kernel_name(adex_kernel k) {
  return (unsigned)k < N_KERNELS ? kernel_names[k] : "invalid";
}

adex_status adex_kernel_find(const char *name, adex_kernel *out) {
  for (size_t i = 0; name != NULL && i < N_KERNELS; i++)
    if (strcmp(name, kernel_names[i]) == 0) {
      *out = (adex_kernel)i;
      return ADEX_OK;
    }
  return adex__fail(ADEX_EKEY,
                    "unknown kernel '%.40s'; kernels: auto, scalar, avx2, "
                    "avx512",
                    name != NULL ? name : "(null)");
}

adex_status adex__method_impl(const adex_method *m, adex_kernel k,
                              adex__impl *out) {
  if (!adex_kernel_available(k))
    return adex__fail(ADEX_EINVAL,
                      "kernel %s is not available on this machine (%s)",
                      adex_kernel_name(k),
                      (unsigned)k >= N_KERNELS ? "unknown kernel"
                      : built(k)               ? "the CPU lacks it"
                                               : "not built");
  if (k == ADEX_KERNEL_AUTO) k = adex_kernel_best();
  *out = (adex__impl){m->step, m->one, m->step32, NULL};
  const adex__impl *simd = NULL;
  if (m->simd != NULL && k == ADEX_KERNEL_AVX2) simd = &m->simd->avx2;
  if (m->simd != NULL && k == ADEX_KERNEL_AVX512) simd = &m->simd->avx512;
  if (simd != NULL && simd->step != NULL) *out = *simd;
  return ADEX_OK;
}

/* The rare branch of a blow-up (kernel.h): one neuron, counted where one
 * of its start values was not finite. Threads may meet such neurons at
 * once: the count is added and the smallest key kept atomically. */
__attribute__((noinline, cold)) void adex__nf_note(adex__nf *nf, size_t neuron,
                                                   double V, double w, double I,
                                                   double D) {
  int var = !isfinite(V)   ? ADEX__NF_V
            : !isfinite(w) ? ADEX__NF_W
            : !isfinite(I) ? ADEX__NF_INPUT
            : !isfinite(D) ? ADEX__NF_DRIVE
                           : -1;
  if (nf == NULL || var < 0) return; /* the model's own overflow */
  unsigned long long key = (unsigned long long)neuron * 4 + (unsigned)var;
  __atomic_fetch_add(&nf->count, 1, __ATOMIC_RELAXED);
  unsigned long long cur = __atomic_load_n(&nf->first, __ATOMIC_RELAXED);
  while (key < cur &&
         !__atomic_compare_exchange_n(&nf->first, &cur, key, true,
                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

adex__normals_fn adex__kernel_normals(adex_kernel k) {
#if defined(ADEX_HAVE_AVX512)
  if (k == ADEX_KERNEL_AVX512) return adex__normals_avx512;
#endif
#if defined(ADEX_HAVE_AVX2)
  if (k == ADEX_KERNEL_AVX2) return adex__normals_avx2;
#endif
  (void)k;
#ifdef ADEX__NORMALS_FMA
  if (__builtin_cpu_supports("fma")) return adex__normals_scalar_fma;
#endif
  return adex__normals_scalar;
}

/* kernel.h's adex__noise_add_fn, one neuron at a time. */
static void noise_add_scalar(double *V, const double *xi, const bool *spk,
                             const bool *held, const double *vth, double vth1,
                             double amp, size_t n, unsigned char *flag) {
  for (size_t k = 0; k < n; k++) {
    double v0 = V[k], v = v0 + amp * xi[k], th = vth != NULL ? vth[k] : vth1;
    bool h = held != NULL && held[k];
    bool cross = !(v < th) || !(v > -ADEX__BLOWUP);
    V[k] = h ? v0 : v;
    flag[k] = (unsigned char)(spk[k] || (!h && cross));
  }
}

adex__noise_add_fn adex__kernel_noise_add(adex_kernel k) {
#if defined(ADEX_HAVE_AVX512)
  if (k == ADEX_KERNEL_AVX512) return adex__noise_add_avx512;
#endif
#if defined(ADEX_HAVE_AVX2)
  if (k == ADEX_KERNEL_AVX2) return adex__noise_add_avx2;
#endif
  (void)k;
  return noise_add_scalar;
}

adex__gaps_fn adex__kernel_gaps(void) {
  adex_kernel k = adex_kernel_best();
#if defined(ADEX_HAVE_AVX512)
  if (k == ADEX_KERNEL_AVX512) return adex__gaps_avx512;
#endif
#if defined(ADEX_HAVE_AVX2)
  if (k == ADEX_KERNEL_AVX2) return adex__gaps_avx2;
#endif
  (void)k;
  return NULL;
}
