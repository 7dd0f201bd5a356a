/* names.c - unique object names: validation, automatic names per class,
 * and the registry of live names (thread-safe).
 *
 * The registry is a treap (a binary search tree on the names that is also
 * a heap on a priority hashed from the name), linked through the records
 * themselves: claiming, finding and releasing a name take O(log n)
 * expected time without allocating, so creating and destroying n objects
 * in any order costs O(n log n). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "names.h"

#define MAX_CLASSES 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static adex__named *live; /* root of the registry of live names */
static struct {
  const char *cls;    /* a static string: the class name */
  unsigned long next; /* next counter to try */
} counters[MAX_CLASSES];

size_t adex_dtype_size(adex_dtype dtype) {
  switch (dtype) {
  case ADEX_DTYPE_F64: return sizeof(double);
  case ADEX_DTYPE_BOOL: return sizeof(bool);
  case ADEX_DTYPE_F32: return sizeof(float);
  }
  return 0;
}

const char *adex_dtype_name(adex_dtype dtype) {
  switch (dtype) {
  case ADEX_DTYPE_F64: return "float64";
  case ADEX_DTYPE_BOOL: return "bool";
  case ADEX_DTYPE_F32: return "float32";
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

/* The treap's priority of a name: FNV-1a, then a 32-bit mixer, so that
 * names with a common prefix and a counter get unrelated priorities. */
static uint32_t name_prio(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s != '\0'; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  return h ^ (h >> 16);
}

/* Whether a name is live; the caller holds the lock. */
static bool in_use_locked(const char *s) {
  const adex__named *r = live;
  while (r != NULL) {
    int c = strcmp(s, r->name);
    if (c == 0) return true;
    r = c < 0 ? r->left : r->right;
  }
  return false;
}

/* Insert rec (whose name is not in the tree t) into t; returns the new
 * root. Rotations keep the larger priority above. */
static adex__named *tree_insert(adex__named *t, adex__named *rec) {
  if (t == NULL) return rec;
  if (strcmp(rec->name, t->name) < 0) {
    adex__named *l = t->left = tree_insert(t->left, rec);
    if (l->prio > t->prio) {
      t->left = l->right;
      l->right = t;
      return l;
    }
  } else {
    adex__named *r = t->right = tree_insert(t->right, rec);
    if (r->prio > t->prio) {
      t->right = r->left;
      r->left = t;
      return r;
    }
  }
  return t;
}

/* Join two trees, every name of a before every name of b. */
static adex__named *tree_join(adex__named *a, adex__named *b) {
  if (a == NULL) return b;
  if (b == NULL) return a;
  if (a->prio > b->prio) {
    a->right = tree_join(a->right, b);
    return a;
  }
  b->left = tree_join(a, b->left);
  return b;
}

/* Remove rec from the tree t; returns the new root. */
static adex__named *tree_remove(adex__named *t, const adex__named *rec) {
  int c;
  if (t == NULL) return NULL;
  if (t == rec) return tree_join(t->left, t->right);
  c = strcmp(rec->name, t->name);
  if (c < 0)
    t->left = tree_remove(t->left, rec);
  else
    t->right = tree_remove(t->right, rec);
  return t;
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
                      "%d characters)",
                      user, ADEX_NAME_MAX - 1);
  pthread_mutex_lock(&lock);
  if (user != NULL) {
    if (in_use_locked(user)) {
      pthread_mutex_unlock(&lock);
      return adex__fail(ADEX_EINVAL,
                        "name '%s' is already used by another "
                        "object",
                        user);
    }
    snprintf(rec->name, sizeof rec->name, "%s", user);
  } else {
    unsigned long *next = counter_of(cls);
    do snprintf(rec->name, sizeof rec->name, "%s%lu", cls, (*next)++);
    while (in_use_locked(rec->name));
  }
  rec->left = rec->right = NULL;
  rec->prio = name_prio(rec->name);
  live = tree_insert(live, rec);
  rec->linked = true;
  pthread_mutex_unlock(&lock);
  return ADEX_OK;
}

void adex__name_release(adex__named *rec) {
  if (!rec->linked) return;
  pthread_mutex_lock(&lock);
  live = tree_remove(live, rec);
  rec->linked = false;
  pthread_mutex_unlock(&lock);
}
