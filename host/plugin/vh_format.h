/* vh_format.h - printing revisions the way Alembic does, shared by
 * history, heads, branches, show and current. */
#ifndef VH_FORMAT_H
#define VH_FORMAT_H

#include <stdio.h>

#include "vh_graph.h"

/* Alembic's one-line form: "<base> -> 1f0e2d3c4b5a (head) (current), msg".
 * `current` marks the revision as one the database is at; `parents` and
 * `doc` add the "A -> " prefix and the ", message" suffix. */
void vh_format_line(FILE *out, const vh_graph *g, size_t idx, int current, int parents, int doc);

/* Alembic's verbose entry: Rev/Parent or Merges/Branches into/Path, then the
 * message and description indented. */
void vh_format_entry(FILE *out, const vh_graph *g, size_t idx, int current);

/* The revision's declared dependencies joined with ", " between `pre` and
 * `post`; nothing when it has none. */
void vh_format_depends(FILE *out, const vh_revision *r, const char *pre, const char *post);

/* "<base>" or the parents joined with ", " into buf. */
void vh_format_down(const vh_graph *g, size_t idx, char *buf, size_t len);

#endif
