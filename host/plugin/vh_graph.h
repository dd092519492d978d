/* vh_graph.h - the revision graph: lookup by id or prefix, parents and
 * children, heads, bases, topological order and ancestry. Built in O(n) with
 * a hash map; supports branches (several heads) and merges (several parents),
 * as Alembic does. */
#ifndef VH_GRAPH_H
#define VH_GRAPH_H

#include <stddef.h>

#include "vh_revision.h"

typedef struct vh_graph vh_graph;

/* Builds the graph from `revs[0..n)` and takes ownership of the array and
 * the revisions in it (also on failure); the array must be malloc'd (NULL
 * when n is 0), the strings too. A revision whose `parents` is NULL gets them
 * here by splitting `down_revision` on commas (trimmed; NULL or "" is a
 * base), so callers and tests may fill only down_revision. Every id is
 * checked with vh_revision_check_id, the message prefixed by the path.
 * Errors (VH_ERR_GENERIC):
 *   duplicate ids: "Revision 'abc' is defined twice: plugins/a.so and plugins/b.so"
 *   missing parent: "Can't locate revision identified by 'xyz' (down_revision of 'abc' in plugins/a.so)"
 *   cycle: "Cycle is detected in revisions (a, b, c)"
 * On success *out is the caller's, freed with vh_graph_free(). */
int vh_graph_build(vh_graph **out, vh_revision *revs, size_t n);
void vh_graph_free(vh_graph *g);

size_t vh_graph_count(const vh_graph *g);
const vh_revision *vh_graph_rev(const vh_graph *g, size_t idx);

/* Exact id lookup through the hash map: index, or -1 (also for NULL). */
long vh_graph_find(const vh_graph *g, const char *id);

/* Parents (down_revision) and children (revisions naming it in theirs) of
 * a revision as index arrays owned by the graph. Dependencies (depends_on)
 * are not among them: Alembic prints and counts heads by these. */
const size_t *vh_graph_parents(const vh_graph *g, size_t idx, size_t *n);
const size_t *vh_graph_children(const vh_graph *g, size_t idx, size_t *n);

/* The revisions the version table moves from when `idx` is applied:
 * its parents, then its dependencies that no parent already implies
 * (Alembic's _normalized_down_revisions). Owned by the graph. */
const size_t *vh_graph_down(const vh_graph *g, size_t idx, size_t *n);

/* Children and dependants (revisions that depend on `idx`). */
const size_t *vh_graph_children_all(const vh_graph *g, size_t idx, size_t *n);

/* The branch labels that cover `idx` as Alembic prints them ("shop" or
 * "a, b"), NULL when none. Owned by the graph. */
const char *vh_graph_labels(const vh_graph *g, size_t idx);

/* The revision that declares branch label `label`, or -1. */
long vh_graph_label_owner(const vh_graph *g, const char *label);

/* Marks (sets to 1) in mark[0..count) the members of the branch labelled at
 * revision `owner`: the owner, its descendants by down_revision, and its
 * ancestors up to the first branch or merge point (Alembic's rule). */
void vh_graph_branch_mark(const vh_graph *g, size_t owner, unsigned char *mark);

/* Topological order, bases first (a parent always before its children;
 * ties in file-name order, so output is stable). Owned by the graph. */
const size_t *vh_graph_order(const vh_graph *g);

/* Heads (no children) and bases (no parents), in topological order. Owned by
 * the graph. */
const size_t *vh_graph_heads(const vh_graph *g, size_t *n);
const size_t *vh_graph_bases(const vh_graph *g, size_t *n);

/* 1 when `anc` is `desc` or one of its ancestors, else 0. Iterative, O(n),
 * cannot fail. Uses scratch space inside the graph: not for concurrent use
 * from several threads (nothing in the host is). */
int vh_graph_is_ancestor(const vh_graph *g, size_t anc, size_t desc);

/* Marks in `mark[0..count)` (caller's array, set to 1) every revision that is
 * one of `idx[0..n)` or an ancestor of one. Does not clear `mark` first. */
void vh_graph_mark_ancestors(const vh_graph *g, const size_t *idx, size_t n,
			     unsigned char *mark);

#endif
