/* vh_format.c - building SQL text: the format() engine behind vh_execf,
 * vh_format and vh_query_*. */
#include "vh_format_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_buf.h"
#include "vh_ctx_int.h"

/* ---------------------------------------------------------------------
 * The format engine
 * --------------------------------------------------------------------- */

/* Appends a quoted string from vh_quote_*; NULL from them means out of
 * memory, which is recorded in the buffer like any other failed append. */
static void vh__put_owned(vh_buf *buf, char *s)
{
	if (!s) {
		buf->oom = 1;
		return;
	}
	vh_buf__puts(buf, s);
	free(s);
}

/* See vh_format_int.h. The whole format is checked while building, and
 * nothing is handed out unless all of it was understood: a revision with a
 * typo in a conversion must fail before any SQL runs, not run half a
 * statement. Conversions take no flags, width or precision, since in SQL
 * text they would only hide mistakes. */
int vh_format__v(vh_ctx *ctx, const char *fn, char **out, const char *fmt,
		 va_list ap)
{
	vh_buf buf = VH_BUF_INIT;
	const char *p, *conv;
	int error = 0;
	char num[32];

	if (!out)
		return vh_ctx__fail(ctx, VH_EINVAL, NULL, NULL,
				    "%s: NULL output pointer", fn);
	*out = NULL;
	if (!fmt)
		return vh_ctx__fail(ctx, VH_EINVAL, NULL, NULL,
				    "%s: NULL format", fn);

	for (p = fmt; *p; p++) {
		const char *arg;

		if (*p != '%') {
			/* Copy the run of plain text up to the next '%'. */
			const char *next = strchr(p, '%');
			size_t n = next ? (size_t)(next - p) : strlen(p);

			vh_buf__put(&buf, p, n);
			p += n - 1;
			continue;
		}
		conv = p++;
		switch (*p) {
		case '%':
			vh_buf__putc(&buf, '%');
			break;
		case 'I':
			arg = va_arg(ap, const char *);
			if (!arg || !*arg) {
				error = vh_ctx__fail(ctx, VH_EINVAL, NULL, fmt,
						     "%s: %s identifier for %%I", fn,
						     arg ? "empty" : "NULL");
				goto done;
			}
			vh__put_owned(&buf, vh_quote_ident(arg));
			break;
		case 'L':
			arg = va_arg(ap, const char *);
			if (arg)
				vh__put_owned(&buf, vh_quote_literal(arg));
			else
				vh_buf__puts(&buf, "NULL");
			break;
		case 's':
			arg = va_arg(ap, const char *);
			if (!arg) {
				error = vh_ctx__fail(ctx, VH_EINVAL, NULL, fmt,
						     "%s: NULL string for %%s", fn);
				goto done;
			}
			vh_buf__puts(&buf, arg);
			break;
		case 'd':
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			vh_buf__puts(&buf, num);
			break;
		case 'l':
			if (p[1] == 'd') {
				p++;
				snprintf(num, sizeof(num), "%ld", va_arg(ap, long));
				vh_buf__puts(&buf, num);
				break;
			}
			if (p[1] == 'l' && p[2] == 'd') {
				p += 2;
				snprintf(num, sizeof(num), "%lld",
					 va_arg(ap, long long));
				vh_buf__puts(&buf, num);
				break;
			}
			/* Name what was written, "%l" plus the next char. */
			error = vh_ctx__fail(ctx, VH_EINVAL, NULL, fmt,
					     "%s: unsupported conversion '%.*s' in format",
					     fn, p[1] ? 3 : 2, conv);
			goto done;
		case '\0':
			error = vh_ctx__fail(ctx, VH_EINVAL, NULL, fmt,
					     "%s: format ends with a lone '%%'", fn);
			goto done;
		default: {
			/* Quote a whole UTF-8 character, not half of one. */
			int len = 2;

			while (len < 5 && ((unsigned char)conv[len] & 0xC0) == 0x80)
				len++;
			error = vh_ctx__fail(ctx, VH_EINVAL, NULL, fmt,
					     "%s: unsupported conversion '%.*s' in format",
					     fn, len, conv);
			goto done;
		}
		}
	}

	if (buf.oom) {
		error = vh_ctx__fail(ctx, VH_ENOMEM, NULL, NULL,
				     "%s: out of memory", fn);
		goto done;
	}
	if (!(*out = vh_buf__detach(&buf)))
		error = vh_ctx__fail(ctx, VH_ENOMEM, NULL, NULL,
				     "%s: out of memory", fn);
done:
	vh_buf__dispose(&buf);
	return error;
}

/* Builds the text without running it; see sdk.h. *out is the caller's, to
 * release with vh_free(); NULL on failure. */
int vh_format(vh_ctx *ctx, char **out, const char *fmt, ...)
{
	va_list ap;
	int error;

	if (!ctx) {
		if (out)
			*out = NULL;
		return VH_EINVAL;
	}
	va_start(ap, fmt);
	error = vh_format__v(ctx, "vh_format", out, fmt, ap);
	va_end(ap);
	return error;
}
