/* cli/run/config_internal.h - what the files of the config parser share
 * (cli_config.c reads the file; config_json.c: the strict getters and
 * messages with JSON paths; config_pops.c, config_inputs.c,
 * config_projs.c, config_record.c: one part of the schema each, docs/cli.md;
 * config_check.c: the checks of a merged description). */
#ifndef ADEX_CLI_CONFIG_INTERNAL_H
#define ADEX_CLI_CONFIG_INTERNAL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_config.h"

#define MAX_CONFIG_BYTES (1u << 30)      /* 1 GiB: more is surely a mistake */
#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */
#define PATH_LEN 160

/* A string and its position, for finding repeats by sorting. */
typedef struct keyed {
  const char *s;
  size_t i;
} keyed;

/* A number of the config and the offset of its literal in the text. */
typedef struct num_lit {
  const cJSON *item;
  size_t off;
} num_lit;

/* The file being read, for messages, and what scan_text found. */
typedef struct cfg_ctx {
  const char *file;
  cli_sim *sim;
  const char *text; /* the config's text */
  num_lit *nums;    /* every number item, sorted by item address */
  size_t nnums;
  keyed *pops; /* named populations, sorted by name */
  size_t npops;
} cfg_ctx;

int cfg_cmp_num_lit(const void *pa, const void *pb);
int cfg_bool(const cfg_ctx *c, const cJSON *item, const char *path, int *out);
int cfg_check_keys(const cfg_ctx *c, const cJSON *obj, const char *path,
                   const char *const *allowed);
int cfg_fail(const cfg_ctx *c, const char *path, const char *fmt, ...)
    CLI_PRINTF(3, 4);
long cfg_find_pop(const cfg_ctx *c, const char *name);
int cfg_first_repeat(const cfg_ctx *c, const cJSON *obj, const char *path,
                     const cJSON **out);
int cfg_first_repeat_of(keyed *k, size_t n, size_t *pos, size_t *orig);
int cfg_in_number(char ch);
int cfg_is_note(const char *key);
void cfg_join_index(char *out, const char *path, size_t i);
void cfg_join_key(char *out, const char *path, const char *key);
const cJSON *cfg_member(const cJSON *obj, const char *key);
int cfg_number(const cfg_ctx *c, const cJSON *item, const char *path,
               double *out);
int cfg_opt_number(const cfg_ctx *c, const cJSON *obj, const char *path,
                   const char *key, double *out);
int cfg_parse_inputs(const cfg_ctx *c, const cJSON *arr);
int cfg_parse_pops(cfg_ctx *c, const cJSON *arr);
int cfg_parse_projs(const cfg_ctx *c, const cJSON *arr);
int cfg_parse_record(const cfg_ctx *c, const cJSON *item);
const char *cfg_pop_names(const cli_sim *sim, char *buf, size_t len);
char *cfg_relative(const cfg_ctx *c, const char *s);
int cfg_req_number(const cfg_ctx *c, const cJSON *obj, const char *path,
                   const char *key, double *out);
const cJSON *cfg_require(const cfg_ctx *c, const cJSON *obj, const char *path,
                         const char *key);
int cfg_string(const cfg_ctx *c, const cJSON *item, const char *path,
               const char **out);
const char *cfg_type_name(const cJSON *item);
int cfg_u64(const cfg_ctx *c, const cJSON *item, const char *path,
            uint64_t *out);
int cfg_vec(const cfg_ctx *c, const cJSON *item, const char *path,
            cli_vec *out);

#endif /* ADEX_CLI_CONFIG_INTERNAL_H */
