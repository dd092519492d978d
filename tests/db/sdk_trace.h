/* sdk_trace.h - what the SDK's round-trip tests share (test_sdk_prelude.c,
 * test_sdk_defer.c): one connection to a database of their own holding
 * table p (x int), traced by libpq so that Query messages, one per round
 * trip, can be counted. Included once per test program. */
#ifndef SDK_TRACE_H
#define SDK_TRACE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vh_test.h"

#ifndef SDK_TRACE_DB
#error "define SDK_TRACE_DB (the test database's name) before including sdk_trace.h"
#endif

static PGconn *conn;
static FILE *trace;

static int suite_init(void)
{
	conn = vh_test_connect(vh_test_createdb(SDK_TRACE_DB));
	trace = tmpfile();
	if (!conn || !trace)
		return -1;
	PQtrace(conn, trace);
	PQsetTraceFlags(conn, PQTRACE_SUPPRESS_TIMESTAMPS);
	return vh_test_exec(conn, "CREATE TABLE p (x int)");
}

static int suite_clean(void)
{
	PQuntrace(conn);
	fclose(trace);
	PQfinish(conn);
	return 0;
}

/* Query messages sent since the last call: one per round trip. */
static int queries_sent(void)
{
	char line[4096];
	int n = 0;

	fflush(trace);
	rewind(trace);
	while (fgets(line, sizeof(line), trace))
		if (strncmp(line, "F\t", 2) == 0 && strstr(line, "\tQuery\t"))
			n++;
	fflush(trace);
	if (ftruncate(fileno(trace), 0) != 0)
		n = -1;
	rewind(trace);
	return n;
}

static char *value(const char *sql)
{
	return vh_test_value(conn, sql);
}

#endif /* SDK_TRACE_H */
