/* c41d8e2f7a10_create_products.c
 *
 * create products
 *
 * Revision ID: c41d8e2f7a10
 * Revises: <base>
 */
#include <vhost/sdk.h>

VHOST_REVISION("c41d8e2f7a10", NULL,
	       "create products");

/* A plain table; the search_path starts with the target schema, so names
 * need no schema. */
int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE products (\n"
			    "  product_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
			    "  name text NOT NULL UNIQUE\n"
			    ")");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE products");
}
