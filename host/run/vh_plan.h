/* vh_plan.h - turning "from these heads to that target" into an ordered list
 * of revisions to run, each with the version-table changes Alembic would
 * make for it (UPDATE for a linear step, INSERT for a new branch, DELETE at
 * base or when merging). Pure logic over the graph: no database. */
#ifndef VH_PLAN_H
#define VH_PLAN_H

#include <stddef.h>

#include "vh_graph.h"

typedef enum vh_vt_kind { VH_VT_INSERT, VH_VT_UPDATE, VH_VT_DELETE } vh_vt_kind;

typedef struct vh_vt_action {
	vh_vt_kind kind;
	size_t from; /* UPDATE, DELETE: the row's revision */
	size_t to;   /* UPDATE, INSERT: the new revision */
} vh_vt_action;

typedef struct vh_step {
	size_t rev; /* the revision run */
	int up;     /* 1 upgrade, 0 downgrade */
	vh_vt_action *actions;
	size_t nactions;
	/* downgrade: the parents that become heads again (parent order) */
	size_t *to_heads;
	size_t nto_heads;
} vh_step;

typedef struct vh_plan {
	vh_step *steps;
	size_t n;
} vh_plan;

/* Plans an upgrade from the current heads `cur` to the revisions `target`
 * (and their ancestors): every revision that is an ancestor of a target but
 * not of a current head, bases first. An empty plan means nothing to do.
 * *out is the caller's (vh_plan_clear). */
int vh_plan_upgrade(vh_plan *out, const vh_graph *g, const size_t *cur, size_t ncur,
		    const size_t *target, size_t ntarget);

/* Plans a downgrade to `target` (empty = base): every applied revision that
 * descends from a target (all of them for base), newest first. A target that
 * is not applied is Alembic's "Destination X is not a valid downgrade target
 * from current head(s)". */
int vh_plan_downgrade(vh_plan *out, const vh_graph *g, const size_t *cur, size_t ncur,
		      const size_t *target, size_t ntarget);

/* Plans `downgrade label@base`: every applied revision among `members`
 * (the branch) or depending on one of them, newest first; the other
 * branches stay. */
int vh_plan_downgrade_branch(vh_plan *out, const vh_graph *g, const size_t *cur, size_t ncur,
			     const size_t *members, size_t nmembers);

/* The plan a command's target asks for: vh_plan_upgrade, or
 * vh_plan_downgrade, or for `label@base` vh_plan_downgrade_branch. */
struct vh_spec;
int vh_plan_for_spec(vh_plan *out, const vh_graph *g, int up, const struct vh_spec *spec,
		     const size_t *cur, size_t ncur, const size_t *target, size_t ntarget);

void vh_plan_clear(vh_plan *plan);

/* Reduces a set of revisions to its heads (drops any that is an ancestor of
 * another in the set), in place; returns the new count. */
size_t vh_plan_reduce_heads(const vh_graph *g, size_t *set, size_t n);

/* "A -> B" labels for a step, as Alembic logs them: the parents on the left
 * of an upgrade, on the right of a downgrade, and `base` ("" in Alembic's
 * progress lines, "<base>" in reports) where a revision has none. */
void vh_plan_step_label(const vh_graph *g, const vh_step *s, const char *base, char *buf,
		       size_t len);

#endif
