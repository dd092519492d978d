/* cmd_drift.c - `vhost drift`: does the database hold what its revision
 * chain says it should? Builds the chain's schema at the database's
 * recorded revision(s) in a scratch target (vh_drift.c) and compares the
 * two catalogs in full: a hand-made hotfix, a revision that was an empty
 * placeholder when Alembic ran it, a failed manual rollback. Exits 1
 * listing every difference (object, what the chain says, what the database
 * has), 0 when they match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_drift.h"
#include "vh_error.h"
#include "vh_json.h"

enum { O_JSON = 1, O_YES };

/* A definition as the text output shows it. */
static const char *shown(const vh_catalog_entry *e)
{
	return !e ? "(none)" : *e->def ? e->def : "(exists)";
}

static void text_line(void *ctx, const vh_catalog_entry *chain, const vh_catalog_entry *db)
{
	const vh_catalog_entry *e = chain ? chain : db;

	(void)ctx;
	printf("  %s %s\n    chain:    %s\n    database: %s\n", e->kind, e->name, shown(chain),
	       shown(db));
}

/* One {"kind", "name", "chain", "database"} object; null for a side that
 * lacks the object, "" for one whose kind says it all. */
static void json_line(void *ctx, const vh_catalog_entry *chain, const vh_catalog_entry *db)
{
	const vh_catalog_entry *e = chain ? chain : db;
	int *first = ctx;

	printf("%s\n    {\"kind\": ", *first ? "" : ",");
	vh_json_str(stdout, e->kind);
	printf(", \"name\": ");
	vh_json_str(stdout, e->name);
	printf(", \"chain\": ");
	vh_json_str(stdout, chain ? chain->def : NULL);
	printf(", \"database\": ");
	vh_json_str(stdout, db ? db->def : NULL);
	printf("}");
	*first = 0;
}

/* "3cfc87221979" or "a, b" for several heads, "base" for none. Static. */
static const char *at(const vh_drift *d)
{
	static char buf[512];
	size_t i, len = 0;

	if (!d->nrevs)
		return "base";
	buf[0] = '\0';
	for (i = 0; i < d->nrevs && len < sizeof(buf) - 1; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "", d->revs[i]);
	return buf;
}

int vh_cmd_drift(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {
		{"json", 0, 0, O_JSON},
		{"yes", 'y', 0, O_YES},
		{NULL, 0, 0, 0},
	};
	int pos = 1, id, json = 0, yes = 0, rc, first = 1;
	const char *val;
	vh_drift d;
	size_t n;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		switch (id) {
		case 0: return vh_error_set(VH_ERR_USAGE, "drift: unexpected argument '%s'", val);
		case O_JSON: json = 1; break;
		case O_YES: yes = 1; break;
		default: return id;
		}
	}
	if ((rc = vh_drift_build(&d, app, yes)) < 0)
		return rc;
	n = vh_catalog_diff(NULL, d.chain, d.database, NULL);
	if (json) {
		size_t i;

		printf("{\n  \"revisions\": [");
		for (i = 0; i < d.nrevs; i++) {
			printf("%s", i ? ", " : "");
			vh_json_str(stdout, d.revs[i]);
		}
		printf("],\n  \"scratch\": \"%s\",\n  \"drift\": %s,\n  \"differences\": [",
		       d.in_schema ? "schema" : "database", n ? "true" : "false");
		vh_catalog_walk(d.chain, d.database, json_line, &first);
		printf("%s]\n}\n", n ? "\n  " : "");
	} else if (n) {
		printf("Drift: schema %s differs from what the chain builds at %s in %zu place%s:\n",
		       app->cfg->schema, at(&d), n, n == 1 ? "" : "s");
		vh_catalog_walk(d.chain, d.database, text_line, NULL);
	} else if (!app->quiet) {
		printf("No drift: schema %s matches what the chain builds at %s.\n", app->cfg->schema,
		       at(&d));
	}
	if (n)
		rc = vh_error_set(VH_ERR_GENERIC,
				  "drift: the database differs from the chain at %s in %zu place%s",
				  at(&d), n, n == 1 ? "" : "s");
	vh_drift_clear(&d);
	return rc;
}
