/* pgone.c - the benchmark's floor: sends a whole SQL script to PostgreSQL as
 * one simple query, one round trip, and prints the last result's rows.
 *
 * It measures what the server itself costs for the work in the script: the
 * statements still run one by one and each BEGIN ... COMMIT still commits
 * on its own, but no client sits between them. Connection settings come
 * from the libpq environment (PGHOST, PGPORT, PGUSER) and $BENCH_DB.
 *
 * Usage: pgone -f FILE | pgone -c SQL. Exit 0, or 1 with the server's error
 * on stderr. Built by bench/run with plain cc against libpq. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* Reads all of `path` into a new NUL-terminated buffer the caller frees;
 * NULL (with errno) on failure. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len + 1)) != NULL) {
		if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		} else {
			buf[len] = '\0';
		}
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *keys[] = {"dbname", NULL}, *vals[] = {getenv("BENCH_DB"), NULL};
	PGresult *res, *last = NULL;
	char *sql = NULL;
	int rc = 0, i, j;
	PGconn *conn;

	if (argc != 3 || (strcmp(argv[1], "-f") && strcmp(argv[1], "-c"))) {
		fprintf(stderr, "usage: pgone -f FILE | -c SQL\n");
		return 2;
	}
	if (argv[1][1] == 'c') {
		sql = strdup(argv[2]);
	} else if (!(sql = slurp(argv[2]))) {
		perror(argv[2]);
		return 1;
	}
	conn = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "pgone: %s", PQerrorMessage(conn));
		PQfinish(conn);
		free(sql);
		return 1;
	}
	/* PQsendQuery, not PQexec: every statement's result is checked, not
	 * only the last one's. */
	if (!PQsendQuery(conn, sql)) {
		fprintf(stderr, "pgone: %s", PQerrorMessage(conn));
		rc = 1;
	}
	while (rc == 0 && (res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			fprintf(stderr, "pgone: %s", PQresultErrorMessage(res));
			rc = 1;
		}
		PQclear(last);
		last = res;
	}
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	if (rc == 0 && last && PQresultStatus(last) == PGRES_TUPLES_OK)
		for (i = 0; i < PQntuples(last); i++)
			for (j = 0; j < PQnfields(last); j++)
				printf("%s%s", PQgetvalue(last, i, j),
				       j + 1 < PQnfields(last) ? "|" : "\n");
	PQclear(last);
	PQfinish(conn);
	free(sql);
	return rc;
}
