/* vh_error.c - the host's last-error slot. One process, one thread: a static
 * buffer is enough and never needs freeing. */
#include "vh_error.h"

#include <stdarg.h>
#include <stdio.h>

static char vh__last[2048];
static int vh__code;

int vh_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	char tmp[sizeof(vh__last)];

	/* Format into a temporary first: callers may pass vh_error_last() as an
	 * argument to wrap the previous message. */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	snprintf(vh__last, sizeof(vh__last), "%s", tmp);
	vh__code = code;
	return code;
}

const char *vh_error_last(void)
{
	return vh__last;
}

int vh_error_code(void)
{
	return vh__code;
}

void vh_error_clear(void)
{
	vh__last[0] = '\0';
	vh__code = VH_ERR_OK;
}

int vh_error_exit_status(int code)
{
	if (code == VH_ERR_OK)
		return 0;
	return code == VH_ERR_USAGE ? 2 : 1;
}
