/* test_autogen_plan.h - the autogenerate catalogue's view of a plan
 * (vh_autogen.h, vh_agplan): its revisions written and compiled as a
 * chain, its statements as text for a fixture's plan.txt, and `vhost lint`
 * run over them with the findings the generator cannot avoid allowed
 * (docs/autogenerate.md, "Online plans", lists them and why). */
#ifndef TEST_AUTOGEN_PLAN_H
#define TEST_AUTOGEN_PLAN_H

#include "test_autogen_util.h"

/* Rules a generated revision may trip: because the model asks for exactly
 * that (data dropped, a column's type changed, a column that must be
 * filled or computed for every row), or because the online plan does not
 * cover it yet (unique and primary keys built in place, indexes dropped
 * in place, enum values added in the change's transaction). Each is in
 * docs/autogenerate.md with its reason; anything else is the generator's
 * fault. */
static const char *const ag_lint_allowed[] = {
	"drop-table", "drop-column", "column-type-change", "add-column-required",
	"volatile-default", "stored-generated-column", NULL,
};

/* Appends `s` to the growing string *acc. */
static void ag_cat(char **acc, const char *s)
{
	size_t n = *acc ? strlen(*acc) : 0;
	char *r = realloc(*acc, n + strlen(s) + 1);

	if (!r)
		ag_die("out of memory", NULL);
	memcpy(r + n, s, strlen(s) + 1);
	*acc = r;
}

/* The plan's statements, one a line (newlines inside one as spaces):
 * "revision N [non-transactional]", then "  up: SQL", "  down: SQL". */
static char *ag_plan_text(const vh_agplan *p)
{
	char *out = NULL, line[64];

	ag_cat(&out, "");
	for (size_t i = 0; i < p->n; i++) {
		const vh_diff *d[2] = {p->revs[i].up, p->revs[i].down};

		snprintf(line, sizeof(line), "revision %zu%s\n", i + 1,
			 p->revs[i].nontransactional ? " non-transactional" : "");
		ag_cat(&out, line);
		for (int k = 0; k < 2; k++)
			for (size_t j = 0; j < d[k]->nops; j++) {
				char *sql = strdup(d[k]->ops[j].sql);

				for (char *q = sql; *q; q++)
					if (*q == '\n')
						*q = ' ';
				ag_cat(&out, k ? "  down: " : "  up: ");
				ag_cat(&out, sql);
				ag_cat(&out, "\n");
				free(sql);
			}
	}
	return out;
}

/* Renders and compiles each revision of `p` into `dir` as a chain of ids
 * a9e000<NN>00<K>; *ups and *downs get every body, concatenated. */
static void ag_plan_build(const vh_agplan *p, const char *dir, const char *name, char **ups,
			  char **downs)
{
	char id[40], prev[40] = "";

	*ups = *downs = NULL;
	ag_cat(ups, "");
	ag_cat(downs, "");
	for (size_t i = 0; i < p->n; i++) {
		char *u = NULL, *d = NULL;

		snprintf(id, sizeof(id), "a9e000%.2s00%02d", name, (int)(i + 1) % 100);
		CU_ASSERT_FATAL(vh_autogen_render(&u, &d, p->revs[i].up, p->revs[i].down,
						  "model.sql") == 0);
		CU_ASSERT_FATAL(ag_build_decl(dir, id, i ? prev : NULL,
					      p->revs[i].nontransactional ? "VHOST_NON_TRANSACTIONAL();"
									  : NULL,
					      u, d, NULL, 0) == 0);
		ag_cat(ups, u);
		ag_cat(downs, d);
		free(u);
		free(d);
		snprintf(prev, sizeof(prev), "%s", id);
	}
}

/* Findings lint reports where it cannot follow what the plan does, or
 * where PostgreSQL offers nothing better; each is in docs/autogenerate.md.
 * `ups`/`downs` hold every upgrade and downgrade body.
 * - downgrade-incomplete on an index of a materialized view the upgrade
 *   creates: the downgrade drops the view, and its indexes with it;
 * - downgrade-incomplete on an enum type the upgrade recreates: the
 *   downgrade renames the new type aside and drops it by that name;
 * - unique-constraint-build on an exclusion constraint: ADD CONSTRAINT
 *   ... USING INDEX takes primary keys and unique constraints only;
 * - drop-index-not-concurrent in a change that detaches a partition: the
 *   copy of its parent's index the partition keeps exists only after the
 *   DETACH, in the same transaction. */
static int ag_lint_excused(const char *finding, const char *ups, const char *downs)
{
	const char *rel = strstr(finding, "\"relation\":\""), *st = strstr(finding, "\"statement\":\"");
	char needle[256];
	int n;

	if (!st)
		return 0;
	st += 13;
	if (strncmp(finding, "drop-index-not-concurrent\"", 26) == 0)
		return strncmp(st, "DROP INDEX ", 11) == 0 && strstr(ups, " DETACH PARTITION ");
	if (strncmp(finding, "unique-constraint-build\"", 24) == 0) {
		const char *x = strstr(st, " EXCLUDE "), *end = strstr(st, "\",");

		return strncmp(st, "ALTER TABLE ", 12) == 0 && x && end && x < end;
	}
	if (strncmp(finding, "downgrade-incomplete\"", 21) == 0 && strncmp(st, "CREATE TYPE ", 12) == 0) {
		n = (int)strcspn(st + 12, " ");
		snprintf(needle, sizeof(needle), "ALTER TYPE %.*s RENAME TO ", n, st + 12);
		return strstr(downs, needle) != NULL;
	}
	if (!rel || (strncmp(st, "CREATE INDEX ", 13) != 0 && strncmp(st, "CREATE UNIQUE INDEX ", 20) != 0))
		return 0;
	rel += 12;
	n = (int)strcspn(rel, "\"");
	if (strncmp(finding, "downgrade-incomplete\"", 21) == 0)
		snprintf(needle, sizeof(needle), "CREATE MATERIALIZED VIEW %.*s ", n, rel);
	else
		return 0;
	return strstr(ups, needle) != NULL;
}

/* `vhost lint --offline --json` over the revisions pending in `schema`:
 * 1 when every finding's rule is in ag_lint_allowed (or ag_lint_excused),
 * else 0 after printing the others. */
static int ag_lint_clean(const char *ini, const char *schema, const char *dir, const char *name,
			 const char *ups, const char *downs)
{
	const char *argv[] = {"-c", ini, "--schema", schema, "--plugin-dir", dir,
			      "lint", "--offline", "--json", NULL};
	vh_test_result r = vh_test_vhost(NULL, argv);
	const char *p = r.out;
	int ok = r.out && strstr(r.out, "\"findings\":") != NULL;

	if (!ok)
		fprintf(stderr, "\n  %s: lint gave no report (exit %d): %s\n", name, r.status, r.err);
	while (ok && p && (p = strstr(p, "\"rule\":\"")) != NULL) {
		size_t n;
		int allowed = 0;

		p += 8;
		n = strcspn(p, "\"");
		for (size_t i = 0; ag_lint_allowed[i]; i++)
			allowed |= strlen(ag_lint_allowed[i]) == n && strncmp(p, ag_lint_allowed[i], n) == 0;
		allowed |= ag_lint_excused(p, ups, downs);
		if (!allowed) {
			const char *st = strstr(p, "\"statement\":");

			fprintf(stderr, "\n  %s: lint finding %.*s: %.120s\n", name, (int)n, p,
				st ? st + 12 : "");
			ok = 0;
		}
	}
	vh_test_result_free(&r);
	return ok;
}

/* 1 when `vhost lint --offline --json` over the pending revisions reports
 * every rule of `rules` (NULL-terminated): the plain plan of a change the
 * online plan makes safe trips exactly what the online one avoids. */
__attribute__((unused)) static int ag_lint_reports(const char *ini, const char *schema,
						   const char *dir, const char *const *rules)
{
	const char *argv[] = {"-c", ini, "--schema", schema, "--plugin-dir", dir,
			      "lint", "--offline", "--json", NULL};
	vh_test_result r = vh_test_vhost(NULL, argv);
	char needle[96];
	int ok = r.out != NULL;

	for (size_t i = 0; ok && rules[i]; i++) {
		snprintf(needle, sizeof(needle), "\"rule\":\"%s\"", rules[i]);
		if (!strstr(r.out, needle)) {
			fprintf(stderr, "\n  lint does not report %s: %s\n", rules[i], r.out);
			ok = 0;
		}
	}
	vh_test_result_free(&r);
	return ok;
}

#endif
