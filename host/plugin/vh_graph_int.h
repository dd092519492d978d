/* vh_graph_int.h - the revision graph's representation, shared by its
 * building (vh_graph.c) and its queries (vh_graph_query.c). Private to
 * those two files; everyone else sees vh_graph.h's opaque type. */
#ifndef VH_GRAPH_INT_H
#define VH_GRAPH_INT_H

#include <stddef.h>

#include "vh_graph.h"

struct vh_graph {
	vh_revision *revs;
	size_t n;
	long *slots;            /* hash slots holding an index, -1 when empty */
	size_t mask;            /* number of slots - 1 (a power of two) */
	/* Edges: each revision's versioned parents (down_revision) first, then
	 * its dependencies (depends_on), those implied by a parent first
	 * reordered last. Ordering and ancestry use every edge; heads, bases
	 * and what the commands print use the versioned ones, as Alembic. */
	size_t *par_off, *par;  /* parents of i: par[par_off[i] .. par_off[i+1]) */
	size_t *chi_off, *chi;  /* children of i, likewise (versioned first) */
	size_t *npar_ver;       /* how many of i's parents are versioned */
	size_t *npar_norm;      /* ... plus dependencies not implied by those */
	size_t *nchi_ver;       /* how many of i's children are versioned */
	char **labels;          /* i's branch labels as printed ("shop"), or NULL */
	size_t *order;          /* topological order */
	size_t *pos;            /* pos[i]: where i sits in order */
	size_t *heads, nheads;
	size_t *bases, nbases;
	/* Scratch for the traversals, so they cannot fail on allocation. `seen`
	 * is all zero between calls; each traversal clears what it set. One
	 * thread per process (as the error slot), so sharing it is safe. */
	unsigned char *seen;
	size_t *queue;
};

/* The revision that declares branch label `label`, or -1. */
long vh_graph__label_owner(const vh_graph *g, const char *label);

/* The hash of an id, for the open-addressing map. */
size_t vh_graph__hash(const char *s);

#endif
