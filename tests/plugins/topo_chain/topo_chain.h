/* topo_chain.h - shared body of the topo_chain fixture (tests/plugins/
 * topo_chain/, used by tests/sh/test_topo_pooler.sh): a synthetic chain of 50
 * small revisions, the 25th non-transactional, to race many runs through a
 * transaction pooler. Revision k creates table topo_t<k>; the 25th builds
 * an index CONCURRENTLY on topo_t24, its names qualified with the target
 * schema, since through a transaction pooler no session search_path can
 * reach a statement run outside a transaction (docs/topologies.md). */
#ifndef TOPO_CHAIN_H
#define TOPO_CHAIN_H

#include <vhost/sdk.h>

#define TOPO_BODY(k)                                                              \
	int upgrade(vh_ctx *ctx)                                                  \
	{                                                                         \
		return vh_exec(ctx, "CREATE TABLE topo_t" #k " (id int PRIMARY KEY, v text)"); \
	}                                                                         \
	int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "DROP TABLE topo_t" #k); }

#define TOPO_NONTX_BODY()                                                         \
	int upgrade(vh_ctx *ctx)                                                  \
	{                                                                         \
		return vh_execf(ctx, "CREATE INDEX CONCURRENTLY IF NOT EXISTS topo_ix ON %I.topo_t24 (v)", \
				vh_schema(ctx));                                  \
	}                                                                         \
	int downgrade(vh_ctx *ctx)                                                \
	{                                                                         \
		return vh_execf(ctx, "DROP INDEX CONCURRENTLY IF EXISTS %I.topo_ix", vh_schema(ctx)); \
	}

#endif
