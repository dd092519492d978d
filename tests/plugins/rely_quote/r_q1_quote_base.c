/* r_q1_quote_base.c - base of the rely_quote fixture chain
 * (tests/sh/test_security.sh). Its id, r'q;1, holds a quote and a
 * semicolon: both are legal in a revision id, so every statement the host
 * builds with an id must quote it as a literal. */
#include <vhost/sdk.h>

VHOST_REVISION("r'q;1", NULL, "quote's base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rely_q (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rely_q");
}
