/* vh_spec.c - revision specs in Alembic's grammar: parsing text into a
 * vh_spec, resolving ids and prefixes, and walking relative steps over the
 * graph. Ambiguity is always an error, never a guess. */
#include "vh_spec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"

/* A spec longer than this cannot be useful (two 32-character ids, two
 * relative steps and a colon fit easily); refusing it early keeps messages
 * readable and the parser's buffers fixed. */
#define VH__SPEC_TEXT_MAX 128
/* At most 999,999,999 steps: more than any graph, and it fits a long. */
#define VH__REL_DIGITS_MAX 9
/* Longest list of ids spelled out in one message; the rest is counted. */
#define VH__LIST_MAX 10

/* ------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------ */

/* Parses one side of a spec (no ':' in it, not empty) into *out. Errors are
 * VH_ERR_USAGE naming `s`. */
static int vh__parse_side(const char *s, unsigned flags, vh_spec *out)
{
	char name[VH__SPEC_TEXT_MAX + 1];
	const char *op, *at = strchr(s, '@'), *whole = s;
	size_t nlen;
	vh_spec spec;

	_Static_assert(sizeof(spec.rev) > VH_REVISION_ID_MAX, "vh_spec.rev holds an id");
	_Static_assert(sizeof(spec.branch) > VH_REVISION_ID_MAX, "vh_spec.branch holds an id");
	memset(&spec, 0, sizeof(spec));
	if (at) {
		char what[VH__SPEC_TEXT_MAX + 32];

		memcpy(name, s, (size_t)(at - s));
		name[at - s] = '\0';
		snprintf(what, sizeof(what), "Invalid revision spec '%s'", whole);
		if (vh_revision_check_id(name, what) < 0)
			return VH_ERR_USAGE;
		if (!at[1])
			return vh_error_set(VH_ERR_USAGE,
					    "Invalid revision spec '%s': expected head, base or +N/-N after '@'",
					    whole);
		memcpy(spec.branch, name, (size_t)(at - s) + 1);
		s = at + 1;
	}
	op = strpbrk(s, "+-");
	nlen = op ? (size_t)(op - s) : strlen(s);
	memcpy(name, s, nlen);
	name[nlen] = '\0';

	if (op) {
		const char *d = op + 1, *p;
		size_t ndig;

		for (p = d; *p; p++)
			if (!isdigit((unsigned char)*p))
				break;
		if (p == d || *p)
			return vh_error_set(VH_ERR_USAGE,
					    "Invalid revision spec '%s': expected a number after '%c'",
					    s, *op);
		while (*d == '0')
			d++;
		ndig = strlen(d);
		if (ndig == 0)
			return vh_error_set(VH_ERR_USAGE,
					    "Relative revision '%s' must be a non-zero number", s);
		if (ndig > VH__REL_DIGITS_MAX)
			return vh_error_set(VH_ERR_USAGE,
					    "Relative revision '%s' is too large", s);
		spec.relative = strtol(d, NULL, 10);
		if (*op == '-')
			spec.relative = -spec.relative;
	}

	if (op && nlen == 0) {
		spec.kind = VH_SPEC_CURRENT; /* bare +N / -N */
	} else if (strcmp(name, "head") == 0) {
		spec.kind = VH_SPEC_HEAD;
	} else if (strcmp(name, "heads") == 0) {
		/* Several revisions have no single "one below". */
		if (op)
			return vh_error_set(VH_ERR_USAGE,
					    "Invalid revision spec '%s': 'heads' is not a single revision and cannot be relative; use 'head%s' or a revision id",
					    s, op);
		spec.kind = VH_SPEC_HEADS;
	} else if (strcmp(name, "base") == 0) {
		spec.kind = VH_SPEC_BASE;
	} else if (strcmp(name, "current") == 0) {
		if (!(flags & VH_SPEC_ALLOW_CURRENT) && !spec.branch[0])
			return vh_error_set(VH_ERR_USAGE,
					    "Invalid revision spec '%s': 'current' is not allowed here; use a revision id, head or base",
					    s);
		spec.kind = VH_SPEC_CURRENT;
	} else {
		char what[VH__SPEC_TEXT_MAX + 32];

		snprintf(what, sizeof(what), "Invalid revision spec '%s'", whole);
		if (vh_revision_check_id(name, what) < 0)
			return VH_ERR_USAGE;
		spec.kind = VH_SPEC_REV;
		/* check_id capped it at VH_REVISION_ID_MAX, well under rev[]. */
		memcpy(spec.rev, name, nlen + 1);
	}
	*out = spec;
	return 0;
}

/* Parses `text` (see vh_spec.h). Beyond the header: when the text is not a
 * range, *from (if given) is set to VH_SPEC_NONE; `is_range` may be NULL.
 * Nothing is written on error. */
int vh_spec_parse(const char *text, unsigned flags, vh_spec *from, vh_spec *to,
		  int *is_range)
{
	char left[VH__SPEC_TEXT_MAX + 1];
	const char *colon;
	vh_spec a, b;
	size_t len;
	int error;

	memset(&a, 0, sizeof(a));
	a.kind = VH_SPEC_NONE;
	b = a;
	if (!text || !*text)
		return vh_error_set(VH_ERR_USAGE,
				    "Invalid revision spec '': expected a revision id, head, heads or base");
	len = strlen(text);
	if (len > VH__SPEC_TEXT_MAX)
		return vh_error_set(VH_ERR_USAGE,
				    "Invalid revision spec '%.40s...': %zu characters, at most %d",
				    text, len, VH__SPEC_TEXT_MAX);

	if (!(colon = strchr(text, ':'))) {
		if ((error = vh__parse_side(text, flags, &b)) < 0)
			return error;
		if (from)
			*from = a;
		*to = b;
		if (is_range)
			*is_range = 0;
		return 0;
	}

	if (!(flags & VH_SPEC_ALLOW_RANGE) || !from)
		return vh_error_set(VH_ERR_USAGE, "Range revision not allowed");
	if (strchr(colon + 1, ':'))
		return vh_error_set(VH_ERR_USAGE,
				    "Invalid revision spec '%s': a range has a single ':'", text);
	if (colon == text && !colon[1])
		return vh_error_set(VH_ERR_USAGE,
				    "Invalid revision spec ':': a range needs a start, an end or both");
	memcpy(left, text, (size_t)(colon - text));
	left[colon - text] = '\0';
	if (*left && (error = vh__parse_side(left, flags, &a)) < 0)
		return error;
	if (colon[1] && (error = vh__parse_side(colon + 1, flags, &b)) < 0)
		return error;
	*from = a;
	*to = b;
	if (is_range)
		*is_range = 1;
	return 0;
}

/* Writes the spec back in the grammar vh_spec_parse reads: "ae10+2",
 * "head-1", "-1" (a bare step), "current", "" for VH_SPEC_NONE. Truncates to
 * `len` like snprintf; len 0 writes nothing. */
void vh_spec_format(const vh_spec *spec, char *buf, size_t len)
{
	const char *name = "";

	if (!len)
		return;
	switch (spec->kind) {
	case VH_SPEC_REV: name = spec->rev; break;
	case VH_SPEC_HEAD: name = "head"; break;
	case VH_SPEC_HEADS: name = "heads"; break;
	case VH_SPEC_BASE: name = "base"; break;
	case VH_SPEC_CURRENT: name = spec->relative ? "" : "current"; break;
	case VH_SPEC_NONE: name = ""; break;
	}
	if (spec->relative)
		snprintf(buf, len, "%s%s%s%+ld", spec->branch, spec->branch[0] ? "@" : "", name,
			 spec->relative);
	else
		snprintf(buf, len, "%s%s%s", spec->branch, spec->branch[0] ? "@" : "", name);
}

/* ------------------------------------------------------------------
 * Lookup
 * ------------------------------------------------------------------ */

/* qsort has no context argument in C11; one thread, so a static will do. */
static const vh_graph *vh__sort_graph;

static int vh__cmp_id(const void *a, const void *b)
{
	return strcmp(vh_graph_rev(vh__sort_graph, *(const size_t *)a)->id,
		      vh_graph_rev(vh__sort_graph, *(const size_t *)b)->id);
}

/* Writes "'a', 'b', ..." for idx[0..n) into buf, at most VH__LIST_MAX ids. */
static void vh__list_ids(const vh_graph *g, const size_t *idx, size_t n,
			 char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < VH__LIST_MAX && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s'%s'",
					 i ? ", " : "", vh_graph_rev(g, idx[i])->id);
	if (n > VH__LIST_MAX && used < len)
		snprintf(buf + used, len - used, ", ... (%zu in all)", n);
}

/* An exact id wins; otherwise a prefix of at least 4 characters must match
 * exactly one id. O(n) for a prefix. *out is set only on success. */
int vh_spec_lookup(const vh_graph *g, const char *id_or_prefix, size_t *out)
{
	char list[VH__LIST_MAX * (VH_REVISION_ID_MAX + 4) + 32];
	size_t i, n = vh_graph_count(g), plen, nmatch = 0, *match;
	long exact = vh_graph_find(g, id_or_prefix);

	if (exact >= 0) {
		*out = (size_t)exact;
		return 0;
	}
	plen = id_or_prefix ? strlen(id_or_prefix) : 0;
	/* git's REV~N and REV^ are what users type first: say what works */
	if (plen && strpbrk(id_or_prefix, "~^"))
		return vh_error_set(VH_ERR_GENERIC,
				    "Can't locate revision identified by '%s' (relative revisions are "
				    "written head-1, REV-2 or +1, not with ~ or ^)",
				    id_or_prefix);
	if (plen > 0 && plen < 4)
		return vh_error_set(VH_ERR_GENERIC,
				    "Can't locate revision identified by '%s' (a prefix needs at least "
				    "4 characters)",
				    id_or_prefix);
	if (plen < 4 || plen > VH_REVISION_ID_MAX)
		return vh_error_set(VH_ERR_GENERIC,
				    "Can't locate revision identified by '%s'",
				    id_or_prefix ? id_or_prefix : "");

	if (!(match = malloc((n + 1) * sizeof(size_t))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (strncmp(vh_graph_rev(g, i)->id, id_or_prefix, plen) == 0)
			match[nmatch++] = i;
	if (nmatch == 1) {
		*out = match[0];
		free(match);
		return 0;
	}
	if (nmatch == 0) {
		free(match);
		return vh_error_set(VH_ERR_GENERIC,
				    "Can't locate revision identified by '%s'", id_or_prefix);
	}
	vh__sort_graph = g;
	qsort(match, nmatch, sizeof(size_t), vh__cmp_id);
	vh__list_ids(g, match, nmatch, list, sizeof(list));
	free(match);
	return vh_error_set(VH_ERR_GENERIC, "Multiple revisions start with '%s': %s",
			    id_or_prefix, list);
}

/* ------------------------------------------------------------------
 * Resolving
 * ------------------------------------------------------------------ */

/* Walks `steps` (non-zero) from *at, which is a graph index or, when
 * *at_base is set, the base below every revision. Down follows the single
 * parent (a base revision steps down to base); up follows the single child
 * (base steps up to the single base revision). Fails when the walk leaves
 * the graph or meets a fork. On success updates *at / *at_base. */
static int vh__walk(const vh_graph *g, long steps, size_t *at, int *at_base)
{
	char list[VH__LIST_MAX * (VH_REVISION_ID_MAX + 4) + 32];
	long i, count = steps < 0 ? -steps : steps;
	size_t v = *at, n;
	int is_base = *at_base;

	for (i = 0; i < count; i++) {
		const size_t *next;

		if (steps < 0) {
			if (is_base)
				goto overwalk;
			next = vh_graph_parents(g, v, &n);
			if (n > 1) {
				vh__list_ids(g, next, n, list, sizeof(list));
				return vh_error_set(VH_ERR_GENERIC,
						    "Relative revision %+ld is ambiguous: '%s' is a merge point of %s; use a revision id",
						    steps, vh_graph_rev(g, v)->id, list);
			}
		} else {
			next = is_base ? vh_graph_bases(g, &n)
				       : vh_graph_children(g, v, &n);
			if (n == 0)
				goto overwalk;
			if (n > 1) {
				vh__list_ids(g, next, n, list, sizeof(list));
				if (is_base)
					return vh_error_set(VH_ERR_GENERIC,
							    "Relative revision %+ld is ambiguous: there are several bases (%s); use a revision id",
							    steps, list);
				return vh_error_set(VH_ERR_GENERIC,
						    "Relative revision %+ld is ambiguous: '%s' is a branch point with children %s; use a revision id",
						    steps, vh_graph_rev(g, v)->id, list);
			}
		}
		/* Exactly one next revision, or none going down: base. */
		is_base = n == 0;
		if (n)
			v = next[0];
	}
	*at = v;
	*at_base = is_base;
	return 0;
overwalk:
	return vh_error_set(VH_ERR_GENERIC,
			    "Relative revision %+ld didn't produce %ld migrations", steps,
			    count);
}

int vh_spec_branch_members(const vh_graph *g, const char *branch, size_t *out, size_t *nout)
{
	size_t count = vh_graph_count(g), i, idx;
	long owner = vh_graph_label_owner(g, branch);
	unsigned char *mark;

	*nout = 0;
	if (owner < 0) {
		if (vh_spec_lookup(g, branch, &idx) < 0)
			return vh_error_set(VH_ERR_GENERIC,
					    "No such branch: '%s' (neither a branch label nor a revision)",
					    branch);
		owner = (long)idx;
	}
	if (!(mark = calloc(count + 1, 1)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	vh_graph_branch_mark(g, (size_t)owner, mark);
	for (i = 0; i < count; i++)
		if (mark[vh_graph_order(g)[i]])
			out[(*nout)++] = vh_graph_order(g)[i];
	free(mark);
	return 0;
}

/* Resolves a spec qualified by a branch (shop@head, shop@+1, shop@-1):
 * heads and steps are taken among the branch's members only. shop@base is
 * the empty set here; downgrade asks vh_spec_branch_members for what to
 * remove. */
static int vh__resolve_branch(const vh_graph *g, const vh_spec *spec, const size_t *cur,
			      size_t ncur, size_t *out, size_t *nout)
{
	char list[VH__LIST_MAX * (VH_REVISION_ID_MAX + 4) + 32], text[200];
	size_t count = vh_graph_count(g), *mem = malloc((count + 1) * sizeof(size_t));
	size_t nmem = 0, i, j, n = 0, idx = 0, np;
	unsigned char *applied = calloc(count + 1, 1);
	int error = 0, at_base = 0;

	vh_spec_format(spec, text, sizeof(text));
	if (!mem || !applied) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((error = vh_spec_branch_members(g, spec->branch, mem, &nmem)) < 0)
		goto done;
	switch (spec->kind) {
	case VH_SPEC_REV: {
		/* shop@ae10: the revision itself, the branch only names it. */
		vh_spec plain = *spec;

		plain.branch[0] = '\0';
		error = vh_spec_resolve(g, &plain, cur, ncur, out, nout);
		break;
	}
	case VH_SPEC_HEAD:
	case VH_SPEC_HEADS:
		for (i = 0; i < nmem; i++) {
			vh_graph_children(g, mem[i], &np);
			if (!np)
				out[n++] = mem[i];
		}
		break;
	case VH_SPEC_CURRENT:
		vh_graph_mark_ancestors(g, cur, ncur, applied);
		for (i = 0; i < nmem; i++)
			if (applied[mem[i]])
				out[n++] = mem[i];
		/* The branch's position: its applied members that no other
		 * applied member descends from. */
		for (i = 0, j = 0; i < n; i++) {
			size_t k;
			int covered = 0;

			for (k = 0; k < n && !covered; k++)
				covered = k != i && vh_graph_is_ancestor(g, out[i], out[k]);
			if (!covered)
				out[j++] = out[i];
		}
		n = j;
		break;
	case VH_SPEC_BASE:
	case VH_SPEC_NONE:
		break;
	}
	if (error || spec->kind == VH_SPEC_REV)
		goto done;
	if (spec->kind == VH_SPEC_HEAD && n != 1 && !spec->relative) {
		vh__list_ids(g, out, n, list, sizeof(list));
		error = vh_error_set(VH_ERR_GENERIC,
				     n ? "Multiple heads in branch '%s' (%s); name one by its id" :
					 "Branch '%s' has no head%s",
				     spec->branch, n ? list : "");
		goto done;
	}
	if (!spec->relative) {
		*nout = n;
		goto done;
	}
	if (n > 1) {
		vh__list_ids(g, out, n, list, sizeof(list));
		error = vh_error_set(VH_ERR_GENERIC,
				     "Relative revision '%s' is ambiguous: branch '%s' is at %s; use a revision id",
				     text, spec->branch, list);
		goto done;
	}
	if (n == 0) {
		/* Nothing of the branch applied: count up from its first member. */
		if (spec->relative < 0 || nmem == 0) {
			error = vh_error_set(VH_ERR_GENERIC,
					     "Relative revision %+ld didn't produce %ld migrations",
					     spec->relative, -spec->relative);
			goto done;
		}
		idx = mem[0];
		if (spec->relative > 1 &&
		    (error = vh__walk(g, spec->relative - 1, &idx, &at_base)) < 0)
			goto done;
	} else {
		idx = out[0];
		if ((error = vh__walk(g, spec->relative, &idx, &at_base)) < 0)
			goto done;
	}
	*nout = 0;
	if (!at_base) {
		out[0] = idx;
		*nout = 1;
	}
done:
	free(mem);
	free(applied);
	return error;
}

/* Resolves `spec` (see vh_spec.h). Beyond the header: VH_SPEC_NONE resolves
 * to the empty set; `cur` must hold valid, distinct indexes (else
 * VH_ERR_USAGE). `out` is the caller's and is written only on success. */
int vh_spec_resolve(const vh_graph *g, const vh_spec *spec, const size_t *cur,
		    size_t ncur, size_t *out, size_t *nout)
{
	char list[VH__LIST_MAX * (VH_REVISION_ID_MAX + 4) + 32];
	const size_t *set = NULL;
	size_t nset = 0, idx, i, count = vh_graph_count(g);
	int error, at_base;

	*nout = 0;
	if (spec->branch[0])
		return vh__resolve_branch(g, spec, cur, ncur, out, nout);
	switch (spec->kind) {
	case VH_SPEC_REV:
		if ((error = vh_spec_lookup(g, spec->rev, &idx)) < 0)
			return error;
		set = &idx;
		nset = 1;
		break;
	case VH_SPEC_HEAD:
		set = vh_graph_heads(g, &nset);
		if (nset > 1) {
			/* Alembic's wording, with the heads by id added: a
			 * chain without branch labels has no '<branchname>'. */
			vh__list_ids(g, set, nset, list, sizeof(list));
			return vh_error_set(VH_ERR_GENERIC,
					    "Multiple head revisions are present for given argument "
					    "'head'; please specify a specific target revision (one of "
					    "the heads: %s; 'vhost heads' lists them), '<branchname>@head' "
					    "to narrow to a specific head, or 'heads' for all heads",
					    list);
		}
		break;
	case VH_SPEC_HEADS:
		if (spec->relative)
			return vh_error_set(VH_ERR_USAGE,
					    "Invalid revision spec 'heads%+ld': 'heads' cannot be relative",
					    spec->relative);
		set = vh_graph_heads(g, &nset);
		break;
	case VH_SPEC_CURRENT:
		if (ncur > count)
			return vh_error_set(VH_ERR_USAGE,
					    "%zu current revisions given for a graph of %zu",
					    ncur, count);
		for (i = 0; i < ncur; i++)
			if (cur[i] >= count)
				return vh_error_set(VH_ERR_USAGE,
						    "current revision index %zu is out of range",
						    cur[i]);
		set = cur;
		nset = ncur;
		break;
	case VH_SPEC_BASE:
	case VH_SPEC_NONE:
		break;
	}

	if (!spec->relative) {
		if (nset)
			memcpy(out, set, nset * sizeof(size_t));
		*nout = nset;
		return 0;
	}

	/* Only `current` can reach here with several revisions: REV is one,
	 * HEAD was refused above when there are several. */
	if (nset > 1) {
		vh__list_ids(g, set, nset, list, sizeof(list));
		return vh_error_set(VH_ERR_GENERIC,
				    "Relative revision %+ld is ambiguous: the database is at several heads (%s); use a revision id with a step, e.g. '%s%+ld'",
				    spec->relative, list, vh_graph_rev(g, set[0])->id,
				    spec->relative);
	}
	at_base = nset == 0;
	idx = nset ? set[0] : 0;
	if ((error = vh__walk(g, spec->relative, &idx, &at_base)) < 0)
		return error;
	if (!at_base) {
		out[0] = idx;
		*nout = 1;
	}
	return 0;
}
