/* test_autogen_plan.h - the autogenerate catalogue's view of a plan
 * (vh_autogen.h, vh_agplan): its revisions written and compiled as a
 * chain, its statements as text for a fixture's plan.txt, `vhost lint`
 * run over them with the findings the generator cannot avoid allowed
 * (docs/autogenerate.md, "Online plans", lists them and why), and the
 * chain stepped up and back one revision at a time. */
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

/* 1 when the differences `diff` (vh_catalog_diff's lines) are only those
 * a revision's downgrade is allowed to leave: a constraint validated
 * (PostgreSQL cannot make it NOT VALID again, and the revision before
 * drops or keeps it the same), and with `labels_back` an enum whose added
 * labels the change's downgrade took back (docs/autogenerate.md). */
__attribute__((unused)) static int ag_only_allowed(const char *diff, int labels_back)
{
	for (const char *l = diff; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0')) {
		const char *arrow = strstr(l, " -> "), *colon = strstr(l, ": ");
		size_t len = strcspn(l, "\n"), left, right;

		while (*l == ' ')
			l++, len--;
		if (labels_back && strncmp(l, "~ enum ", 7) == 0)
			continue;
		if (strncmp(l, "~ constraint ", 13) != 0 || !arrow || !colon || arrow > l + len)
			return 0;
		left = (size_t)(arrow - colon - 2);
		right = len - (size_t)(arrow + 4 - l);
		if (left != right + 10 || strncmp(colon + 2, arrow + 4, right) != 0 ||
		    strncmp(arrow - 10, " NOT VALID", 10) != 0)
			return 0;
	}
	return 1;
}

/* Each revision of a plan undoes exactly itself: upgraded one revision at
 * a time (`upgrade +1`), then downgraded one at a time (`downgrade -1`),
 * the catalog after each downgrade is the one before that revision ran
 * (but for ag_only_allowed), and the first revision's downgrade gives back
 * the catalog the case started from. */
__attribute__((unused)) static void ag_step_back(PGconn *conn, const char *ini, const char *name,
						 const char *schema, const char *dir, size_t n,
						 int labels_back)
{
	vh_catalog *at[VH_PLAN_MAX + 1], *now;
	size_t i, done, len = 0;
	char *diff = NULL;
	FILE *f;

	at[0] = ag_catalog(conn, schema);
	for (done = 0; done < n; done++) {
		if (ag_vhost(ini, schema, dir, 0, NULL, "-q", "upgrade", "+1") != 0)
			break;
		at[done + 1] = ag_catalog(conn, schema);
	}
	CU_ASSERT(done == n);
	for (i = done; i > 0; i--) {
		CU_ASSERT_FATAL(ag_vhost(ini, schema, dir, 0, NULL, "-q", "downgrade", "-1") == 0);
		now = ag_catalog(conn, schema);
		CU_ASSERT_FATAL((f = open_memstream(&diff, &len)) != NULL);
		vh_catalog_diff(f, at[i - 1], now, "    ");
		fclose(f);
		if (!vh_catalog_equal(at[i - 1], now) && (i == 1 || !ag_only_allowed(diff, labels_back))) {
			fprintf(stderr, "\n  %s: the downgrade of revision %zu did not undo it:\n%s", name,
				i, diff);
			CU_FAIL("a revision's downgrade did not undo exactly that revision");
		}
		free(diff);
		diff = NULL;
		vh_catalog_free(now);
	}
	for (i = 0; i <= done; i++)
		vh_catalog_free(at[i]);
}

#endif
