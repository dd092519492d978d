/* vh_fleet_report.c - what a fleet run says at the end: a table (target,
 * from, to, revisions run, time, outcome) with each failure's message below
 * it, or for `current` the targets grouped by revision with the laggards
 * named; or all of it as one JSON document (--json). */
#include "vh_fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_json.h"

static const char *const outcome_names[] = {"pending", "ok", "nothing to do", "failed", "skipped",
					    "interrupted"};

static const char *const action_names[] = {"", "upgrade", "downgrade", "stamp", "current", "check",
					   "history"};

/* "<base>", "?" or the ids cut to 12 characters, comma-separated. */
static void revs_text(const char *ids, char *buf, size_t len)
{
	const char *p = ids;
	size_t n, used = 0;

	if (!ids) {
		snprintf(buf, len, "?");
		return;
	}
	if (!*ids) {
		snprintf(buf, len, "<base>");
		return;
	}
	*buf = '\0';
	while (*p && used + 1 < len) {
		n = strcspn(p, " ");
		used += (size_t)snprintf(buf + used, len - used, "%s%.*s", used ? "," : "",
					 (int)(n > 12 ? 12 : n), p);
		p += n;
		p += *p == ' ';
	}
}

static void json_ids(const char *ids)
{
	const char *p = ids;
	size_t n;
	char one[256];
	int first = 1;

	if (!ids) {
		printf("null");
		return;
	}
	printf("[");
	while (*p) {
		n = strcspn(p, " ");
		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		printf("%s", first ? "" : ", ");
		vh_json_str(stdout, one);
		first = 0;
		p += n;
		p += *p == ' ';
	}
	printf("]");
}

/* 1 when "a b c" is exactly the graph's heads. */
static int at_heads(const vh_graph *g, const char *ids)
{
	size_t nheads, i, n = 0;
	const size_t *heads = vh_graph_heads(g, &nheads);
	const char *p = ids;

	if (!ids)
		return 0;
	for (i = 0; i < nheads; i++) {
		const char *id = vh_graph_rev(g, heads[i])->id, *hit = strstr(ids, id);
		size_t len = strlen(id);

		while (hit && !((hit == ids || hit[-1] == ' ') && (hit[len] == ' ' || !hit[len])))
			hit = strstr(hit + 1, id);
		if (!hit)
			return 0;
	}
	while (*p) {
		n++;
		p += strcspn(p, " ");
		p += *p == ' ';
	}
	return n == nheads;
}

static int failed(const vh_fleet_target *t)
{
	return t->outcome != VH_FLEET_OK && t->outcome != VH_FLEET_NOTHING;
}

/* The grouping of `current`: targets at the same revisions together, heads
 * first. Prints text or JSON; returns how many targets lag. */
static size_t current_groups(const vh_fleet *f, const vh_graph *g, int json)
{
	unsigned char *shown = calloc(f->n + 1, 1);
	size_t i, j, count, lag = 0, ngroups = 0;
	int pass, head;
	char revs[512];

	if (!shown)
		return 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < f->n; i++) {
			const vh_fleet_target *t = &f->t[i];

			if (shown[i] || failed(t) || at_heads(g, t->to) != !pass)
				continue;
			head = !pass;
			for (j = i, count = 0; j < f->n; j++)
				count += !shown[j] && !failed(&f->t[j]) && !strcmp(f->t[j].to, t->to);
			if (!head)
				lag += count;
			if (json) {
				printf("%s\n    {\"revisions\": ", ngroups++ ? "," : "");
				json_ids(t->to);
				printf(", \"at_head\": %s, \"targets\": [", head ? "true" : "false");
			} else {
				revs_text(t->to, revs, sizeof(revs));
				printf("%s%s: %zu target%s%s", revs, head ? " (head)" : "", count,
				       count == 1 ? "" : "s", head ? "\n" : " behind head:");
			}
			for (j = i, count = 0; j < f->n; j++) {
				if (shown[j] || failed(&f->t[j]) || strcmp(f->t[j].to, t->to))
					continue;
				shown[j] = 1;
				if (json) {
					printf("%s", count++ ? ", " : "");
					vh_json_str(stdout, f->t[j].name);
				} else if (!head) {
					printf("%s %s", count++ ? "," : "", f->t[j].name);
				}
			}
			if (json)
				printf("]}");
			else if (!head)
				printf("\n");
		}
	}
	free(shown);
	return lag;
}

static void print_json(const vh_fleet *f, const vh_fleet_opts *o, const vh_graph *g,
		       const size_t *counts, double ms)
{
	size_t i;
	const char *s;

	printf("{\"fleet\": ");
	vh_json_str(stdout, f->name);
	printf(", \"command\": \"%s\", \"shard\": ", action_names[o->action]);
	if (o->shard_n)
		printf("\"%u/%u\"", o->shard_k, o->shard_n);
	else
		printf("null");
	printf(",\n  \"targets\": [");
	for (i = 0; i < f->n; i++) {
		const vh_fleet_target *t = &f->t[i];

		printf("%s\n    {\"target\": ", i ? "," : "");
		vh_json_str(stdout, t->name);
		printf(", \"schema\": ");
		vh_json_str(stdout, t->schema);
		printf(", \"from\": ");
		json_ids(t->from);
		printf(", \"to\": ");
		json_ids(t->to);
		printf(", \"revisions_run\": ");
		if (t->ran >= 0)
			printf("%d", t->ran);
		else
			printf("null");
		printf(", \"ms\": %.1f, \"outcome\": \"%s\", \"error\": ", t->ms,
		       outcome_names[t->outcome]);
		vh_json_str(stdout, t->error);
		printf(", \"sqlstate\": ");
		vh_json_str(stdout, *t->sqlstate ? t->sqlstate : NULL);
		printf(", \"output\": ");
		/* A command that printed JSON (current, history) is embedded
		 * as it is; anything else as a string. */
		for (s = t->output; s && s < t->output + t->output_len && strchr(" \n\t", *s); s++)
			;
		if (!t->output)
			printf("null");
		else if (*s == '{' || *s == '[')
			printf("%.*s", (int)(t->output_len - (size_t)(s - t->output)), s);
		else
			vh_json_str(stdout, t->output);
		printf("}");
	}
	printf("\n  ]");
	if (o->action == VH_FLEET_ACT_CURRENT) {
		printf(",\n  \"groups\": [");
		current_groups(f, g, 1);
		printf("\n  ]");
	}
	printf(",\n  \"summary\": {\"targets\": %zu, \"ok\": %zu, \"nothing_to_do\": %zu, "
	       "\"failed\": %zu, \"skipped\": %zu, \"interrupted\": %zu, \"ms\": %.1f}}\n",
	       f->n, counts[VH_FLEET_OK], counts[VH_FLEET_NOTHING], counts[VH_FLEET_FAILED],
	       counts[VH_FLEET_SKIPPED], counts[VH_FLEET_INTERRUPTED], ms);
}

static void print_table(const vh_fleet *f)
{
	size_t i, w = 6;
	char from[40], to[40], revs[16], state[40];

	for (i = 0; i < f->n; i++)
		if (strlen(f->t[i].name) > w)
			w = strlen(f->t[i].name);
	printf("%-*s  %-12s  %-12s  %4s  %9s  %s\n", (int)w, "TARGET", "FROM", "TO", "REVS", "TIME",
	       "OUTCOME");
	for (i = 0; i < f->n; i++) {
		const vh_fleet_target *t = &f->t[i];

		revs_text(t->from, from, sizeof(from));
		revs_text(t->to, to, sizeof(to));
		snprintf(revs, sizeof(revs), t->ran >= 0 ? "%d" : "-", t->ran);
		snprintf(state, sizeof(state), "%s%s%s%s", outcome_names[t->outcome],
			 *t->sqlstate ? " (SQLSTATE " : "", t->sqlstate, *t->sqlstate ? ")" : "");
		printf("%-*s  %-12s  %-12s  %4s  %6.0f ms  %s\n", (int)w, t->name, from, to, revs, t->ms,
		       state);
	}
	for (i = 0; i < f->n; i++)
		if (f->t[i].error)
			printf("%s: %s\n", f->t[i].name, f->t[i].error);
}

int vh_fleet_report(vh_app *app, const vh_fleet *f, const vh_fleet_opts *o, double ms)
{
	size_t counts[VH_FLEET_INTERRUPTED + 1] = {0}, i, bad, lag = 0;
	const char *first = NULL;
	vh_graph *g = NULL;

	vh_app_graph(app, &g);
	for (i = 0; i < f->n; i++) {
		counts[f->t[i].outcome]++;
		if (!first && f->t[i].outcome == VH_FLEET_FAILED)
			first = f->t[i].name;
	}
	bad = counts[VH_FLEET_FAILED] + counts[VH_FLEET_SKIPPED] + counts[VH_FLEET_INTERRUPTED] +
	      counts[VH_FLEET_PENDING];
	if (o->json) {
		print_json(f, o, g, counts, ms);
	} else if (o->action == VH_FLEET_ACT_CURRENT) {
		lag = current_groups(f, g, 0);
		for (i = 0; i < f->n; i++)
			if (f->t[i].error)
				printf("unreadable: %s: %s\n", f->t[i].name, f->t[i].error);
	} else {
		print_table(f);
	}
	if (o->action == VH_FLEET_ACT_CURRENT && o->json)
		for (i = 0; i < f->n; i++)
			lag += !failed(&f->t[i]) && !at_heads(g, f->t[i].to);
	vh_app_info(app, "fleet %s: %zu target%s: %zu ok, %zu nothing to do, %zu failed, %zu skipped, "
		    "%zu interrupted in %.1f s", f->name, f->n, f->n == 1 ? "" : "s",
		    counts[VH_FLEET_OK], counts[VH_FLEET_NOTHING], counts[VH_FLEET_FAILED],
		    counts[VH_FLEET_SKIPPED], counts[VH_FLEET_INTERRUPTED], ms / 1000.0);
	if (bad)
		return vh_error_set(VH_ERR_GENERIC, "fleet %s: %zu of %zu targets did not succeed%s%s%s",
				    f->name, bad, f->n, first ? " (first failure: " : "",
				    first ? first : "", first ? ")" : "");
	if (o->check_heads && lag)
		return vh_error_set(VH_ERR_GENERIC, "fleet %s: %zu of %zu targets are not at the head "
				    "revision(s)", f->name, lag, f->n);
	return 0;
}
