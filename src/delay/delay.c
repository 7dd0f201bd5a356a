/* delay.c - delay buffers (BrainPy's register/get/update/reset_delay, docs/semantics.md
 * section 6) as a ring of max_delay + 1 rows of num doubles.
 *
 * The rows lie in one aligned block, row r at data[r * num]. `head` is the
 * row of age 0; the row of age k is head - k modulo the row count. A push
 * moves head forward by one (onto the oldest row) and copies the new value
 * there, so it costs one row copy however long the delay is.
 */
#include <stdint.h>
#include <string.h>

#include "adex/delay.h"
#include "internal.h"

struct adex_delay {
  adex_allocator alloc; /* the handle and `data` came from it */
  size_t num;           /* values per row */
  size_t max_delay;     /* largest readable age, steps */
  size_t nrows;         /* max_delay + 1 */
  size_t head;          /* row index of age 0, < nrows */
  size_t data_bytes;    /* size of `data` as allocated */
  double *data;         /* [nrows * num], ADEX_ALIGN-aligned */
};

/* Row index of age `steps` (<= max_delay), without a division. */
static size_t row_index(const adex_delay *d, size_t steps) {
  return d->head >= steps ? d->head - steps : d->head + d->nrows - steps;
}

/* Start of the row of age `steps` (<= max_delay). */
static double *row_at(const adex_delay *d, size_t steps) {
  return d->data + row_index(d, steps) * d->num;
}

/* The error of an age beyond the registered maximum. */
static adex_status steps_error(const adex_delay *d, size_t steps) {
  return adex__fail(ADEX_ERANGE,
                    "delay step %zu exceeds the registered maximum %zu", steps,
                    d->max_delay);
}

/* Check the sizes: num > 0 and (max_delay + 1) * num doubles, plus the
 * allocator's rounding, addressable (objects stay below PTRDIFF_MAX). */
static adex_status check_sizes(size_t num, size_t max_delay) {
  if (num == 0) return adex__fail(ADEX_ESIZE, "delay num must be > 0, got 0");
  const size_t cap = (size_t)PTRDIFF_MAX / sizeof(double) - ADEX_ALIGN;
  if (num > cap || max_delay > cap / num - 1)
    return adex__fail(ADEX_ESIZE,
                      "delay buffer of (max_delay %zu + 1) x num %zu doubles "
                      "is too large",
                      max_delay, num);
  return ADEX_OK;
}

adex_status adex_delay_create(size_t num, size_t max_delay,
                              const double *target, const double *initial,
                              const adex_allocator *alloc, adex_delay **out) {
  if (out == NULL) return adex__fail(ADEX_EINVAL, "out must not be NULL");
  *out = NULL;
  adex_status st = check_sizes(num, max_delay);
  if (st != ADEX_OK) return st;
  if (target == NULL)
    return adex__fail(ADEX_EINVAL, "delay target must not be NULL");

  const adex_allocator *a = alloc != NULL ? alloc : adex_allocator_default();
  adex_delay *d = adex__alloc(a, sizeof *d);
  if (d == NULL)
    return adex__fail(ADEX_ENOMEM, "out of memory allocating a delay");
  memset(d, 0, sizeof *d);
  d->alloc = *a;
  d->num = num;
  d->max_delay = max_delay;
  d->nrows = max_delay + 1;
  d->head = 0;
  d->data_bytes = d->nrows * num * sizeof(double);
  d->data = adex__alloc(&d->alloc, d->data_bytes);
  if (d->data == NULL) {
    size_t bytes = d->data_bytes;
    adex_delay_destroy(d);
    return adex__fail(ADEX_ENOMEM,
                      "out of memory allocating a delay of (%zu + 1) x %zu "
                      "values (%zu bytes)",
                      max_delay, num, bytes);
  }
  /* Row 0 is age 0; rows 1..max_delay are ages max_delay..1. */
  memcpy(d->data, target, num * sizeof(double));
  for (size_t r = 1; r < d->nrows; r++) {
    double *row = d->data + r * num;
    if (initial != NULL) {
      memcpy(row, initial, num * sizeof(double));
    } else {
      for (size_t i = 0; i < num; i++) row[i] = 0.0;
    }
  }
  adex__clear_error();
  *out = d;
  return ADEX_OK;
}

void adex_delay_destroy(adex_delay *d) {
  if (d == NULL) return;
  adex_allocator a = d->alloc;
  adex__free(&a, d->data, d->data_bytes);
  adex__free(&a, d, sizeof *d);
}

size_t adex_delay_num(const adex_delay *d) { return d != NULL ? d->num : 0; }

size_t adex_delay_max(const adex_delay *d) {
  return d != NULL ? d->max_delay : 0;
}

adex_status adex_delay_push(adex_delay *d, const double *value) {
  if (d == NULL) return adex__fail(ADEX_EINVAL, "delay must not be NULL");
  if (value == NULL)
    return adex__fail(ADEX_EINVAL, "pushed value must not be NULL");
  size_t head = d->head + 1 == d->nrows ? 0 : d->head + 1;
  /* memmove: value may be a row of this delay (even the one overwritten). */
  memmove(d->data + head * d->num, value, d->num * sizeof(double));
  d->head = head;
  return ADEX_OK;
}

adex_status adex_delay_get(const adex_delay *d, size_t steps, double *out) {
  if (d == NULL) return adex__fail(ADEX_EINVAL, "delay must not be NULL");
  if (out == NULL) return adex__fail(ADEX_EINVAL, "out must not be NULL");
  if (steps > d->max_delay) return steps_error(d, steps);
  memcpy(out, row_at(d, steps), d->num * sizeof(double));
  return ADEX_OK;
}

adex_status adex_delay_get_indices(const adex_delay *d, size_t steps,
                                   const size_t *indices, size_t n,
                                   double *out) {
  if (d == NULL) return adex__fail(ADEX_EINVAL, "delay must not be NULL");
  if (steps > d->max_delay) return steps_error(d, steps);
  if (n == 0) return ADEX_OK;
  if (indices == NULL || out == NULL)
    return adex__fail(ADEX_EINVAL,
                      "indices and out must not be NULL "
                      "(n = %zu)",
                      n);
  /* Check every index first, so that out is untouched on failure. */
  for (size_t j = 0; j < n; j++)
    if (indices[j] >= d->num)
      return adex__fail(ADEX_ERANGE,
                        "index %zu (indices[%zu]) is out of range for a delay "
                        "of %zu values",
                        indices[j], j, d->num);
  const double *row = row_at(d, steps);
  for (size_t j = 0; j < n; j++) out[j] = row[indices[j]];
  return ADEX_OK;
}

adex_status adex_delay_gather(const adex_delay *d, const size_t *steps,
                              double *out) {
  if (d == NULL) return adex__fail(ADEX_EINVAL, "delay must not be NULL");
  if (steps == NULL || out == NULL)
    return adex__fail(ADEX_EINVAL, "steps and out must not be NULL");
  /* Check every step first, so that out is untouched on failure. */
  for (size_t i = 0; i < d->num; i++)
    if (steps[i] > d->max_delay)
      return adex__fail(ADEX_ERANGE,
                        "delay step %zu of neuron %zu exceeds the registered "
                        "maximum %zu",
                        steps[i], i, d->max_delay);
  const double *data = d->data;
  const size_t num = d->num;
  for (size_t i = 0; i < num; i++)
    out[i] = data[row_index(d, steps[i]) * num + i];
  return ADEX_OK;
}

const double *adex_delay_row(const adex_delay *d, size_t steps) {
  if (d == NULL || steps > d->max_delay) return NULL;
  return row_at(d, steps);
}

adex_status adex_delay_reset(adex_delay *d, const double *target) {
  if (d == NULL) return adex__fail(ADEX_EINVAL, "delay must not be NULL");
  if (target == NULL)
    return adex__fail(ADEX_EINVAL, "delay target must not be NULL");
  /* Target first: it may be a row of this delay, zeroed just after. */
  double *newest = d->data + d->head * d->num;
  memmove(newest, target, d->num * sizeof(double));
  for (size_t r = 0; r < d->nrows; r++) {
    if (r == d->head) continue;
    double *row = d->data + r * d->num;
    for (size_t i = 0; i < d->num; i++) row[i] = 0.0;
  }
  return ADEX_OK;
}

adex_status adex_delay_export(const adex_delay *d, double *out) {
  if (d == NULL) return adex__fail(ADEX_EINVAL, "delay must not be NULL");
  if (out == NULL) return adex__fail(ADEX_EINVAL, "out must not be NULL");
  for (size_t k = 0; k < d->nrows; k++)
    memcpy(out + k * d->num, row_at(d, k), d->num * sizeof(double));
  return ADEX_OK;
}

adex_status adex_delay_import(adex_delay *d, const double *in) {
  if (d == NULL) return adex__fail(ADEX_EINVAL, "delay must not be NULL");
  if (in == NULL) return adex__fail(ADEX_EINVAL, "in must not be NULL");
  d->head = 0;
  for (size_t k = 0; k < d->nrows; k++)
    memcpy(row_at(d, k), in + k * d->num, d->num * sizeof(double));
  return ADEX_OK;
}
