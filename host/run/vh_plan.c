/* vh_plan.c - ordering the revisions to run and simulating the version
 * table's rows as they change, so each step knows its INSERT/UPDATE/DELETE. */
#include "vh_plan.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "vh_error.h"
#include "vh_spec.h"

/* The set of current heads while simulating, as a small array: plans with
 * many parallel branches are rare, and each step touches one or two rows. */
typedef struct heads {
	size_t *v;
	size_t n;
} heads;

static int heads_has(const heads *h, size_t r, size_t *at)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->v[i] == r) {
			if (at)
				*at = i;
			return 1;
		}
	return 0;
}

static void heads_remove(heads *h, size_t r)
{
	size_t i;

	if (heads_has(h, r, &i))
		h->v[i] = h->v[--h->n];
}

static int step_add_action(vh_step *s, vh_vt_kind kind, size_t from, size_t to)
{
	vh_vt_action *a = realloc(s->actions, (s->nactions + 1) * sizeof(*a));

	if (!a)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	s->actions = a;
	a[s->nactions].kind = kind;
	a[s->nactions].from = from;
	a[s->nactions].to = to;
	s->nactions++;
	return 0;
}

void vh_plan_clear(vh_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->n; i++) {
		free(plan->steps[i].actions);
		free(plan->steps[i].to_heads);
	}
	free(plan->steps);
	plan->steps = NULL;
	plan->n = 0;
}

size_t vh_plan_reduce_heads(const vh_graph *g, size_t *set, size_t n)
{
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		int covered = 0;

		for (j = 0; j < n && !covered; j++)
			if (j != i && set[j] != set[i] && vh_graph_is_ancestor(g, set[i], set[j]))
				covered = 1;
		for (j = 0; j < k && !covered; j++)
			if (set[j] == set[i])
				covered = 1;
		if (!covered)
			set[k++] = set[i];
	}
	return k;
}

/* Allocates the plan's steps and a working copy of the heads. */
static int plan_begin(vh_plan *out, heads *h, size_t nsteps, const size_t *cur, size_t ncur,
		      size_t count)
{
	memset(out, 0, sizeof(*out));
	out->steps = calloc(nsteps ? nsteps : 1, sizeof(vh_step));
	/* heads never outnumber the revisions, plus the current ones */
	h->v = malloc((count + ncur + 1) * sizeof(size_t));
	if (!out->steps || !h->v) {
		free(out->steps);
		free(h->v);
		out->steps = NULL;
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if (ncur) /* cur may be NULL at base: memcpy(dst, NULL, 0) is undefined */
		memcpy(h->v, cur, ncur * sizeof(size_t));
	h->n = ncur;
	return 0;
}

int vh_plan_upgrade(vh_plan *out, const vh_graph *g, const size_t *cur, size_t ncur,
		    const size_t *target, size_t ntarget)
{
	size_t count = vh_graph_count(g), i, j, nsteps = 0;
	const size_t *order = vh_graph_order(g);
	unsigned char *applied = calloc(count ? count : 1, 1), *want = calloc(count ? count : 1, 1);
	heads h = {0};
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!applied || !want) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	vh_graph_mark_ancestors(g, cur, ncur, applied);
	vh_graph_mark_ancestors(g, target, ntarget, want);
	for (i = 0; i < count; i++)
		if (want[i] && !applied[i])
			nsteps++;
	if ((rc = plan_begin(out, &h, nsteps, cur, ncur, count)) < 0)
		goto done;

	for (i = 0; i < count; i++) {
		size_t r = order[i], np, last = (size_t)-1;
		const size_t *par;
		vh_step *s;

		if (!want[r] || applied[r])
			continue;
		s = &out->steps[out->n++];
		s->rev = r;
		s->up = 1;
		/* Parents that are heads lose their row (merge: all but one
		 * deleted, the last updated); none means a new row. */
		par = vh_graph_down(g, r, &np);
		for (j = 0; j < np; j++) {
			if (!heads_has(&h, par[j], NULL))
				continue;
			if (last != (size_t)-1 && (rc = step_add_action(s, VH_VT_DELETE, last, 0)) < 0)
				goto done;
			heads_remove(&h, par[j]);
			last = par[j];
		}
		rc = last == (size_t)-1 ? step_add_action(s, VH_VT_INSERT, 0, r)
					: step_add_action(s, VH_VT_UPDATE, last, r);
		if (rc < 0)
			goto done;
		h.v[h.n++] = r;
	}
done:
	if (rc < 0)
		vh_plan_clear(out);
	free(h.v);
	free(applied);
	free(want);
	return rc;
}

/* Marks every strict descendant of `from[0..n)` (children, their children...). */
static int mark_descendants(const vh_graph *g, const size_t *from, size_t n, unsigned char *mark)
{
	size_t count = vh_graph_count(g), top = 0, i, nc;
	size_t *stack = malloc((count + 1) * sizeof(size_t));
	const size_t *ch;

	if (!stack)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		ch = vh_graph_children_all(g, from[i], &nc);
		while (nc--)
			if (!mark[ch[nc]]) {
				mark[ch[nc]] = 1;
				stack[top++] = ch[nc];
			}
		while (top) {
			size_t r = stack[--top];

			ch = vh_graph_children_all(g, r, &nc);
			while (nc--)
				if (!mark[ch[nc]]) {
					mark[ch[nc]] = 1;
					stack[top++] = ch[nc];
				}
		}
	}
	free(stack);
	return 0;
}

/* Plans the downgrade of every applied revision marked in `remove`, newest
 * first, with Alembic's version-table changes. */
static int plan_downgrade_marked(vh_plan *out, const vh_graph *g, const size_t *cur, size_t ncur,
				 const unsigned char *remove)
{
	size_t count = vh_graph_count(g), i, j, nsteps = 0;
	const size_t *order = vh_graph_order(g);
	unsigned char *applied = calloc(count ? count : 1, 1);
	heads h = {0};
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!applied)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	vh_graph_mark_ancestors(g, cur, ncur, applied);
	for (i = 0; i < count; i++)
		if (remove[i] && applied[i])
			nsteps++;
	if ((rc = plan_begin(out, &h, nsteps, cur, ncur, count)) < 0)
		goto done;

	for (i = count; i-- > 0;) {
		size_t r = order[i], np, k, added = 0;
		const size_t *par;
		vh_step *s;

		if (!remove[r] || !applied[r])
			continue;
		s = &out->steps[out->n++];
		s->rev = r;
		s->up = 0;
		heads_remove(&h, r);
		applied[r] = 0;
		par = vh_graph_down(g, r, &np);
		s->to_heads = malloc((np ? np : 1) * sizeof(size_t));
		if (!s->to_heads) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		/* A parent becomes a head again unless a remaining head still
		 * descends from it (a branchpoint with another branch applied). */
		for (j = 0; j < np; j++) {
			int covered = heads_has(&h, par[j], NULL);

			for (k = 0; k < h.n && !covered; k++)
				if (vh_graph_is_ancestor(g, par[j], h.v[k]))
					covered = 1;
			if (!covered)
				s->to_heads[s->nto_heads++] = par[j];
		}
		/* Alembic's unmerge order: INSERT every new head but the last,
		 * then UPDATE this revision's row to the last; no new head means
		 * the row goes (base, or a branch whose parent is still below
		 * another head). */
		for (added = 0; added + 1 < s->nto_heads; added++)
			if ((rc = step_add_action(s, VH_VT_INSERT, 0, s->to_heads[added])) < 0)
				goto done;
		rc = s->nto_heads ? step_add_action(s, VH_VT_UPDATE, r, s->to_heads[s->nto_heads - 1])
				  : step_add_action(s, VH_VT_DELETE, r, 0);
		if (rc < 0)
			goto done;
		for (j = 0; j < s->nto_heads; j++)
			h.v[h.n++] = s->to_heads[j];
	}
done:
	if (rc < 0)
		vh_plan_clear(out);
	free(h.v);
	free(applied);
	return rc;
}

int vh_plan_downgrade(vh_plan *out, const vh_graph *g, const size_t *cur, size_t ncur,
		      const size_t *target, size_t ntarget)
{
	size_t count = vh_graph_count(g), i;
	unsigned char *remove = calloc(count ? count : 1, 1), *applied = calloc(count ? count : 1, 1);
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!remove || !applied) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	vh_graph_mark_ancestors(g, cur, ncur, applied);
	for (i = 0; i < ntarget; i++)
		if (!applied[target[i]]) {
			rc = vh_error_set(VH_ERR_GENERIC,
					  "Destination %s is not a valid downgrade target from current head(s)",
					  vh_graph_rev(g, target[i])->id);
			goto done;
		}
	if (ntarget == 0)
		memset(remove, 1, count);
	else if ((rc = mark_descendants(g, target, ntarget, remove)) < 0)
		goto done;
	rc = plan_downgrade_marked(out, g, cur, ncur, remove);
done:
	free(remove);
	free(applied);
	return rc;
}

int vh_plan_downgrade_branch(vh_plan *out, const vh_graph *g, const size_t *cur, size_t ncur,
			     const size_t *members, size_t nmembers)
{
	size_t i;
	unsigned char *remove = calloc(vh_graph_count(g) + 1, 1);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!remove)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < nmembers; i++)
		remove[members[i]] = 1;
	rc = mark_descendants(g, members, nmembers, remove);
	if (rc == 0)
		rc = plan_downgrade_marked(out, g, cur, ncur, remove);
	free(remove);
	return rc;
}

int vh_plan_for_spec(vh_plan *out, const vh_graph *g, int up, const vh_spec *spec,
		     const size_t *cur, size_t ncur, const size_t *target, size_t ntarget)
{
	size_t *members, nmembers;
	int rc;

	if (up)
		return vh_plan_upgrade(out, g, cur, ncur, target, ntarget);
	if (!spec->branch[0] || spec->kind != VH_SPEC_BASE || spec->relative)
		return vh_plan_downgrade(out, g, cur, ncur, target, ntarget);
	memset(out, 0, sizeof(*out));
	if (!(members = malloc((vh_graph_count(g) + 1) * sizeof(size_t))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_spec_branch_members(g, spec->branch, members, &nmembers);
	if (rc == 0)
		rc = vh_plan_downgrade_branch(out, g, cur, ncur, members, nmembers);
	free(members);
	return rc;
}

void vh_plan_step_label(const vh_graph *g, const vh_step *s, const char *base, char *buf,
		       size_t len)
{
	size_t np, i, used;
	const size_t *par = vh_graph_parents(g, s->rev, &np);
	const char *id = vh_graph_rev(g, s->rev)->id;

	/* Alembic names the revision's parents on both sides, also when a
	 * downgrade only drops a branch's row ("b -> a", not "b -> "). */
	buf[0] = '\0';
	if (!s->up)
		snprintf(buf, len, "%s -> ", id);
	if (np == 0) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s", base);
	}
	for (i = 0; i < np; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", vh_graph_rev(g, par[i])->id);
	}
	if (s->up) {
		used = strlen(buf);
		snprintf(buf + used, len - used, " -> %s", id);
	}
}
