/* add.c - a number added to every element of a variable (add.h). */
#include "inputs/add.h"

#include "internal.h"

ADEX__VEC_CLONES static void add_f64(double *restrict d, size_t n, double v) {
  for (size_t i = 0; i < n; i++) d[i] += v;
}

ADEX__VEC_CLONES static void add_f32(float *restrict d, size_t n, double v) {
  float f = (float)v;
  if ((double)f == v) {
    /* v a float: the double sum of two floats rounded to float is their
     * float sum (double's 53 bits >= 2 x 24 + 2: double rounding is
     * innocuous for +), so one float add gives the same bits */
    for (size_t i = 0; i < n; i++) d[i] += f;
    return;
  }
  for (size_t i = 0; i < n; i++) d[i] = (float)((double)d[i] + v);
}

void adex__add_number(void *dst, adex_dtype dtype, size_t n, double v) {
  if (dtype == ADEX_DTYPE_F32)
    add_f32(dst, n, v);
  else
    add_f64(dst, n, v);
}
