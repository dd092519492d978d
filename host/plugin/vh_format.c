/* vh_format.c - Alembic's revision formats (its Script.cmd_format and
 * log_entry), so people and scripts that read Alembic's output read ours. */
#include "vh_format.h"

#include <string.h>

void vh_format_down(const vh_graph *g, size_t idx, char *buf, size_t len)
{
	size_t n, i, used;
	const size_t *par = vh_graph_parents(g, idx, &n);

	if (n == 0) {
		snprintf(buf, len, "<base>");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", vh_graph_rev(g, par[i])->id);
	}
}

void vh_format_depends(FILE *out, const vh_revision *r, const char *pre, const char *post)
{
	size_t i;

	if (!r->ndepends)
		return;
	fprintf(out, "%s", pre);
	for (i = 0; i < r->ndepends; i++)
		fprintf(out, "%s%s", i ? ", " : "", r->depends[i]);
	fprintf(out, "%s", post);
}

void vh_format_line(FILE *out, const vh_graph *g, size_t idx, int current, int parents, int doc)
{
	const vh_revision *r = vh_graph_rev(g, idx);
	const char *labels = vh_graph_labels(g, idx);
	size_t nchildren, nparents, nall;
	char down[1024];

	vh_graph_children(g, idx, &nchildren);
	vh_graph_children_all(g, idx, &nall);
	vh_graph_parents(g, idx, &nparents);
	if (parents) {
		vh_format_down(g, idx, down, sizeof(down));
		fprintf(out, "%s", down);
		vh_format_depends(out, r, " (", ")");
		fprintf(out, " -> ");
	}
	/* Alembic: "(head)" when nothing builds on it, "(effective head)" when
	 * only revisions of other branches depend on it. */
	fprintf(out, "%s", r->id);
	if (labels)
		fprintf(out, " (%s)", labels);
	fprintf(out, "%s%s%s%s%s", nall == 0 ? " (head)" : "",
		nchildren == 0 && nall ? " (effective head)" : "",
		current ? " (current)" : "", nchildren > 1 ? " (branchpoint)" : "",
		nparents > 1 ? " (mergepoint)" : "");
	if (doc)
		fprintf(out, ", %s", r->message);
	fputc('\n', out);
}

/* Writes `text` with every line indented by four spaces. */
static void indented(FILE *out, const char *text)
{
	const char *nl;

	while (text && *text) {
		nl = strchr(text, '\n');
		fprintf(out, "    %.*s\n", (int)(nl ? nl - text : (long)strlen(text)), text);
		text = nl ? nl + 1 : NULL;
	}
}

void vh_format_entry(FILE *out, const vh_graph *g, size_t idx, int current)
{
	const vh_revision *r = vh_graph_rev(g, idx);
	size_t nchildren, nparents, i;
	const size_t *ch = vh_graph_children(g, idx, &nchildren);
	char down[1024];

	vh_graph_parents(g, idx, &nparents);
	vh_format_down(g, idx, down, sizeof(down));
	fprintf(out, "Rev: %s%s%s%s%s\n", r->id, nchildren == 0 ? " (head)" : "",
		nchildren > 1 ? " (branchpoint)" : "", nparents > 1 ? " (mergepoint)" : "",
		current ? " (current)" : "");
	fprintf(out, "%s: %s\n", nparents > 1 ? "Merges" : "Parent", down);
	vh_format_depends(out, r, "Also depends on: ", "\n");
	if (nchildren > 1) {
		fprintf(out, "Branches into: ");
		for (i = 0; i < nchildren; i++)
			fprintf(out, "%s%s", i ? ", " : "", vh_graph_rev(g, ch[i])->id);
		fputc('\n', out);
	}
	if (vh_graph_labels(g, idx))
		fprintf(out, "Branch names: %s\n", vh_graph_labels(g, idx));
	fprintf(out, "Path: %s\n", r->path);
	if (r->flags & VH_REV_NONTRANSACTIONAL)
		fprintf(out, "Runs outside a transaction\n");
	fputc('\n', out);
	indented(out, r->message);
	if (r->description) {
		fputc('\n', out);
		indented(out, r->description);
	}
	fputc('\n', out);
}
