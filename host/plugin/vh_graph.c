/* vh_graph.c - building the revision graph: an open-addressing map from id
 * to index, parent and child lists in flat arrays, and a stable topological
 * order (the queries are in vh_graph_query.c).
 * Everything is O(n) or O(n log n) and iterative, so 10,000-revision chains
 * neither slow down nor overflow the stack. */
#include "vh_graph.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_graph_int.h"

/* Longest list of ids a cycle message spells out; the rest is counted. */
#define VH__CYCLE_LIST_MAX 20

static const char *vh__path(const vh_revision *rev)
{
	return rev->path ? rev->path : "(no file)";
}

size_t vh_graph__hash(const char *s)
{
	/* FNV-1a: short ids, few collisions, no dependencies. */
	size_t h = (size_t)14695981039346656037ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= (size_t)1099511628211ULL;
	}
	return h;
}

/* ------------------------------------------------------------------
 * Filling parents from down_revision
 * ------------------------------------------------------------------ */

/* Splits rev->down_revision on commas into rev->parents (trimmed, each
 * malloc'd, owned by rev). "" or NULL is a base revision, as Alembic treats
 * a falsy down_revision. An empty entry ("a,,b") is VH_ERR_GENERIC. */
static int vh__split_parents(vh_revision *rev)
{
	const char *s = rev->down_revision, *p, *end;
	size_t count = 1, k = 0;

	if (!s || !*s)
		return 0;
	for (p = s; *p; p++)
		count += *p == ',';
	if (!(rev->parents = calloc(count, sizeof(char *))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");

	for (p = s;; p = end + 1) {
		const char *a = p, *b;

		end = strchr(p, ',');
		b = end ? end : p + strlen(p);
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (a == b)
			return vh_error_set(VH_ERR_GENERIC,
					    "Revision '%s' has an empty entry in down_revision '%s' (%s)",
					    rev->id, s, vh__path(rev));
		if (!(rev->parents[k] = strndup(a, (size_t)(b - a))))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		rev->nparents = ++k;
		if (!end)
			break;
	}
	return 0;
}

/* ------------------------------------------------------------------
 * Ordering helpers
 * ------------------------------------------------------------------ */

/* qsort has no context argument in C11; the build is single-threaded, so a
 * file-level pointer to the revisions being sorted is enough. */
static const vh_revision *vh__sort_revs;

static int vh__cmp_path(const void *a, const void *b)
{
	const vh_revision *x = &vh__sort_revs[*(const size_t *)a];
	const vh_revision *y = &vh__sort_revs[*(const size_t *)b];
	int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");

	return c ? c : strcmp(x->id, y->id);
}

static int vh__cmp_id(const void *a, const void *b)
{
	return strcmp(vh__sort_revs[*(const size_t *)a].id,
		      vh__sort_revs[*(const size_t *)b].id);
}

/* A binary min-heap of node indexes keyed by rank[], for Kahn's algorithm:
 * among the revisions ready to go next, the first in file order wins. */
static void vh__heap_push(size_t *heap, size_t *len, size_t v, const size_t *rank)
{
	size_t i = (*len)++;

	while (i > 0 && rank[heap[(i - 1) / 2]] > rank[v]) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = v;
}

static size_t vh__heap_pop(size_t *heap, size_t *len, const size_t *rank)
{
	size_t top = heap[0], v = heap[--(*len)], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= *len)
			break;
		if (c + 1 < *len && rank[heap[c + 1]] < rank[heap[c]])
			c++;
		if (rank[heap[c]] >= rank[v])
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (*len)
		heap[i] = v;
	return top;
}

/* ------------------------------------------------------------------
 * Cycle report
 * ------------------------------------------------------------------ */

/* Called when Kahn's algorithm placed only `placed` of n revisions. The
 * unplaced ones are cycle members plus revisions hanging below a cycle;
 * peeling off, in reverse, those with no unplaced child leaves the cycles
 * themselves (and anything between two cycles). Those are listed sorted by
 * id, as Alembic does. Always returns VH_ERR_GENERIC (or VH_ERR_NOMEM). */
static int vh__report_cycle(vh_graph *g, const size_t *indeg_left)
{
	size_t n = g->n, i, j, head = 0, tail = 0, nleft = 0;
	size_t *outdeg = calloc(n, sizeof(size_t)), *left = NULL;
	char msg[VH__CYCLE_LIST_MAX * (VH_REVISION_ID_MAX + 2) + 64];
	size_t len = 0;
	int error;

	if (!outdeg)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	/* seen[i] = 1: unplaced and not yet peeled off. */
	for (i = 0; i < n; i++)
		g->seen[i] = indeg_left[i] > 0;
	for (i = 0; i < n; i++) {
		if (!g->seen[i])
			continue;
		for (j = g->chi_off[i]; j < g->chi_off[i + 1]; j++)
			outdeg[i] += g->seen[g->chi[j]];
		if (!outdeg[i])
			g->queue[tail++] = i;
	}
	while (head < tail) {
		size_t v = g->queue[head++];

		g->seen[v] = 0;
		for (j = g->par_off[v]; j < g->par_off[v + 1]; j++) {
			size_t p = g->par[j];

			if (g->seen[p] && --outdeg[p] == 0)
				g->queue[tail++] = p;
		}
	}
	free(outdeg);

	if (!(left = malloc(n * sizeof(size_t)))) {
		memset(g->seen, 0, n);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		if (g->seen[i])
			left[nleft++] = i;
		g->seen[i] = 0;
	}
	vh__sort_revs = g->revs;
	qsort(left, nleft, sizeof(size_t), vh__cmp_id);

	/* Ids are at most VH_REVISION_ID_MAX characters (checked earlier), so
	 * the buffer holds VH__CYCLE_LIST_MAX of them. */
	for (i = 0; i < nleft && i < VH__CYCLE_LIST_MAX; i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
					i ? ", " : "", g->revs[left[i]].id);
	if (nleft > VH__CYCLE_LIST_MAX)
		snprintf(msg + len, sizeof(msg) - len, ", ... (%zu in all)", nleft);
	free(left);
	error = vh_error_set(VH_ERR_GENERIC, "Cycle is detected in revisions (%s)",
			     msg);
	return error;
}

/* ------------------------------------------------------------------
 * Building
 * ------------------------------------------------------------------ */

/* Checks ids, fills parents from down_revision where needed and inserts every
 * id into the hash map. Fails on a bad id or a duplicate. */
static int vh__index_revisions(vh_graph *g)
{
	size_t i, nslots = 16;
	int error;

	while (nslots < 2 * g->n)
		nslots *= 2;
	if (!(g->slots = malloc(nslots * sizeof(long))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	memset(g->slots, 0xff, nslots * sizeof(long)); /* all -1 */
	g->mask = nslots - 1;

	for (i = 0; i < g->n; i++) {
		vh_revision *rev = &g->revs[i];
		size_t h;

		/* The loader checked already, with the same message; tests and
		 * other callers may not have, and the spec grammar relies on it. */
		if ((error = vh_revision_check_id(rev->id, vh__path(rev))) < 0)
			return vh_error_set(VH_ERR_GENERIC, "%s", vh_error_last());
		if (!rev->parents && (error = vh__split_parents(rev)) < 0)
			return error;

		for (h = vh_graph__hash(rev->id) & g->mask; g->slots[h] >= 0;
		     h = (h + 1) & g->mask) {
			const vh_revision *other = &g->revs[g->slots[h]];

			if (strcmp(other->id, rev->id) == 0)
				return vh_error_set(VH_ERR_GENERIC,
						    "Revision '%s' is defined twice: %s and %s",
						    rev->id, vh__path(other), vh__path(rev));
		}
		g->slots[h] = (long)i;
	}
	return 0;
}

/* The revision that declares `label` (VHOST_BRANCH_LABELS), or -1. */
long vh_graph__label_owner(const vh_graph *g, const char *label)
{
	size_t i, j;

	for (i = 0; label && i < g->n; i++)
		for (j = 0; j < g->revs[i].nlabels; j++)
			if (strcmp(g->revs[i].labels[j], label) == 0)
				return (long)i;
	return -1;
}

/* Each label names one branch: declared once, and not also an id. */
static int vh__check_labels(const vh_graph *g)
{
	size_t i, j;

	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->revs[i].nlabels; j++) {
			const char *l = g->revs[i].labels[j];
			long o = vh_graph__label_owner(g, l);

			if (o >= 0 && (size_t)o != i)
				return vh_error_set(VH_ERR_GENERIC,
						    "Branch name '%s' in revision %s already used by revision %s (%s)",
						    l, g->revs[i].id, g->revs[o].id, vh__path(&g->revs[i]));
			if (vh_graph_find(g, l) >= 0)
				return vh_error_set(VH_ERR_GENERIC,
						    "Branch name '%s' of revision %s is also a revision id (%s)",
						    l, g->revs[i].id, vh__path(&g->revs[i]));
		}
	return 0;
}

/* Resolves one edge name of revision i: a parent id, or (dep) an id or a
 * branch label. Returns the index or a negative error. */
static long vh__resolve_edge(const vh_graph *g, size_t i, const char *name, int dep)
{
	const vh_revision *rev = &g->revs[i];
	long p = name ? vh_graph_find(g, name) : -1;

	if (!name || !*name)
		return vh_error_set(VH_ERR_GENERIC,
				    "Revision '%s' has an empty entry in down_revision (%s)",
				    rev->id, vh__path(rev));
	if (p < 0 && dep)
		p = vh_graph__label_owner(g, name);
	if (p < 0)
		return vh_error_set(VH_ERR_GENERIC,
				    "Can't locate revision identified by '%s' (%s of '%s' in %s)",
				    name, dep ? "depends_on" : "down_revision", rev->id, vh__path(rev));
	if ((size_t)p == i)
		return vh_error_set(VH_ERR_GENERIC, "Self-loop is detected in revisions (%s)",
				    rev->id);
	return p;
}

/* Resolves parent and dependency names to indexes and derives the children
 * lists (versioned children first). Fails on a missing parent, a self-loop
 * or a revision listed twice. */
static int vh__link(vh_graph *g, const size_t *by_path)
{
	size_t i, j, n = g->n, total = 0, pass;
	size_t *fill = NULL;
	long p;

	for (i = 0; i < n; i++)
		total += g->revs[i].nparents + g->revs[i].ndepends;
	g->par_off = malloc((n + 1) * sizeof(size_t));
	g->chi_off = calloc(n + 1, sizeof(size_t));
	g->par = malloc((total + 1) * sizeof(size_t));
	g->chi = malloc((total + 1) * sizeof(size_t));
	g->npar_ver = calloc(n + 1, sizeof(size_t));
	g->npar_norm = calloc(n + 1, sizeof(size_t));
	g->nchi_ver = calloc(n + 1, sizeof(size_t));
	if (!g->par_off || !g->chi_off || !g->par || !g->chi || !g->npar_ver ||
	    !g->npar_norm || !g->nchi_ver)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");

	total = 0;
	for (i = 0; i < n; i++) {
		const vh_revision *rev = &g->revs[i];

		g->par_off[i] = total;
		for (j = 0; j < rev->nparents + rev->ndepends; j++) {
			int dep = j >= rev->nparents;

			p = vh__resolve_edge(g, i, dep ? rev->depends[j - rev->nparents] : rev->parents[j], dep);
			if (p < 0)
				return (int)p;
			g->par[total++] = (size_t)p;
			g->chi_off[p + 1]++;
			if (!dep)
				g->nchi_ver[p]++;
		}
		g->npar_ver[i] = g->npar_norm[i] = rev->nparents;
		/* A parent named twice would count twice in Kahn's in-degrees and
		 * in the children; refuse it rather than guess. */
		for (j = g->par_off[i]; j < total; j++) {
			if (g->seen[g->par[j]]) {
				const char *dup = g->revs[g->par[j]].id;

				for (j = g->par_off[i]; j < total; j++)
					g->seen[g->par[j]] = 0;
				return vh_error_set(VH_ERR_GENERIC,
						    "Revision '%s' lists '%s' twice in down_revision%s (%s)",
						    rev->id, dup, rev->ndepends ? " and depends_on" : "",
						    vh__path(rev));
			}
			g->seen[g->par[j]] = 1;
		}
		for (j = g->par_off[i]; j < total; j++)
			g->seen[g->par[j]] = 0;
	}
	g->par_off[n] = total;

	for (i = 0; i < n; i++)
		g->chi_off[i + 1] += g->chi_off[i];
	if (!(fill = malloc((n + 1) * sizeof(size_t))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	memcpy(fill, g->chi_off, (n + 1) * sizeof(size_t));
	/* Walking children in file order makes each child list sorted the same
	 * way, so +N's ambiguity messages and the CLI read stably; versioned
	 * children in the first pass, dependants in the second. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			size_t c = by_path[i], nv = g->npar_ver[c];

			for (j = g->par_off[c]; j < g->par_off[c + 1]; j++)
				if ((j - g->par_off[c] >= nv) == (pass == 1))
					g->chi[fill[g->par[j]]++] = c;
		}
	free(fill);
	return 0;
}

/* Orders each revision's dependencies so those that matter for the version
 * table come first: a dependency that is already an ancestor of one of the
 * revision's versioned parents adds nothing (Alembic's normalized
 * dependencies), and counts past npar_norm. Needs the order (ancestry). */
static void vh__normalize_deps(vh_graph *g)
{
	size_t i, j, k;

	for (i = 0; i < g->n; i++) {
		size_t off = g->par_off[i], end = g->par_off[i + 1], nv = g->npar_ver[i];
		size_t keep = off + nv;

		for (j = off + nv; j < end; j++) {
			int implied = 0;

			for (k = off; k < off + nv && !implied; k++)
				implied = vh_graph_is_ancestor(g, g->par[j], g->par[k]);
			if (!implied) {
				size_t t = g->par[keep];

				g->par[keep++] = g->par[j];
				g->par[j] = t;
			}
		}
		g->npar_norm[i] = keep - off;
	}
}

/* Alembic's branch labels as printed: a label covers the revision that
 * declares it, its versioned descendants, and its versioned ancestors up to
 * the first branch or merge point. labels[i] joins those of revision i. */
static int vh__label_members(vh_graph *g)
{
	size_t i, j, k, n = g->n;
	unsigned char *mark = malloc(n + 1);
	int error = 0;

	if (!(g->labels = calloc(n + 1, sizeof(char *))) || !mark) {
		free(mark);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n && !error; i++)
		for (j = 0; j < g->revs[i].nlabels && !error; j++) {
			const char *l = g->revs[i].labels[j];

			memset(mark, 0, n);
			vh_graph_branch_mark(g, i, mark);
			for (k = 0; k < n; k++) {
				char *joined;
				size_t len;

				if (!mark[k])
					continue;
				len = (g->labels[k] ? strlen(g->labels[k]) + 2 : 0) + strlen(l) + 1;
				if (!(joined = malloc(len))) {
					error = vh_error_set(VH_ERR_NOMEM, "out of memory");
					break;
				}
				snprintf(joined, len, "%s%s%s", g->labels[k] ? g->labels[k] : "",
					 g->labels[k] ? ", " : "", l);
				free(g->labels[k]);
				g->labels[k] = joined;
			}
		}
	free(mark);
	return error;
}

/* Kahn's algorithm with ties broken by file path then id; then positions,
 * heads and bases. Fails (with the cycle's members) if some revision cannot
 * be placed. */
static int vh__sort(vh_graph *g, const size_t *by_path)
{
	size_t i, j, n = g->n, placed = 0, hlen = 0;
	size_t *rank = malloc((n + 1) * sizeof(size_t));
	size_t *indeg = malloc((n + 1) * sizeof(size_t));
	size_t *heap = malloc((n + 1) * sizeof(size_t));
	int error = 0;

	g->order = malloc((n + 1) * sizeof(size_t));
	g->pos = malloc((n + 1) * sizeof(size_t));
	if (!rank || !indeg || !heap || !g->order || !g->pos) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		rank[by_path[i]] = i;
		indeg[i] = g->par_off[i + 1] - g->par_off[i];
	}
	for (i = 0; i < n; i++)
		if (!indeg[i])
			vh__heap_push(heap, &hlen, i, rank);
	while (hlen) {
		size_t v = vh__heap_pop(heap, &hlen, rank);

		g->pos[v] = placed;
		g->order[placed++] = v;
		for (j = g->chi_off[v]; j < g->chi_off[v + 1]; j++)
			if (--indeg[g->chi[j]] == 0)
				vh__heap_push(heap, &hlen, g->chi[j], rank);
	}
	if (placed < n) {
		error = vh__report_cycle(g, indeg);
		goto done;
	}

	g->heads = malloc((n + 1) * sizeof(size_t));
	g->bases = malloc((n + 1) * sizeof(size_t));
	if (!g->heads || !g->bases) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		size_t v = g->order[i];

		if (!g->nchi_ver[v])
			g->heads[g->nheads++] = v;
		if (!g->npar_ver[v])
			g->bases[g->nbases++] = v;
	}
done:
	free(rank);
	free(indeg);
	free(heap);
	return error;
}

/* Builds the graph (see vh_graph.h). Beyond the header: when a revision's
 * `parents` is NULL its down_revision is split here (commas, trimmed), so a
 * caller may fill just down_revision. Every id is checked with
 * vh_revision_check_id (message prefixed with the revision's path). The
 * array and revisions are ours from the first line, error or not. */
int vh_graph_build(vh_graph **out, vh_revision *revs, size_t n)
{
	vh_graph *g = calloc(1, sizeof(*g));
	size_t *by_path = NULL, i;
	int error;

	*out = NULL;
	if (!g) {
		for (i = 0; i < n; i++)
			vh_revision_clear(&revs[i]);
		free(revs);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	g->revs = revs;
	g->n = n;
	g->seen = calloc(n + 1, 1);
	g->queue = malloc((n + 1) * sizeof(size_t));
	by_path = malloc((n + 1) * sizeof(size_t));
	if (!g->seen || !g->queue || !by_path) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((error = vh__index_revisions(g)) < 0)
		goto done;

	for (i = 0; i < n; i++)
		by_path[i] = i;
	vh__sort_revs = revs;
	qsort(by_path, n, sizeof(size_t), vh__cmp_path);

	if ((error = vh__check_labels(g)) < 0 || (error = vh__link(g, by_path)) < 0 ||
	    (error = vh__sort(g, by_path)) < 0)
		goto done;
	vh__normalize_deps(g);
	if ((error = vh__label_members(g)) < 0)
		goto done;
	*out = g;
	g = NULL;
done:
	free(by_path);
	vh_graph_free(g);
	return error;
}

/* Frees the graph, its revisions and their array. NULL does nothing. */
void vh_graph_free(vh_graph *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++)
		vh_revision_clear(&g->revs[i]);
	free(g->revs);
	free(g->slots);
	for (i = 0; g->labels && i < g->n; i++)
		free(g->labels[i]);
	free(g->labels);
	free(g->npar_ver);
	free(g->npar_norm);
	free(g->nchi_ver);
	free(g->par_off);
	free(g->par);
	free(g->chi_off);
	free(g->chi);
	free(g->order);
	free(g->pos);
	free(g->heads);
	free(g->bases);
	free(g->seen);
	free(g->queue);
	free(g);
}
