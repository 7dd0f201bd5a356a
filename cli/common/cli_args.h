/* cli/common/cli_args.h - parsing helpers for the adex command line.
 *
 * Strict conversions of command-line strings: numbers must be finite and
 * consume the whole string, counts must be plain decimal digits without
 * overflow. Each helper returns 0 on success and -1 on failure, leaving its
 * output untouched on failure; the caller names the flag in the message.
 */
#ifndef ADEX_CLI_ARGS_H
#define ADEX_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "adex/init.h"

#if defined(__GNUC__) || defined(__clang__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Prefix of every error message: "adex run", "adex patterns", ... */
extern const char *cli_prog;

/* Print "<cli_prog>: <message>" as one line on stderr; returns
 * CLI_EXIT_USAGE (2) so that callers can `return cli_error(...)`. */
int cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);

/* The text of the last cli_error message (empty if none). */
const char *cli_last_error(void);

/* A value for every neuron (lo only) or a linear ramp lo..hi over them. */
typedef struct cli_range {
  double lo;    /* the value, or the value of neuron 0 */
  double hi;    /* the value of neuron N-1 (is_range only) */
  int is_range; /* 1 if given as LO:HI, 0 for a single number */
} cli_range;

/* Parse a finite decimal (or hex) floating-point number, nothing else. */
int cli_parse_double(const char *s, double *out);

/* Parse an unsigned 64-bit decimal integer (digits only, no sign). */
int cli_parse_u64(const char *s, uint64_t *out);

/* Parse a count that fits size_t (digits only, no sign). */
int cli_parse_size(const char *s, size_t *out);

/* Parse "X" or "LO:HI" (both finite numbers). */
int cli_parse_range(const char *s, cli_range *out);

/* Value of neuron i of n under r: LO + (HI-LO)*i/(n-1), or LO when n == 1. */
double cli_range_at(const cli_range *r, size_t i, size_t n);

/* Parse an initializer: "X", "zero", "uniform:LO:HI" or "normal:MEAN:SD".
 * The seed of random kinds is left 0 for the caller to set. */
int cli_parse_init(const char *s, adex_init *out);

/* Parse "all" (sets *all = 1) or a comma-separated list of indices, each
 * < n, into a new array *idx of *count entries (free() it). On failure
 * writes a message into err. */
int cli_parse_index_list(const char *s, size_t n, int *all, size_t **idx,
                         size_t *count, char *err, size_t errlen);

#endif /* ADEX_CLI_ARGS_H */
