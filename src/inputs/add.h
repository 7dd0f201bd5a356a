/* add.h - a number added to every element of a variable (internal): the
 * arithmetic of an input `(key, number)` with op '+' (drive.c), also
 * where the network's step applies such an input itself (net.c,
 * adex__net_defer_add).
 */
#ifndef ADEX_INPUTS_ADD_H
#define ADEX_INPUTS_ADD_H

#include <stddef.h>

#include "adex/names.h"

/* dst[i] += v for i in [0, n): dst is n doubles (ADEX_DTYPE_F64), or n
 * floats (ADEX_DTYPE_F32), each then computed in double and rounded to
 * float once. */
void adex__add_number(void *dst, adex_dtype dtype, size_t n, double v);

#endif /* ADEX_INPUTS_ADD_H */
