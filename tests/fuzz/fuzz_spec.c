/* fuzz_spec.c - libFuzzer target for the revision-spec parser and resolver
 * (host/vh_spec.c).
 *
 * Input: byte 0 picks the parse flags (range, current) and byte 1 which
 * revisions are "current"; the rest is the spec text. Oracles beyond the
 * sanitizers: a spec that parses formats back to text that parses to the
 * same spec (vh_spec_format is the inverse of vh_spec_parse), and resolving
 * never yields more revisions than the graph has, nor an index outside it.
 * The graph is fixed: a chain with a branch, a merge, a second base and
 * two ids sharing each of two prefixes, so every resolver path is reachable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_graph.h"
#include "vh_spec.h"

static vh_graph *graph;

/* The fixed graph: id and down_revision of each revision. */
static const char *const revs[][2] = {
	{"1f0e2d3c4b5a", NULL},
	{"360b16ba22c2", "1f0e2d3c4b5a"},
	{"2d12193b6184", "360b16ba22c2"},
	{"2d1299990000", "360b16ba22c2"},
	{"3cfc87221979", "2d12193b6184, 2d1299990000"},
	{"ecf5acd6708d", "3cfc87221979"},
	{"aaaa00000001", NULL},
	{"aaaa00000002", "aaaa00000001"},
};
#define NREVS (sizeof(revs) / sizeof(revs[0]))

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Builds the graph once; aborts if that fails (a broken harness). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	vh_revision *r = calloc(NREVS, sizeof(*r));
	size_t i;

	(void)argc, (void)argv;
	for (i = 0; r && i < NREVS; i++) {
		r[i].id = strdup(revs[i][0]);
		r[i].down_revision = dup_or_null(revs[i][1]);
		r[i].message = strdup("fuzz");
		r[i].path = strdup(revs[i][0]);
	}
	if (!r || vh_graph_build(&graph, r, NREVS) < 0) {
		fprintf(stderr, "fuzz_spec: cannot build the graph: %s\n", vh_error_last());
		abort();
	}
	return 0;
}

/* The two specs are the same spec. */
static int same(const vh_spec *a, const vh_spec *b)
{
	return a->kind == b->kind && a->relative == b->relative &&
	       (a->kind != VH_SPEC_REV || strcmp(a->rev, b->rev) == 0);
}

/* Formats `s`, parses the text again with `flags` and aborts unless the
 * result is the same spec. */
static void round_trip(const vh_spec *s, unsigned flags)
{
	char buf[256];
	vh_spec again;

	if (s->kind == VH_SPEC_NONE)
		return;
	vh_spec_format(s, buf, sizeof(buf));
	if (vh_spec_parse(buf, flags & ~VH_SPEC_ALLOW_RANGE, NULL, &again, NULL) < 0 ||
	    !same(s, &again)) {
		fprintf(stderr, "fuzz_spec: '%s' does not parse back to the same spec (%s)\n", buf,
			vh_error_last());
		abort();
	}
}

/* Resolves `s` and checks the result's bounds. */
static void resolve(const vh_spec *s, const size_t *cur, size_t ncur)
{
	size_t out[NREVS + 1], n = NREVS + 1, i;

	if (vh_spec_resolve(graph, s, cur, ncur, out, &n) < 0)
		return;
	if (n > NREVS)
		abort();
	for (i = 0; i < n; i++)
		if (out[i] >= NREVS)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vh_spec from, to;
	size_t cur[NREVS], ncur = 0, i;
	unsigned flags;
	int is_range = 0;
	char *text;

	if (size < 2)
		return 0;
	flags = data[0] & (VH_SPEC_ALLOW_RANGE | VH_SPEC_ALLOW_CURRENT);
	for (i = 0; i < NREVS && i < 8; i++)
		if (data[1] & (1u << i))
			cur[ncur++] = i;
	if (!(text = malloc(size - 1)))
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	if (vh_spec_parse(text, flags, (flags & VH_SPEC_ALLOW_RANGE) ? &from : NULL, &to,
			  &is_range) == 0) {
		round_trip(&to, flags);
		resolve(&to, cur, ncur);
		if (is_range) {
			round_trip(&from, flags);
			resolve(&from, cur, ncur);
		}
	}
	/* The lookup on its own, with the raw text as an id or prefix. */
	if (vh_spec_lookup(graph, text, &i) == 0 && i >= NREVS)
		abort();
	free(text);
	vh_error_clear();
	return 0;
}
