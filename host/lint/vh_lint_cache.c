/* vh_lint_cache.c - rendered revisions kept for the children of a fleet.
 *
 * The lint gate renders every pending revision in a forked child before
 * `upgrade` runs it; over a fleet that is one fork, dlopen and render per
 * revision per target, the same work a thousand times. A fleet primes this
 * cache once, in the parent, before its children fork (they inherit it):
 * each revision is rendered twice, with the first target's schema and with
 * a schema no target has, and kept only when both renderings are identical,
 * so a revision whose SQL depends on the schema (vh_schema()), on the time
 * or on anything else that may differ between targets is still rendered
 * per target. What is cached is only the offline rendering: parsing, the
 * rules and the sizes of each target's relations still run per target. */
#include "vh_lint_int.h"

#include <stdlib.h>
#include <string.h>

#include "vh_error.h"

/* A schema name no target is expected to have: a revision whose script
 * names it was rendered from the schema. */
#define PROBE_SCHEMA "vh_lint_cache_probe_schema"

typedef struct cached {
	const vh_revision *rev;
	vh_lint_rendered r;
} cached;

static cached *cache;
static size_t ncache;

static int same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int same(const vh_lint_rendered *a, const vh_lint_rendered *b)
{
	size_t i;

	if (a->crashed || b->crashed || a->nignores != b->nignores)
		return 0;
	for (i = 0; i < 2; i++)
		if (a->status[i] != b->status[i] || !same_str(a->why[i], b->why[i]) ||
		    !same_str(a->script[i], b->script[i]))
			return 0;
	for (i = 0; i < a->nignores * 2; i++)
		if (!same_str(a->ignores[i], b->ignores[i]))
			return 0;
	return 1;
}

static char *dup_or_null(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;

	*failed |= s && !d;
	return d;
}

/* A deep copy of *src into *dst; 0 or -1 out of memory (dst cleared). */
static int copy(vh_lint_rendered *dst, const vh_lint_rendered *src)
{
	int failed = 0;
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < 2; i++) {
		dst->status[i] = src->status[i];
		dst->why[i] = dup_or_null(src->why[i], &failed);
		dst->script[i] = dup_or_null(src->script[i], &failed);
	}
	if (src->nignores && !(dst->ignores = calloc(src->nignores * 2, sizeof(char *))))
		failed = 1;
	for (i = 0; dst->ignores && i < src->nignores * 2; i++)
		dst->ignores[i] = dup_or_null(src->ignores[i], &failed);
	dst->nignores = dst->ignores ? src->nignores : 0;
	if (failed)
		vh_lint_rendered_clear(dst);
	return failed ? -1 : 0;
}

int vh_lint_cache_has(const vh_revision *rev)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		if (cache[i].rev == rev)
			return 1;
	return 0;
}

int vh_lint_cache_get(vh_lint_rendered *out, const vh_revision *rev)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		if (cache[i].rev == rev)
			return copy(out, &cache[i].r) == 0 ? 1 : 0;
	return 0;
}

int vh_lint_cache_prime(const vh_graph *g, const size_t *revs, size_t n, const char *schema)
{
	vh_lint_rendered a, b;
	cached *grown;
	size_t i;

	if (!(grown = realloc(cache, (ncache + n + 1) * sizeof(*cache))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	cache = grown;
	for (i = 0; i < n; i++) {
		const vh_revision *rev = vh_graph_rev(g, revs[i]);
		int keep;

		if (vh_lint_cache_get(&a, rev)) {
			vh_lint_rendered_clear(&a);
			continue;
		}
		/* A plugin that does not load is the gate's error, per target. */
		if (vh_lint_render(&a, rev, schema) < 0) {
			vh_error_clear();
			continue;
		}
		if (vh_lint_render(&b, rev, PROBE_SCHEMA) < 0) {
			vh_error_clear();
			vh_lint_rendered_clear(&a);
			continue;
		}
		keep = same(&a, &b);
		vh_lint_rendered_clear(&b);
		if (!keep) {
			vh_lint_rendered_clear(&a);
			continue;
		}
		cache[ncache].rev = rev;
		cache[ncache++].r = a;
	}
	return 0;
}

void vh_lint_cache_clear(void)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		vh_lint_rendered_clear(&cache[i].r);
	free(cache);
	cache = NULL;
	ncache = 0;
}
