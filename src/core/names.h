/* names.h - the registry of live object names (internal).
 *
 * An intrusive search tree of adex__named records (embedded in the
 * objects, so the registry never allocates; O(log n) per claim, lookup and
 * release), guarded by one mutex, plus one counter per class for automatic
 * names.
 */
#ifndef ADEX_NAMES_INTERNAL_H
#define ADEX_NAMES_INTERNAL_H

#include <stdint.h>

#include "adex/names.h"

/* The name record an object embeds. */
typedef struct adex__named {
  char name[ADEX_NAME_MAX];
  struct adex__named *left, *right; /* registry tree links; names.c's */
  uint32_t prio;                    /* the tree's heap priority; names.c's */
  bool linked;                      /* in the registry */
} adex__named;

/* Give `rec` the user's name (valid and unused, else ADEX_EINVAL with a
 * message) or, if user is NULL, the next free automatic name of `cls`. */
adex_status adex__name_claim(adex__named *rec, const char *cls,
                             const char *user);

/* Remove rec from the registry (no-op if it was never claimed). */
void adex__name_release(adex__named *rec);

#endif /* ADEX_NAMES_INTERNAL_H */
