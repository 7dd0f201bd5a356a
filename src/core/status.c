/* status.c - status strings (from the X-macro list) and the per-thread
 * detail message. */
#include <stdarg.h>
#include <stdio.h>

#include "adex/status.h"
#include "internal.h"

/* Detail of the calling thread's last failure. */
static _Thread_local char thread_msg[ADEX__ERRMSG_MAX];

const char *adex_status_str(adex_status status) {
  switch (status) {
#define ADEX__STATUS_STR(name, num, msg) \
  case ADEX_##name:                      \
    return msg;
    ADEX_STATUS_LIST(ADEX__STATUS_STR)
#undef ADEX__STATUS_STR
  }
  return "unknown status";
}

const char *adex_status_name(adex_status status) {
  switch (status) {
#define ADEX__STATUS_NAME(name, num, msg) \
  case ADEX_##name:                       \
    return "ADEX_" #name;
    ADEX_STATUS_LIST(ADEX__STATUS_NAME)
#undef ADEX__STATUS_NAME
  }
  return "ADEX_UNKNOWN";
}

const char *adex_errmsg(void) { return thread_msg; }

/* Format the detail into the thread's buffer and hand the status back. */
adex_status adex__fail(adex_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(thread_msg, sizeof thread_msg, fmt, ap);
  va_end(ap);
  return status;
}

/* Forget the thread's last message. */
void adex__clear_error(void) { thread_msg[0] = '\0'; }
