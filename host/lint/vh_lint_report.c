/* vh_lint_report.c - the lint report: its storage, and its three shapes
 * (text for people, --json, and SARIF 2.1.0 for code-scanning tools). */
#include "vh_lint_int.h"

#include <stdlib.h>
#include <string.h>

#include "vh_json.h"

static const char *const level_names[] = {"note", "warning", "error"};

vh_lint_finding *vh_lint_report_push(vh_lint_report *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		vh_lint_finding *v = realloc(r->f, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->f = v;
		r->cap = cap;
	}
	memset(&r->f[r->n], 0, sizeof(r->f[0]));
	return &r->f[r->n++];
}

static void locks_free(vh_lint_lock *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].relation);
		free(l[i].mode);
	}
	free(l);
}

static void finding_free(vh_lint_finding *f)
{
	free(f->revision);
	free(f->path);
	free(f->statement);
	free(f->relation);
	free(f->message);
	free(f->size);
	free(f->ignored);
}

void vh_lint_report_drop(vh_lint_report *r, const char *rule)
{
	size_t i, k = 0;

	for (i = 0; i < r->n; i++) {
		if (strcmp(r->f[i].rule->id, rule) == 0)
			finding_free(&r->f[i]);
		else
			r->f[k++] = r->f[i];
	}
	r->n = k;
}

void vh_lint_report_clear(vh_lint_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		finding_free(&r->f[i]);
	for (i = 0; i < r->ntrace; i++) {
		free(r->trace[i].revision);
		free(r->trace[i].statement);
		locks_free(r->trace[i].locks, r->trace[i].nlocks);
	}
	free(r->trace);
	free(r->f);
	free(r->database);
	memset(r, 0, sizeof(*r));
}

int vh_lint_worst(const vh_lint_report *r)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!r->f[i].ignored && (int)r->f[i].level > worst)
			worst = (int)r->f[i].level;
	return worst;
}

/* The measured locks of a finding's statement, from the trace. */
static const vh_lint_traced *traced_for(const vh_lint_report *r, const vh_lint_finding *f)
{
	size_t i;

	for (i = 0; f->stmt && i < r->ntrace; i++)
		if (r->trace[i].stmt == f->stmt && strcmp(r->trace[i].revision, f->revision) == 0)
			return &r->trace[i];
	return NULL;
}

/* The statement's first line, cut at 100 characters. */
static void print_excerpt(FILE *out, const char *stmt)
{
	size_t n = strcspn(stmt, "\n");
	int cut = n > 100 || stmt[n];

	fprintf(out, "    | %.*s%s\n", (int)(n > 100 ? 100 : n), stmt, cut ? " ..." : "");
}

static void print_locks(FILE *out, const vh_lint_traced *t)
{
	size_t i;

	if (!t)
		return;
	fputs("    measured:", out);
	for (i = 0; i < t->nlocks; i++)
		fprintf(out, "%s %s on %s", i ? "," : "", t->locks[i].mode, t->locks[i].relation);
	fputs(t->nlocks ? "\n" : " no relation lock\n", out);
}

static void print_text(FILE *out, const vh_lint_report *r, vh_lint_level min)
{
	size_t i, count[3] = {0}, ignored = 0, shown = 0;

	for (i = 0; i < r->n; i++) {
		const vh_lint_finding *f = &r->f[i];

		if (f->ignored)
			ignored++;
		else
			count[f->level]++;
		if (f->level < min)
			continue;
		shown++;
		fprintf(out, "%s[%s] %s", f->ignored ? "ignored" : level_names[f->level], f->rule->id,
			f->revision);
		if (f->stmt)
			fprintf(out, " statement %u", f->stmt);
		fprintf(out, ": %s\n", f->message);
		if (f->relation || f->lock) {
			fputs("    ", out);
			if (f->relation)
				fprintf(out, "on %s%s%s%s", f->relation, f->size ? " (" : "",
					f->size ? f->size : "", f->size ? ")" : "");
			if (f->lock)
				fprintf(out, "%s%s lock", f->relation ? ", " : "", f->lock);
			fputc('\n', out);
		}
		if (f->statement)
			print_excerpt(out, f->statement);
		print_locks(out, traced_for(r, f));
		if (f->ignored)
			fprintf(out, "    ignored by VHOST_LINT_IGNORE: %s\n", f->ignored);
		else
			fprintf(out, "    fix: %s\n", f->rule->fix);
	}
	fprintf(out, "%slint: %zu revision%s, %zu error%s, %zu warning%s, %zu note%s, %zu ignored; %s%s\n",
		shown ? "\n" : "", r->nrevs, r->nrevs == 1 ? "" : "s", count[2], count[2] == 1 ? "" : "s",
		count[1], count[1] == 1 ? "" : "s", count[0], count[0] == 1 ? "" : "s", ignored,
		r->online ? "sizes from " : "offline: rule-default levels",
		r->online && r->database ? r->database : "");
}

static void json_kv(FILE *out, const char *key, const char *val, int comma)
{
	fprintf(out, "%s", comma ? "," : "");
	vh_json_str(out, key);
	fputc(':', out);
	vh_json_str(out, val);
}

static void json_locks(FILE *out, const vh_lint_traced *t)
{
	size_t i;

	fputc('[', out);
	for (i = 0; t && i < t->nlocks; i++) {
		fputs(i ? ",{" : "{", out);
		json_kv(out, "relation", t->locks[i].relation, 0);
		json_kv(out, "mode", t->locks[i].mode, 1);
		fputc('}', out);
	}
	fputc(']', out);
}

static void print_json(FILE *out, const vh_lint_report *r)
{
	size_t i;
	int worst = vh_lint_worst(r);

	fprintf(out, "{\"revisions\":%zu,\"online\":%s,", r->nrevs, r->online ? "true" : "false");
	json_kv(out, "database", r->database, 0);
	json_kv(out, "worst", worst < 0 ? NULL : level_names[worst], 1);
	fputs(",\"findings\":[", out);
	for (i = 0; i < r->n; i++) {
		const vh_lint_finding *f = &r->f[i];
		const vh_lint_traced *t = traced_for(r, f);

		fputs(i ? ",\n{" : "\n{", out);
		json_kv(out, "rule", f->rule->id, 0);
		json_kv(out, "level", level_names[f->level], 1);
		json_kv(out, "revision", f->revision, 1);
		json_kv(out, "path", f->path, 1);
		fprintf(out, ",\"statement_index\":%u", f->stmt);
		json_kv(out, "statement", f->statement, 1);
		json_kv(out, "relation", f->relation, 1);
		json_kv(out, "lock", f->lock, 1);
		json_kv(out, "size", f->size, 1);
		json_kv(out, "message", f->message, 1);
		json_kv(out, "fix", f->rule->fix, 1);
		json_kv(out, "ignored", f->ignored, 1);
		if (t) {
			fputs(",\"measured_locks\":", out);
			json_locks(out, t);
		}
		fputc('}', out);
	}
	fputs("],\"trace\":", out);
	if (!r->traced)
		fputs("null", out);
	for (i = 0; r->traced && i <= r->ntrace; i++) {
		if (i == r->ntrace) {
			fputs(i ? "]" : "[]", out);
			break;
		}
		fputs(i ? ",\n{" : "[\n{", out);
		json_kv(out, "revision", r->trace[i].revision, 0);
		fprintf(out, ",\"statement_index\":%u", r->trace[i].stmt);
		json_kv(out, "statement", r->trace[i].statement, 1);
		fputs(",\"locks\":", out);
		json_locks(out, &r->trace[i]);
		fputc('}', out);
	}
	fputs("}\n", out);
}

/* SARIF 2.1.0: one run, the rules as the driver's reportingDescriptors, a
 * result per finding located in the revision's plugin file, an ignored
 * finding as an in-source suppression with its reason. */
static void print_sarif(FILE *out, const vh_lint_report *r)
{
	size_t i;

	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
	      "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"vhost lint\",\"rules\":[",
	      out);
	for (i = 0; i < vh_lint_nrules; i++) {
		const vh_lint_rule *k = &vh_lint_rules[i];

		fputs(i ? ",\n{" : "\n{", out);
		json_kv(out, "id", k->id, 0);
		fputs(",\"shortDescription\":{", out);
		json_kv(out, "text", k->summary, 0);
		fputs("},\"help\":{", out);
		json_kv(out, "text", k->fix, 0);
		fputs("},\"defaultConfiguration\":{", out);
		json_kv(out, "level", level_names[k->level], 0);
		fputs("}}", out);
	}
	fputs("]}},\"results\":[", out);
	for (i = 0; i < r->n; i++) {
		const vh_lint_finding *f = &r->f[i];

		fputs(i ? ",\n{" : "\n{", out);
		json_kv(out, "ruleId", f->rule->id, 0);
		fprintf(out, ",\"ruleIndex\":%zu", (size_t)(f->rule - vh_lint_rules));
		json_kv(out, "level", level_names[f->level], 1);
		fputs(",\"message\":{", out);
		json_kv(out, "text", f->message, 0);
		fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{", out);
		json_kv(out, "uri", f->path, 0);
		fputs("}},\"logicalLocations\":[{", out);
		json_kv(out, "name", f->revision, 0);
		json_kv(out, "kind", "module", 1);
		fputs("}]}]", out);
		if (f->ignored) {
			fputs(",\"suppressions\":[{\"kind\":\"inSource\",", out);
			json_kv(out, "justification", f->ignored, 0);
			fputs("}]", out);
		}
		fputs(",\"properties\":{", out);
		json_kv(out, "revision", f->revision, 0);
		fprintf(out, ",\"statementIndex\":%u", f->stmt);
		json_kv(out, "statement", f->statement, 1);
		json_kv(out, "relation", f->relation, 1);
		json_kv(out, "lock", f->lock, 1);
		json_kv(out, "size", f->size, 1);
		json_kv(out, "fix", f->rule->fix, 1);
		fputs("}}", out);
	}
	fputs("]}]}\n", out);
}

void vh_lint_print(FILE *out, const vh_lint_report *r, vh_lint_format fmt, vh_lint_level min)
{
	if (fmt == VH_LINT_JSON)
		print_json(out, r);
	else if (fmt == VH_LINT_SARIF)
		print_sarif(out, r);
	else
		print_text(out, r, min);
}

void vh_lint_print_trace(FILE *out, const vh_lint_report *r)
{
	size_t i;

	for (i = 0; i < r->ntrace; i++) {
		const vh_lint_traced *t = &r->trace[i];

		if (t->stmt)
			fprintf(out, "locks %s statement %u:\n", t->revision, t->stmt);
		else
			fprintf(out, "locks %s (the revision as a whole):\n", t->revision);
		if (t->statement)
			print_excerpt(out, t->statement);
		print_locks(out, t);
	}
}
