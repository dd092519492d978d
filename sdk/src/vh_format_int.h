/* vh_format_int.h - the format engine (vh_format.c), shared with vh_exec.c. */
#ifndef VH_FORMAT_INT_H
#define VH_FORMAT_INT_H

#include <stdarg.h>

#include "vh_buf.h"
#include "vh_sdk_host.h"

/* The format engine behind vh_execf, vh_format and vh_query_*. `fn` names
 * the public function in error messages. On success *out is a new string
 * the caller frees; on failure *out is NULL, the error is set on ctx and
 * the code is VH_EINVAL or VH_ENOMEM. `ap` is consumed. */
VH__HIDDEN int vh_format__v(vh_ctx *ctx, const char *fn, char **out,
			    const char *fmt, va_list ap);

#endif /* VH_FORMAT_INT_H */
