/* vh_pooler.h - telling what sits between vhost and PostgreSQL: nothing, or
 * a pooler (docs/topologies.md). */
#ifndef VH_POOLER_H
#define VH_POOLER_H

#include <libpq-fe.h>

#include "vh_app.h"

/* Sets *pooled to whether `conn` must be treated as going through a
 * transaction pooler: from the `pooler` setting, or with pooler = auto from
 * what the connection shows. `pid` is the server process the first query
 * ran on; libpq learnt a backend pid at connect. On a direct connection
 * they are the same process, always. When they differ, something answered
 * the startup in the server's place and hands the session's transactions to
 * server processes of its own choosing: a pooler. Whether it keeps one
 * process per client (session pooling) cannot be proven from one client
 * (PgBouncer hands an idle client the same process back), and runs that
 * guessed differently would not exclude each other, so every pooler is
 * taken for a transaction pooler; pooler = none restores the session lock
 * for a session pooler. With -v, says what was found. Sends nothing. */
void vh_pooler_decide(vh_app *app, PGconn *conn, long long pid, int *pooled);

#endif
