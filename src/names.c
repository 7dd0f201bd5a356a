/* names.c - unique object names: validation, automatic names per class,
 * and the registry of live names (thread-safe). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "names.h"

#define MAX_CLASSES 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static adex__named *live;   /* registry of live names */
static struct {
  const char *cls;          /* a static string: the class name */
  unsigned long next;       /* next counter to try */
} counters[MAX_CLASSES];

size_t adex_dtype_size(adex_dtype dtype) {
  switch (dtype) {
  case ADEX_DTYPE_F64:
    return sizeof(double);
  case ADEX_DTYPE_BOOL:
    return sizeof(bool);
  case ADEX_DTYPE_F32:
    return sizeof(float);
  }
  return 0;
}

const char *adex_dtype_name(adex_dtype dtype) {
  switch (dtype) {
  case ADEX_DTYPE_F64:
    return "float64";
  case ADEX_DTYPE_BOOL:
    return "bool";
  case ADEX_DTYPE_F32:
    return "float32";
  }
  return "invalid";
}

bool adex_name_is_valid(const char *s) {
  if (s == NULL || s[0] == '\0' || strlen(s) >= ADEX_NAME_MAX) return false;
  if (!(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
        (s[0] >= 'a' && s[0] <= 'z')))
    return false;
  for (const char *c = s + 1; *c; c++)
    if (!(*c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
          (*c >= '0' && *c <= '9')))
      return false;
  return true;
}

/* Whether a name is live; the caller holds the lock. */
static bool in_use_locked(const char *s) {
  for (const adex__named *r = live; r != NULL; r = r->next)
    if (strcmp(r->name, s) == 0) return true;
  return false;
}

bool adex_name_in_use(const char *s) {
  if (s == NULL) return false;
  pthread_mutex_lock(&lock);
  bool used = in_use_locked(s);
  pthread_mutex_unlock(&lock);
  return used;
}

/* The counter slot of a class; the caller holds the lock. */
static unsigned long *counter_of(const char *cls) {
  for (int i = 0; i < MAX_CLASSES; i++) {
    if (counters[i].cls == NULL) counters[i].cls = cls;
    if (strcmp(counters[i].cls, cls) == 0) return &counters[i].next;
  }
  return &counters[MAX_CLASSES - 1].next; /* shared overflow slot */
}

adex_status adex__name_claim(adex__named *rec, const char *cls,
                             const char *user) {
  rec->linked = false;
  if (user != NULL && !adex_name_is_valid(user))
    return adex__fail(ADEX_EINVAL,
                      "name '%.80s' is not a valid identifier (letters, "
                      "digits and '_', not starting with a digit, at most "
                      "%d characters)", user, ADEX_NAME_MAX - 1);
  pthread_mutex_lock(&lock);
  if (user != NULL) {
    if (in_use_locked(user)) {
      pthread_mutex_unlock(&lock);
      return adex__fail(ADEX_EINVAL, "name '%s' is already used by another "
                                     "object", user);
    }
    snprintf(rec->name, sizeof rec->name, "%s", user);
  } else {
    unsigned long *next = counter_of(cls);
    do snprintf(rec->name, sizeof rec->name, "%s%lu", cls, (*next)++);
    while (in_use_locked(rec->name));
  }
  rec->next = live;
  live = rec;
  rec->linked = true;
  pthread_mutex_unlock(&lock);
  return ADEX_OK;
}

void adex__name_release(adex__named *rec) {
  if (!rec->linked) return;
  pthread_mutex_lock(&lock);
  for (adex__named **p = &live; *p != NULL; p = &(*p)->next) {
    if (*p == rec) {
      *p = rec->next;
      break;
    }
  }
  rec->linked = false;
  pthread_mutex_unlock(&lock);
}
