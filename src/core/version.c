/* version.c - the version of the linked library. */
#include "adex/version.h"

const char *adex_version(void) { return ADEX_VERSION_STRING; }
