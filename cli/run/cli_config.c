/* cli/run/cli_config.c - read a JSON config (cJSON) into a cli_sim: the
 * file, its text and the top level; each part of the schema has its file
 * (config_internal.h lists them), the checks of a merged cli_sim are in
 * config_check.c.
 *
 * The walk is strict: every object's keys are checked against the schema
 * (an unknown key is an error that lists the valid ones, a key given twice
 * is an error), every value's type is checked, and every message names the
 * JSON path of the value. Keys starting with '_' and "comment" are ignored
 * everywhere, so that configs can carry notes.
 *
 * cJSON keeps numbers as doubles and strings NUL-terminated, so one scan
 * of the text (scan_text) adds what it loses: the literal of every number,
 * from which integers are read exactly up to 2^64 - 1 (seeds), and the
 * place of any \u0000 escape, which is refused (a string would end there).
 * Repeated keys and names are found by sorting, and populations are looked
 * up by name in a sorted index, so that large configs parse in
 * O(n log n).
 */
#define _POSIX_C_SOURCE 200809L

#include "adex/files.h"
#include "config_internal.h"
#include "rng.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_npy.h"

/* ------------------------------------------------------------ top level */

/* The top-level object. */
static int parse_root(cfg_ctx *c, const cJSON *root) {
  static const char *const keys[] = {
      "duration", "dt",  "start",  "seed",        "populations", "inputs",
      "record",   "out", "spikes", "projections", NULL};
  cli_sim *sim = c->sim;
  const cJSON *it;
  const char *s = NULL;
  if (cfg_check_keys(c, root, "", keys) != 0) return -1;
  if (cfg_opt_number(c, root, "", "duration", &sim->duration) != 0) return -1;
  if (sim->duration < 0)
    return cfg_fail(c, "duration", "must be >= 0 ms, got %g", sim->duration);
  if (cfg_opt_number(c, root, "", "dt", &sim->dt) != 0) return -1;
  if (!(sim->dt > 0))
    return cfg_fail(c, "dt", "must be > 0 ms, got %g", sim->dt);
  if (cfg_opt_number(c, root, "", "start", &sim->start) != 0) return -1;
  if ((it = cfg_member(root, "seed")) != NULL &&
      cfg_u64(c, it, "seed", &sim->seed) != 0)
    return -1;
  if ((it = cfg_require(c, root, "", "populations")) == NULL) return -1;
  if (cfg_parse_pops(c, it) != 0) return -1;
  if ((it = cfg_member(root, "projections")) != NULL &&
      cfg_parse_projs(c, it) != 0)
    return -1;
  if ((it = cfg_member(root, "inputs")) != NULL && cfg_parse_inputs(c, it) != 0)
    return -1;
  if ((it = cfg_member(root, "record")) != NULL && cfg_parse_record(c, it) != 0)
    return -1;
  if ((it = cfg_member(root, "out")) != NULL && !cJSON_IsNull(it)) {
    if (cfg_string(c, it, "out", &s) != 0) return -1;
    if ((sim->out = cli_strdup(s)) == NULL)
      return cfg_fail(c, "out", "out of memory");
    sim->out_src = CLI_SRC_CONFIG;
  }
  if ((it = cfg_member(root, "spikes")) != NULL) {
    if (!cJSON_IsBool(it))
      return cfg_fail(c, "spikes", "must be true or false, got %s",
                      cfg_type_name(it));
    sim->spikes = cJSON_IsTrue(it) ? 1 : 0;
  }
  return 0;
}

/* ------------------------------------------------------------ the text */

/* Line and column (1-based) of offset off of text. */
static void line_col(const char *text, size_t off, size_t *line, size_t *col) {
  size_t i;
  *line = 1;
  *col = 1;
  for (i = 0; i < off; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

/* Scan a JSON text that cJSON accepted: the offsets of its number
 * literals, in order, into *offs (*n of them, malloc'ed), and the offset
 * of the first \u0000 escape inside a string into *nul (SIZE_MAX if
 * none). Returns -1 when out of memory. */
static int scan_text(const char *text, size_t len, size_t **offs, size_t *n,
                     size_t *nul) {
  size_t i = 0, k = 0, cap = 0, *o = NULL;
  *nul = SIZE_MAX;
  while (i < len) {
    char ch = text[i];
    if (ch == '"') {
      for (i++; i < len && text[i] != '"'; i++) {
        if (text[i] != '\\') continue;
        if (*nul == SIZE_MAX && i + 5 < len && text[i + 1] == 'u' &&
            strncmp(text + i + 2, "0000", 4) == 0)
          *nul = i;
        i++; /* the escaped character */
      }
      i++;
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
      if (k == cap) {
        size_t *grown;
        cap = cap == 0 ? 64 : 2 * cap;
        if ((grown = realloc(o, cap * sizeof *o)) == NULL) {
          free(o);
          return -1;
        }
        o = grown;
      }
      o[k++] = i;
      while (i < len && cfg_in_number(text[i])) i++;
    } else {
      i++;
    }
  }
  *offs = o;
  *n = k;
  return 0;
}

/* Append the number items under item (its siblings after it included),
 * in document order, to out (room for cap; *k counts them all). */
static void collect_numbers(const cJSON *item, num_lit *out, size_t cap,
                            size_t *k) {
  for (; item != NULL; item = item->next) {
    if (cJSON_IsNumber(item)) {
      if (*k < cap) out[*k].item = item;
      (*k)++;
    }
    if (item->child != NULL) collect_numbers(item->child, out, cap, k);
  }
}

/* Check the parsed text for what cJSON cannot tell (a \u0000 escape) and
 * pair every number item with its literal (c->nums). Returns 0, or -1
 * after saying what is wrong. */
static int match_text(cfg_ctx *c, const cJSON *root, size_t len) {
  size_t *offs = NULL, n = 0, nul = SIZE_MAX, k = 0, i;
  if (scan_text(c->text, len, &offs, &n, &nul) != 0)
    return cfg_fail(c, NULL, "out of memory");
  if (nul != SIZE_MAX) {
    size_t line, col;
    free(offs);
    line_col(c->text, nul, &line, &col);
    return cfg_fail(c, NULL,
                    "line %zu, column %zu: a string holds \\u0000 "
                    "(a NUL character), which no name, path or value may "
                    "contain",
                    line, col);
  }
  if (n > 0 && (c->nums = malloc(n * sizeof *c->nums)) == NULL) {
    free(offs);
    return cfg_fail(c, NULL, "out of memory");
  }
  collect_numbers(root, c->nums, n, &k);
  if (k == n && n > 0) {
    for (i = 0; i < n; i++) c->nums[i].off = offs[i];
    qsort(c->nums, n, sizeof *c->nums, cfg_cmp_num_lit);
    c->nnums = n;
  }
  free(offs);
  return 0;
}

/* Read a whole file into a NUL-terminated buffer. */
static char *read_file(const char *path, size_t *len, int *err) {
  FILE *fp = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  *err = 0;
  if (fp == NULL) {
    *err = errno != 0 ? errno : EIO;
    return NULL;
  }
  for (;;) {
    size_t got;
    if (n + 1 >= cap) {
      char *grown;
      if (cap >= MAX_CONFIG_BYTES) {
        *err = EFBIG;
        break;
      }
      cap = cap == 0 ? 4096 : cap * 2;
      grown = realloc(buf, cap);
      if (grown == NULL) {
        *err = ENOMEM;
        break;
      }
      buf = grown;
    }
    got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0) {
      if (ferror(fp)) *err = errno != 0 ? errno : EIO;
      break;
    }
  }
  fclose(fp);
  if (*err != 0) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* How many brackets are open at offset off of text (strings skipped). */
static size_t depth_at(const char *text, size_t off) {
  size_t i, depth = 0;
  for (i = 0; i < off; i++) {
    if (text[i] == '"') {
      for (i++; i < off && text[i] != '"'; i++) {
        if (text[i] == '\\') i++;
      }
    } else if (text[i] == '[' || text[i] == '{') {
      depth++;
    } else if ((text[i] == ']' || text[i] == '}') && depth > 0) {
      depth--;
    }
  }
  return depth;
}

/* Report a parse error at pos: line and column (1-based), and the text
 * of that line up to a little after pos. A bracket opened at cJSON's
 * nesting limit is said to be one. */
static int syntax_error(const cfg_ctx *c, const char *text, size_t len,
                        const char *pos) {
  size_t line = 1, col = 1, i, off, begin = 0, end;
  char snippet[72];
  size_t k = 0;
  if (pos == NULL || pos < text || pos > text + len) pos = text + len;
  off = (size_t)(pos - text);
  for (i = 0; i < off; i++) {
    if (text[i] == '\n') {
      line++;
      col = 1;
      begin = i + 1;
    } else {
      col++;
    }
  }
  if (off - begin > 50) begin = off - 50;
  for (end = off; end < len && text[end] != '\n' && end < off + 10; end++) {
  }
  for (i = begin; i < end && k + 1 < sizeof snippet; i++) {
    if (k == 0 && (text[i] == ' ' || text[i] == '\t')) continue;
    snippet[k++] = (text[i] >= 32 && text[i] < 127) ? text[i] : '?';
  }
  snippet[k] = '\0';
  if (off < len && (text[off] == '[' || text[off] == '{') &&
      depth_at(text, off) >= CJSON_NESTING_LIMIT)
    return cfg_fail(c, NULL,
                    "line %zu, column %zu: lists and objects are "
                    "nested more than %d deep, the most the JSON parser "
                    "takes",
                    line, col, CJSON_NESTING_LIMIT);
  if (off >= len)
    return cfg_fail(c, NULL,
                    "line %zu, column %zu: malformed JSON: the "
                    "file ends too early (an unclosed bracket or string?)",
                    line, col);
  return cfg_fail(c, NULL,
                  "line %zu, column %zu: malformed JSON at "
                  "'%s'",
                  line, col, snippet);
}

/* Whether text is only white space. */
static int blank(const char *text, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    if (strchr(" \t\r\n", text[i]) == NULL) return 0;
  }
  return 1;
}

int cli_config_load(const char *path, cli_sim *sim) {
  cfg_ctx c;
  size_t len = 0;
  int err = 0, rc;
  const char *end = NULL;
  cJSON *root;
  char *text = read_file(path, &len, &err);
  memset(&c, 0, sizeof c);
  c.file = path;
  c.sim = sim;
  c.text = text;
  if (text == NULL)
    return cli_error("cannot read config '%s': %s", path, strerror(err));
  if (strlen(text) != len) {
    free(text);
    cfg_fail(&c, NULL, "contains a NUL byte; not a JSON text file");
    return CLI_EXIT_USAGE;
  }
  if (blank(text, len)) {
    free(text);
    cfg_fail(&c, NULL, "is empty (expected a JSON object)");
    return CLI_EXIT_USAGE;
  }
  root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
  if (root == NULL) {
    syntax_error(&c, text, len, end != NULL ? end : cJSON_GetErrorPtr());
    free(text);
    return CLI_EXIT_USAGE;
  }
  sim->config_path = cli_strdup(path);
  sim->config_text = text;
  if (sim->config_path == NULL) {
    cJSON_Delete(root);
    return cli_error("out of memory");
  }
  rc = match_text(&c, root, len);
  if (rc == 0) rc = parse_root(&c, root);
  cJSON_Delete(root);
  free(c.nums);
  free(c.pops);
  return rc == 0 ? 0 : CLI_EXIT_USAGE;
}
