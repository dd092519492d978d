/* vh_pooler.c - detecting a pooler: the server process a query runs on is
 * not the one libpq was given at connect. */
#include "vh_pooler.h"

#include <stdio.h>

void vh_pooler_decide(vh_app *app, PGconn *conn, long long pid, int *pooled)
{
	const char *lock = "the lock is a lease checked in every revision's transaction, with no "
			   "prepared statements and no session settings";

	*pooled = app->cfg->pooler == VH_POOLER_AUTO ? pid != PQbackendPID(conn)
						      : app->cfg->pooler == VH_POOLER_TRANSACTION;
	if (!app->verbose)
		return;
	if (app->cfg->pooler != VH_POOLER_AUTO)
		fprintf(stderr, "Connection: pooler = %s (set), so %s.\n",
			*pooled ? "transaction" : "none",
			*pooled ? lock : "the lock is a session advisory lock");
	else if (pid == PQbackendPID(conn))
		fprintf(stderr,
			"Connection: direct (the server process %lld is the one libpq connected "
			"to), so the lock is a session advisory lock.\n",
			pid);
	else
		fprintf(stderr,
			"Connection: through a pooler (the server process changed from %d, the one "
			"given at connect, to %lld), taken for a transaction pooler, so %s; set "
			"pooler = none for a session pooler.\n",
			PQbackendPID(conn), pid, lock);
}
