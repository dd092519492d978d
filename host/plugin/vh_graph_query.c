/* vh_graph_query.c - questions asked of a built revision graph: lookups by
 * id, parents, children, heads and bases, and ancestry (the walks use the
 * graph's scratch space, so they cannot fail). */
#include "vh_graph_int.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------ */

size_t vh_graph_count(const vh_graph *g)
{
	return g ? g->n : 0;
}

/* The revision at `idx`, owned by the graph; NULL when out of range. */
const vh_revision *vh_graph_rev(const vh_graph *g, size_t idx)
{
	return g && idx < g->n ? &g->revs[idx] : NULL;
}

/* Exact lookup in the hash map: the index, or -1 (also for a NULL id). */
long vh_graph_find(const vh_graph *g, const char *id)
{
	size_t h;

	if (!g || !id || !g->slots)
		return -1;
	for (h = vh_graph__hash(id) & g->mask; g->slots[h] >= 0; h = (h + 1) & g->mask)
		if (strcmp(g->revs[g->slots[h]].id, id) == 0)
			return g->slots[h];
	return -1;
}

/* Parents in down_revision order; children in file order. An index out of
 * range gives an empty list. */
const size_t *vh_graph_parents(const vh_graph *g, size_t idx, size_t *n)
{
	*n = idx < g->n ? g->npar_ver[idx] : 0;
	return idx < g->n ? g->par + g->par_off[idx] : g->par;
}

const size_t *vh_graph_down(const vh_graph *g, size_t idx, size_t *n)
{
	*n = idx < g->n ? g->npar_norm[idx] : 0;
	return idx < g->n ? g->par + g->par_off[idx] : g->par;
}

const size_t *vh_graph_children(const vh_graph *g, size_t idx, size_t *n)
{
	*n = idx < g->n ? g->nchi_ver[idx] : 0;
	return idx < g->n ? g->chi + g->chi_off[idx] : g->chi;
}

const size_t *vh_graph_children_all(const vh_graph *g, size_t idx, size_t *n)
{
	*n = idx < g->n ? g->chi_off[idx + 1] - g->chi_off[idx] : 0;
	return idx < g->n ? g->chi + g->chi_off[idx] : g->chi;
}

const char *vh_graph_labels(const vh_graph *g, size_t idx)
{
	return idx < g->n ? g->labels[idx] : NULL;
}

/* Alembic's _add_branches for one labelled revision: itself, its versioned
 * descendants, and its versioned ancestors until a revision with several
 * children (dependants count) or several parents. */
void vh_graph_branch_mark(const vh_graph *g, size_t owner, unsigned char *mark)
{
	size_t head = 0, tail = 0, j, v;

	if (owner >= g->n)
		return;
	mark[owner] = 1;
	g->queue[tail++] = owner;
	while (head < tail) {
		v = g->queue[head++];
		for (j = 0; j < g->nchi_ver[v]; j++)
			if (!mark[g->chi[g->chi_off[v] + j]]) {
				mark[g->chi[g->chi_off[v] + j]] = 1;
				g->queue[tail++] = g->chi[g->chi_off[v] + j];
			}
	}
	for (v = owner; g->npar_ver[v] == 1;) {
		v = g->par[g->par_off[v]];
		if (g->chi_off[v + 1] - g->chi_off[v] > 1 || g->npar_ver[v] > 1)
			break;
		mark[v] = 1;
	}
}

long vh_graph_label_owner(const vh_graph *g, const char *label)
{
	return vh_graph__label_owner(g, label);
}

const size_t *vh_graph_order(const vh_graph *g)
{
	return g->order;
}

const size_t *vh_graph_heads(const vh_graph *g, size_t *n)
{
	*n = g->nheads;
	return g->heads;
}

const size_t *vh_graph_bases(const vh_graph *g, size_t *n)
{
	*n = g->nbases;
	return g->bases;
}

/* Breadth-first over parents from the `n` starting revisions, using the
 * graph's scratch: the visited set is left in g->queue[0..return value) and
 * flagged in g->seen, which the caller must clear. Only revisions at or after topological position
 * `min_pos` are entered, since nothing earlier can be on the way to `stop`.
 * Stops early once `stop` is reached (pass (size_t)-1 for a full walk). */
static size_t vh__walk_up(const vh_graph *g, const size_t *start, size_t n,
			  size_t min_pos, size_t stop, int *found)
{
	size_t head = 0, tail = 0, i, j;

	*found = 0;
	for (i = 0; i < n; i++) {
		if (start[i] >= g->n || g->seen[start[i]])
			continue;
		g->seen[start[i]] = 1;
		g->queue[tail++] = start[i];
	}
	while (head < tail) {
		size_t v = g->queue[head++];

		if (v == stop) {
			*found = 1;
			break;
		}
		for (j = g->par_off[v]; j < g->par_off[v + 1]; j++) {
			size_t p = g->par[j];

			if (!g->seen[p] && g->pos[p] >= min_pos) {
				g->seen[p] = 1;
				g->queue[tail++] = p;
			}
		}
	}
	return tail;
}

/* 1 when `anc` is `desc` or an ancestor of it, else 0 (also for indexes out
 * of range). O(revisions between them); cannot fail. */
int vh_graph_is_ancestor(const vh_graph *g, size_t anc, size_t desc)
{
	size_t i, visited;
	int found;

	if (anc >= g->n || desc >= g->n)
		return 0;
	if (anc == desc)
		return 1;
	if (g->pos[anc] > g->pos[desc])
		return 0;
	visited = vh__walk_up(g, &desc, 1, g->pos[anc], anc, &found);
	for (i = 0; i < visited; i++)
		g->seen[g->queue[i]] = 0;
	return found;
}

/* Sets mark[i] = 1 for each of idx[0..n) and their ancestors; indexes out of
 * range are skipped. O(n); cannot fail. */
void vh_graph_mark_ancestors(const vh_graph *g, const size_t *idx, size_t n,
			     unsigned char *mark)
{
	size_t i, visited;
	int found;

	visited = vh__walk_up(g, idx, n, 0, (size_t)-1, &found);
	for (i = 0; i < visited; i++) {
		mark[g->queue[i]] = 1;
		g->seen[g->queue[i]] = 0;
	}
}
