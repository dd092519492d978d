/* vh_autogen_ext.h - the target schema's extensions while the model loads
 * (vh_autogen_ext.c says why and how): moved into the scratch schema
 * before, the model's "already exists" notices collected, and the
 * extensions the model does not declare moved back after. Private to
 * host/schema. */
#ifndef VH_AUTOGEN_EXT_H
#define VH_AUTOGEN_EXT_H

#include <stddef.h>

#include <libpq-fe.h>

typedef struct vh_autogen_ext {
	char **moved; /* quoted names moved into the scratch schema */
	size_t nmoved;
	char **named; /* names the model's notices gave */
	size_t nnamed;
	char **schemas; /* schemas its CREATE SCHEMA IF NOT EXISTS found */
	size_t nschemas;
	int oom;
} vh_autogen_ext;

/* In the open transaction: notices on, the relocatable extensions of
 * `schema` moved into `scratch` (those the role cannot move stay). Errors:
 * VH_ERR_DB, VH_ERR_NOMEM. */
int vh_autogen_ext_prepare(vh_autogen_ext *x, PGconn *conn, const char *schema,
			   const char *scratch);

/* A PQnoticeReceiver with `arg` a vh_autogen_ext, while the model runs. */
void vh_autogen_ext_notice(void *arg, const PGresult *res);

/* After the model: the moved extensions it did not name go back to
 * `schema`. Errors: VH_ERR_DB, VH_ERR_NOMEM. */
int vh_autogen_ext_settle(vh_autogen_ext *x, PGconn *conn, const char *schema);

/* After a model that committed its transaction (which made the moves
 * permanent): every moved extension put back into `schema`, before the
 * scratch schema is dropped with all it holds. Best effort. */
void vh_autogen_ext_restore(vh_autogen_ext *x, PGconn *conn, const char *schema);

/* Frees the lists; a zeroed one is fine. */
void vh_autogen_ext_clear(vh_autogen_ext *x);

#endif
