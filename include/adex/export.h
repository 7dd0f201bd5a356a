/* adex/export.h - symbol visibility of the public API.
 *
 * The library is built with hidden visibility; only ADEX_API symbols are
 * exported from the shared object. Internal helpers (adex__*) stay private.
 */
#ifndef ADEX_EXPORT_H
#define ADEX_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define ADEX_API __attribute__((visibility("default")))
#else
#define ADEX_API
#endif

#endif /* ADEX_EXPORT_H */
