/* adex/names.h - object names and variable tables (BrainPy's naming,
 * vars(), nodes()).
 *
 * Every object (a population, its integrator) has a name: the user's, which
 * must be a valid identifier unique among live objects, or an automatic one,
 * the class name plus a per-class counter ("AdExIF0", "AdExIF1", ...).
 * Names are released when the object is destroyed. Creating and destroying
 * objects from several threads is safe.
 *
 * A variable is described by an adex_var: its name relative to its object
 * ("V"), dtype, shape and a pointer to the data the object owns (or, for a
 * registered extra variable, the caller owns).
 */
#ifndef ADEX_NAMES_H
#define ADEX_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "adex/export.h"
#include "adex/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest name, terminator included. */
#define ADEX_NAME_MAX 64

/* Element types of variables. */
typedef enum adex_dtype {
  ADEX_DTYPE_F64,  /* double */
  ADEX_DTYPE_BOOL, /* bool, one byte */
  ADEX_DTYPE_F32   /* float */
} adex_dtype;

/* Size in bytes of one element of a dtype (0 for an invalid one). */
ADEX_API size_t adex_dtype_size(adex_dtype dtype);

/* numpy-style name of a dtype: "float64", "bool", "float32". */
ADEX_API const char *adex_dtype_name(adex_dtype dtype);

/* One variable of an object. */
typedef struct adex_var {
  const char *name; /* relative name, e.g. "V"; owned by the object */
  adex_dtype dtype; /* element type */
  size_t ndim;      /* number of dimensions of shape */
  size_t shape[4];  /* extents (the object's reported shape) */
  void *data;       /* contiguous, C order; owned by the object or caller */
} adex_var;

/* Whether s is a valid name: [A-Za-z_][A-Za-z0-9_]*, shorter than
 * ADEX_NAME_MAX. */
ADEX_API bool adex_name_is_valid(const char *s);

/* Whether a live object currently holds this name. */
ADEX_API bool adex_name_in_use(const char *s);

#ifdef __cplusplus
}
#endif
#endif /* ADEX_NAMES_H */
