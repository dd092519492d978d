/* 7f3b9a06d5e2_add_price_to_products.c
 *
 * add price to products
 *
 * Revision ID: 7f3b9a06d5e2
 * Revises: c41d8e2f7a10
 */
#include <vhost/sdk.h>

VHOST_REVISION("7f3b9a06d5e2", "c41d8e2f7a10",
	       "add price to products");
VHOST_DESCRIPTION("Prices in cents, never negative; existing products cost 0 "
		  "until someone sets a price.");
VHOST_VERIFY();

/* vh_execf quotes what it inserts: %I an identifier, %L a literal. */
int upgrade(vh_ctx *ctx)
{
	return vh_execf(ctx, "ALTER TABLE products ADD COLUMN %I integer NOT NULL DEFAULT %d "
			     "CONSTRAINT ck_products_price CHECK (%I >= 0)",
			"price_cents", 0, "price_cents");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE products DROP COLUMN price_cents");
}

/* Runs online only, right after upgrade() in its transaction: returning
 * non-zero rolls the revision back. (`upgrade --sql` skips it: it asks the
 * server a question.) */
int verify(vh_ctx *ctx)
{
	long long n = 0;
	int rc = vh_query_int(ctx, &n,
			      "SELECT count(*) FROM information_schema.columns "
			      "WHERE table_schema = %L AND table_name = 'products' "
			      "AND column_name = 'price_cents'",
			      vh_schema(ctx));

	if (rc < 0)
		return rc;
	return n == 1 ? 0 : vh_error(ctx, "products.price_cents is missing after upgrade");
}
