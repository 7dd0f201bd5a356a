/* status.c - status strings (from the X-macro list) and the per-thread
 * detail message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "adex/status.h"
#include "internal.h"

/* Detail of the calling thread's last failure, and its parts. */
static _Thread_local char thread_msg[ADEX__ERRMSG_MAX];
static _Thread_local char thread_key[128];
static _Thread_local char thread_reason[ADEX__ERRMSG_MAX];
static _Thread_local long long thread_index = -1;

const char *adex_status_str(adex_status status) {
  switch (status) {
#define ADEX__STATUS_STR(name, num, msg)                                       \
  case ADEX_##name: return msg;
    ADEX_STATUS_LIST(ADEX__STATUS_STR)
#undef ADEX__STATUS_STR
  }
  return "unknown status";
}

const char *adex_status_name(adex_status status) {
  switch (status) {
#define ADEX__STATUS_NAME(name, num, msg)                                      \
  case ADEX_##name: return "ADEX_" #name;
    ADEX_STATUS_LIST(ADEX__STATUS_NAME)
#undef ADEX__STATUS_NAME
  }
  return "ADEX_UNKNOWN";
}

const char *adex_errmsg(void) { return thread_msg; }
const char *adex_errkey(void) { return thread_key; }
long long adex_errindex(void) { return thread_index; }
const char *adex_errreason(void) {
  return thread_reason[0] != '\0' || thread_key[0] != '\0' ? thread_reason
                                                           : thread_msg;
}

/* Format the detail into the thread's buffer and hand the status back. */
adex_status adex__fail(adex_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(thread_msg, sizeof thread_msg, fmt, ap);
  va_end(ap);
  thread_key[0] = thread_reason[0] = '\0';
  thread_index = -1;
  return status;
}

adex_status adex__fail_at(adex_status status, const char *key, const char *sep,
                          long long index, int neuron_suffix, const char *fmt,
                          ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(thread_reason, sizeof thread_reason, fmt, ap);
  va_end(ap);
  if (key == NULL) key = "";
  snprintf(thread_key, sizeof thread_key, "%s", key);
  thread_index = index;
  char suffix[48] = "";
  if (index >= 0 && neuron_suffix)
    snprintf(suffix, sizeof suffix, " (neuron %lld)", index);
  /* key + sep, then the reason and the suffix, each cut to what fits */
  size_t n = 0;
  const char *parts[4] = {sep != NULL ? key : "", sep != NULL ? sep : "",
                          thread_reason, suffix};
  for (int k = 0; k < 4; k++) {
    size_t len = strlen(parts[k]);
    if (len > sizeof thread_msg - 1 - n) len = sizeof thread_msg - 1 - n;
    memcpy(thread_msg + n, parts[k], len);
    n += len;
  }
  thread_msg[n] = '\0';
  return status;
}

adex_status adex__keep_error(char *buf, size_t size, adex_status status) {
  if (buf != NULL && size > 0) snprintf(buf, size, "%s", thread_msg);
  return status;
}

/* Forget the thread's last message. */
void adex__clear_error(void) {
  thread_msg[0] = thread_key[0] = thread_reason[0] = '\0';
  thread_index = -1;
}
