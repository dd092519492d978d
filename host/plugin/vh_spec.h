/* vh_spec.h - revision specs in Alembic's grammar, parsed and resolved.
 *
 *   head heads base current     symbols (`current` where a command allows it)
 *   ae1027a6acf  ae10           a full id or a unique prefix (>= 4 chars, or exact)
 *   +2  -1                      relative to the current revision
 *   ae10+2  head-1  base+3      relative to a revision or symbol
 *   START:END                   a range, where the command allows one
 *   shop@head shop@base shop@+1  a branch, by label or by a revision on it
 */
#ifndef VH_SPEC_H
#define VH_SPEC_H

#include <stddef.h>

#include "vh_graph.h"

typedef enum vh_spec_kind {
	VH_SPEC_REV,     /* an id or prefix in .rev */
	VH_SPEC_HEAD,
	VH_SPEC_HEADS,
	VH_SPEC_BASE,
	VH_SPEC_CURRENT, /* `current`, or a bare relative step (+N / -N) */
	VH_SPEC_NONE     /* the empty side of a range ("START:" or ":END") */
} vh_spec_kind;

typedef struct vh_spec {
	vh_spec_kind kind;
	char rev[64];   /* VH_SPEC_REV: the id or prefix as written */
	long relative;  /* +N / -N steps, 0 when none */
	char branch[64]; /* "shop" in shop@head, shop@base, shop@+1; "" when none */
} vh_spec;

enum {
	VH_SPEC_ALLOW_RANGE = 1 << 0,
	VH_SPEC_ALLOW_CURRENT = 1 << 1
};

/* Parses `text`. With VH_SPEC_ALLOW_RANGE, "A:B" fills *from and *to and
 * *is_range is set; otherwise only *to is filled. Errors (VH_ERR_USAGE):
 *   "Range revision not allowed" for a range where none is allowed,
 *   "Invalid revision spec '+x': expected a number after '+'",
 *   "Relative revision '-0' must be a non-zero number",
 *   "Invalid revision spec 'a@b@head': ...", ...
 * `from` may be NULL when ranges are not allowed; when the text is not a
 * range, *from (if given) is set to VH_SPEC_NONE. `is_range` may be NULL.
 * Nothing is written on error. */
int vh_spec_parse(const char *text, unsigned flags, vh_spec *from, vh_spec *to,
		  int *is_range);

/* Resolves an id or prefix to a graph index. Errors (VH_ERR_GENERIC):
 *   "Can't locate revision identified by 'xyz123'"
 *   "Multiple revisions start with 'aaaa': 'aaaa1111', 'aaaa2222'"
 * Prefixes shorter than 4 characters only match exactly (as Alembic). */
int vh_spec_lookup(const vh_graph *g, const char *id_or_prefix, size_t *out);

/* Resolves a parsed spec to a set of revisions (graph indexes) given the
 * current heads (`cur`, may be empty = base; valid distinct indexes, else
 * VH_ERR_USAGE). VH_SPEC_NONE resolves to the empty set. The result is written to
 * out[0..*nout), out having room for vh_graph_count(g) entries; base is an
 * empty set. Relative steps walk parents (-N) or children (+N) and must be
 * unambiguous:
 *   "Relative revision -5 didn't produce 5 migrations" (+5 likewise)
 *   "Relative revision -1 is ambiguous: 'mmmm' is a merge point of 'aaaa', 'bbbb'; use a revision id"
 *   (and likewise at a branch point, several bases, several current heads)
 *   "Multiple head revisions are present for given argument 'head'; please
 *    specify a specific target revision (one of the heads: 'aaaa', 'bbbb';
 *    'vhost heads' lists them), '<branchname>@head' to narrow to a specific
 *    head, or 'heads' for all heads"
 * Returns 0 or a negative code with the message set. */
int vh_spec_resolve(const vh_graph *g, const vh_spec *spec, const size_t *cur,
		    size_t ncur, size_t *out, size_t *nout);

/* The members of the spec's branch (`shop` of shop@head: the revisions its
 * label covers; for a revision id, it and its descendants) into
 * out[0..*nout) (room for vh_graph_count(g)). "No such branch: 'shop'"
 * when the name is neither a label nor a revision. */
int vh_spec_branch_members(const vh_graph *g, const char *branch, size_t *out, size_t *nout);

/* Writes `spec` back as text ("head", "ae10+2", "-1" for a bare step,
 * "current", "" for VH_SPEC_NONE) into buf, truncating like snprintf. */
void vh_spec_format(const vh_spec *spec, char *buf, size_t len);

#endif
