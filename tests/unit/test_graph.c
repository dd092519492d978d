/* test_graph.c - the revision graph (vh_graph.c), revision ids
 * (vh_revision.c) and resolving specs against a graph (vh_spec.c): chains,
 * branches, merges, broken graphs, prefixes, relative steps, and a
 * 10,000-revision chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "vh_error.h"
#include "vh_graph.h"
#include "vh_spec.h"

#include "vh_test.h"

/* ------------------------------------------------------------------
 * Building graphs in memory
 * ------------------------------------------------------------------ */

static vh_revision *t_revs;
static size_t t_n, t_cap;

/* Appends a revision; `path` NULL means "plugins/<id>.so". Strings are
 * strdup'd: the graph takes them. */
static void add(const char *id, const char *down, const char *path)
{
	char buf[256];
	vh_revision *r;

	if (t_n == t_cap) {
		t_cap = t_cap ? 2 * t_cap : 16;
		t_revs = realloc(t_revs, t_cap * sizeof(*t_revs));
	}
	r = &t_revs[t_n++];
	memset(r, 0, sizeof(*r));
	snprintf(buf, sizeof(buf), "plugins/%s.so", id);
	r->id = strdup(id);
	r->down_revision = down ? strdup(down) : NULL;
	r->path = strdup(path ? path : buf);
	r->message = strdup("");
}

/* Builds from what add() collected; the collection starts afresh. */
static int build(vh_graph **g)
{
	int error = vh_graph_build(g, t_revs, t_n);

	t_revs = NULL;
	t_n = t_cap = 0;
	return error;
}

/* Builds and expects failure with exactly `msg`. */
static void expect_build_error(const char *msg)
{
	vh_graph *g = NULL;

	CU_ASSERT_EQUAL(build(&g), VH_ERR_GENERIC);
	CU_ASSERT_PTR_NULL(g);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), msg);
	if (strcmp(vh_error_last(), msg) != 0)
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", vh_error_last(), msg);
}

static const char *id_at(const vh_graph *g, size_t idx)
{
	return vh_graph_rev(g, idx)->id;
}

/* Ids of idx[0..n) joined with spaces, in a static buffer. */
static const char *ids(const vh_graph *g, const size_t *idx, size_t n)
{
	static char buf[4096];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? " " : "", id_at(g, idx[i]));
	return buf;
}

static const char *order_ids(const vh_graph *g)
{
	return ids(g, vh_graph_order(g), vh_graph_count(g));
}

/* Parses and resolves `text` with the current heads given as ids separated
 * by spaces ("" = base). Returns the resolved ids (as ids()) or "!" followed
 * by the error message. */
static const char *res(const vh_graph *g, const char *text, const char *cur_ids)
{
	static char buf[4096];
	size_t cur[16], ncur = 0, out[64], nout = 0;
	char tmp[256], *tok, *save = NULL;
	vh_spec spec;

	snprintf(tmp, sizeof(tmp), "%s", cur_ids);
	for (tok = strtok_r(tmp, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		cur[ncur++] = (size_t)vh_graph_find(g, tok);
	if (vh_spec_parse(text, VH_SPEC_ALLOW_CURRENT, NULL, &spec, NULL) < 0 ||
	    vh_spec_resolve(g, &spec, cur, ncur, out, &nout) < 0) {
		snprintf(buf, sizeof(buf), "!%s", vh_error_last());
		return buf;
	}
	return ids(g, out, nout);
}

#define CHECK_RES(g, text, cur, want)                                          \
	do {                                                                   \
		const char *got_ = res(g, text, cur);                          \
		CU_ASSERT_STRING_EQUAL(got_, want);                            \
		if (strcmp(got_, want) != 0)                                   \
			fprintf(stderr, "\n  %s (cur '%s'):\n  got:  %s\n  want: %s\n", \
				text, cur, got_, want);                        \
	} while (0)

/* ------------------------------------------------------------------
 * Revision ids
 * ------------------------------------------------------------------ */

static void test_check_id(void)
{
	const char *x = "plugins/x.so";

	CU_ASSERT_EQUAL(vh_revision_check_id("ae1027a6acf", x), 0);
	CU_ASSERT_EQUAL(vh_revision_check_id("0123456789abcdef0123456789abcdef", x), 0);
	CU_ASSERT_EQUAL(vh_revision_check_id("a.b_c/d", x), 0);

	CU_ASSERT_EQUAL(vh_revision_check_id("a-b", x), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(),
			       "plugins/x.so: Character(s) '-' not allowed in revision identifier 'a-b'");
	CU_ASSERT_EQUAL(vh_revision_check_id("a@b+c-d:e,f-", x), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(),
			       "plugins/x.so: Character(s) '+, ,, -, :, @' not allowed in revision identifier 'a@b+c-d:e,f-'");
	CU_ASSERT_EQUAL(vh_revision_check_id("a,b", NULL), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(),
			       "Character(s) ',' not allowed in revision identifier 'a,b'");

	CU_ASSERT_EQUAL(vh_revision_check_id("aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd", x),
			VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(),
			       "plugins/x.so: revision identifier 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd' is 40 characters; the version table's VARCHAR(32) holds at most 32");
	CU_ASSERT_EQUAL(vh_revision_check_id("", x), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), "plugins/x.so: revision identifier is empty");
	CU_ASSERT_EQUAL(vh_revision_check_id(NULL, ""), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), "revision identifier is empty");
	CU_ASSERT_EQUAL(vh_revision_check_id("a b", x), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(),
			       "plugins/x.so: revision identifier 'a b' contains whitespace or control characters");
	CU_ASSERT_EQUAL(vh_revision_check_id("ab\t", x), VH_ERR_USAGE);
	CU_ASSERT_EQUAL(vh_revision_check_id("head", x), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(),
			       "plugins/x.so: revision identifier 'head' is reserved (head, heads, base and current are revision specs)");
	CU_ASSERT_EQUAL(vh_revision_check_id("heads1", x), 0);
}

static void test_revision_clear(void)
{
	vh_revision r;

	memset(&r, 0, sizeof(r));
	r.id = strdup("a");
	r.parents = calloc(2, sizeof(char *));
	r.parents[0] = strdup("p");
	r.parents[1] = strdup("q");
	r.nparents = 2;
	r.path = strdup("x");
	vh_revision_clear(&r);
	CU_ASSERT_PTR_NULL(r.id);
	CU_ASSERT_EQUAL(r.nparents, 0);
	vh_revision_clear(&r); /* twice is harmless */
	vh_revision_clear(NULL);
}

/* ------------------------------------------------------------------
 * Graph shapes
 * ------------------------------------------------------------------ */

static void test_linear(void)
{
	vh_graph *g = NULL;
	const size_t *p;
	size_t n, idx[1];
	unsigned char mark[3] = {0, 0, 0};
	long a, b, c;

	add("c3333333", "b2222222", "plugins/3.so");
	add("a1111111", NULL, "plugins/1.so");
	add("b2222222", "a1111111", "plugins/2.so");
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	CU_ASSERT_EQUAL(vh_graph_count(g), 3);
	CU_ASSERT_STRING_EQUAL(order_ids(g), "a1111111 b2222222 c3333333");
	a = vh_graph_find(g, "a1111111");
	b = vh_graph_find(g, "b2222222");
	c = vh_graph_find(g, "c3333333");
	CU_ASSERT(a >= 0 && b >= 0 && c >= 0);
	CU_ASSERT_EQUAL(vh_graph_find(g, "zzz"), -1);
	CU_ASSERT_EQUAL(vh_graph_find(g, "a111"), -1);
	CU_ASSERT_EQUAL(vh_graph_find(g, NULL), -1);

	p = vh_graph_heads(g, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "c3333333");
	p = vh_graph_bases(g, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "a1111111");
	p = vh_graph_parents(g, (size_t)c, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "b2222222");
	p = vh_graph_children(g, (size_t)a, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "b2222222");
	vh_graph_parents(g, (size_t)a, &n);
	CU_ASSERT_EQUAL(n, 0);
	/* The loader's shape: parents filled from down_revision. */
	CU_ASSERT_EQUAL(vh_graph_rev(g, (size_t)c)->nparents, 1);
	CU_ASSERT_STRING_EQUAL(vh_graph_rev(g, (size_t)c)->parents[0], "b2222222");

	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, (size_t)a, (size_t)c), 1);
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, (size_t)c, (size_t)a), 0);
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, (size_t)b, (size_t)b), 1);
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, 99, (size_t)b), 0);

	idx[0] = (size_t)b;
	vh_graph_mark_ancestors(g, idx, 1, mark);
	CU_ASSERT(mark[a] == 1 && mark[b] == 1 && mark[c] == 0);
	vh_graph_free(g);
	vh_graph_free(NULL);
}

static void test_branch_and_merge(void)
{
	vh_graph *g = NULL;
	const size_t *p;
	size_t n, two[2];
	unsigned char mark[5] = {0};
	long a, b, c, m, x;

	add("aaaa", NULL, "plugins/1.so");
	add("mmmm", " cccc , bbbb ", "plugins/4.so");
	add("cccc", "aaaa", "plugins/3.so");
	add("bbbb", "aaaa", "plugins/2.so");
	add("xxxx", "bbbb", "plugins/5.so");
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	a = vh_graph_find(g, "aaaa");
	b = vh_graph_find(g, "bbbb");
	c = vh_graph_find(g, "cccc");
	m = vh_graph_find(g, "mmmm");
	x = vh_graph_find(g, "xxxx");
	CU_ASSERT_STRING_EQUAL(order_ids(g), "aaaa bbbb cccc mmmm xxxx");
	p = vh_graph_children(g, (size_t)a, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "bbbb cccc"); /* file order */
	p = vh_graph_parents(g, (size_t)m, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "cccc bbbb"); /* as declared */
	p = vh_graph_heads(g, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "mmmm xxxx");
	p = vh_graph_bases(g, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "aaaa");

	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, (size_t)c, (size_t)m), 1);
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, (size_t)a, (size_t)x), 1);
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, (size_t)c, (size_t)x), 0);
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, (size_t)b, (size_t)c), 0);

	two[0] = (size_t)c;
	two[1] = (size_t)x;
	vh_graph_mark_ancestors(g, two, 2, mark);
	CU_ASSERT(mark[a] && mark[b] && mark[c] && mark[x] && !mark[m]);

	/* Resolving on a branched graph. */
	CHECK_RES(g, "head", "",
		  "!Multiple head revisions are present for given argument 'head'; please specify a specific target revision (one of the heads: 'mmmm', 'xxxx'; 'vhost heads' lists them), '<branchname>@head' to narrow to a specific head, or 'heads' for all heads");
	CHECK_RES(g, "head-1", "",
		  "!Multiple head revisions are present for given argument 'head'; please specify a specific target revision (one of the heads: 'mmmm', 'xxxx'; 'vhost heads' lists them), '<branchname>@head' to narrow to a specific head, or 'heads' for all heads");
	CHECK_RES(g, "heads", "", "mmmm xxxx");
	CHECK_RES(g, "current", "mmmm xxxx", "mmmm xxxx");
	CHECK_RES(g, "aaaa+1", "",
		  "!Relative revision +1 is ambiguous: 'aaaa' is a branch point with children 'bbbb', 'cccc'; use a revision id");
	CHECK_RES(g, "base+2", "",
		  "!Relative revision +2 is ambiguous: 'aaaa' is a branch point with children 'bbbb', 'cccc'; use a revision id");
	CHECK_RES(g, "mmmm-1", "",
		  "!Relative revision -1 is ambiguous: 'mmmm' is a merge point of 'cccc', 'bbbb'; use a revision id");
	CHECK_RES(g, "-2", "mmmm",
		  "!Relative revision -2 is ambiguous: 'mmmm' is a merge point of 'cccc', 'bbbb'; use a revision id");
	CHECK_RES(g, "-1", "mmmm xxxx",
		  "!Relative revision -1 is ambiguous: the database is at several heads ('mmmm', 'xxxx'); use a revision id with a step, e.g. 'mmmm-1'");
	CHECK_RES(g, "xxxx-2", "", "aaaa");
	CHECK_RES(g, "cccc+1", "", "mmmm");
	vh_graph_free(g);
}

/* Several bases, shuffled input: the order follows file paths, never the
 * array, and ties among ready revisions go to the first path. */
static void test_order_stable(void)
{
	static const char *const want = "r01 r02 r03 r04 r05 r06";
	vh_graph *g = NULL;
	const size_t *p;
	size_t n;
	int round;

	for (round = 0; round < 2; round++) {
		if (round == 0) {
			add("r05", "r02", "p/05.so");
			add("r03", NULL, "p/03.so");
			add("r06", "r01,r03", "p/06.so");
			add("r01", NULL, "p/01.so");
			add("r04", "r03", "p/04.so");
			add("r02", NULL, "p/02.so");
		} else {
			add("r02", NULL, "p/02.so");
			add("r04", "r03", "p/04.so");
			add("r01", NULL, "p/01.so");
			add("r06", "r01,r03", "p/06.so");
			add("r03", NULL, "p/03.so");
			add("r05", "r02", "p/05.so");
		}
		CU_ASSERT_EQUAL_FATAL(build(&g), 0);
		CU_ASSERT_STRING_EQUAL(order_ids(g), want);
		p = vh_graph_bases(g, &n);
		CU_ASSERT_STRING_EQUAL(ids(g, p, n), "r01 r02 r03");
		p = vh_graph_heads(g, &n);
		CU_ASSERT_STRING_EQUAL(ids(g, p, n), "r04 r05 r06");
		CHECK_RES(g, "base+1", "",
			  "!Relative revision +1 is ambiguous: there are several bases ('r01', 'r02', 'r03'); use a revision id");
		vh_graph_free(g);
	}

	/* A child whose path sorts before its parent still comes after it. */
	add("late", NULL, "p/9.so");
	add("early", "late", "p/1.so");
	add("other", NULL, "p/5.so");
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	CU_ASSERT_STRING_EQUAL(order_ids(g), "other late early");
	vh_graph_free(g);
}

static void test_empty_graph(void)
{
	vh_graph *g = NULL;
	size_t n = 7;

	CU_ASSERT_EQUAL_FATAL(vh_graph_build(&g, NULL, 0), 0);
	CU_ASSERT_EQUAL(vh_graph_count(g), 0);
	vh_graph_heads(g, &n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(vh_graph_find(g, "a"), -1);
	CHECK_RES(g, "head", "", "");
	CHECK_RES(g, "base", "", "");
	CHECK_RES(g, "head-1", "", "!Relative revision -1 didn't produce 1 migrations");
	CHECK_RES(g, "+1", "", "!Relative revision +1 didn't produce 1 migrations");
	vh_graph_free(g);
}

/* Parents given explicitly (as the loader does) win over down_revision. */
static void test_explicit_parents(void)
{
	vh_graph *g = NULL;
	vh_revision *r;
	size_t n;

	add("base1", NULL, NULL);
	add("next", "ignored", NULL);
	r = &t_revs[1];
	r->parents = calloc(1, sizeof(char *));
	r->parents[0] = strdup("base1");
	r->nparents = 1;
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	vh_graph_parents(g, (size_t)vh_graph_find(g, "next"), &n);
	CU_ASSERT_EQUAL(n, 1);
	vh_graph_free(g);
}

/* ------------------------------------------------------------------
 * Broken graphs
 * ------------------------------------------------------------------ */

static void test_cycle(void)
{
	add("r1111", "r3333", NULL);
	add("r2222", "r1111", NULL);
	add("r3333", "r2222", NULL);
	add("r4444", "r3333", NULL); /* below the cycle, not part of it */
	add("r0000", NULL, NULL);
	expect_build_error("Cycle is detected in revisions (r1111, r2222, r3333)");

	/* Everything in a cycle: no base at all. */
	add("bbbb", "aaaa", NULL);
	add("aaaa", "bbbb", NULL);
	expect_build_error("Cycle is detected in revisions (aaaa, bbbb)");

	add("self", "self", NULL);
	expect_build_error("Self-loop is detected in revisions (self)");
}

static void test_missing_parent(void)
{
	add("root", NULL, NULL);
	add("abc", "root, xyz", "plugins/a.so");
	expect_build_error("Can't locate revision identified by 'xyz' (down_revision of 'abc' in plugins/a.so)");
}

static void test_duplicates(void)
{
	add("abc", NULL, "plugins/a.so");
	add("def", "abc", "plugins/c.so");
	add("abc", NULL, "plugins/b.so");
	expect_build_error("Revision 'abc' is defined twice: plugins/a.so and plugins/b.so");

	add("aaaa", NULL, NULL);
	add("bbbb", "aaaa,aaaa", NULL);
	expect_build_error("Revision 'bbbb' lists 'aaaa' twice in down_revision (plugins/bbbb.so)");

	add("aaaa", NULL, NULL);
	add("bbbb", "aaaa,,cccc", NULL);
	expect_build_error("Revision 'bbbb' has an empty entry in down_revision 'aaaa,,cccc' (plugins/bbbb.so)");
}

static void test_bad_id(void)
{
	add("a-b", NULL, "plugins/x.so");
	expect_build_error("plugins/x.so: Character(s) '-' not allowed in revision identifier 'a-b'");
}

/* ------------------------------------------------------------------
 * Resolving specs
 * ------------------------------------------------------------------ */

static void test_resolve_linear(void)
{
	vh_graph *g = NULL;

	add("a1111111", NULL, "plugins/1.so");
	add("b2222222", "a1111111", "plugins/2.so");
	add("c3333333", "b2222222", "plugins/3.so");
	add("ab", "c3333333", "plugins/4.so");
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);

	CHECK_RES(g, "head", "", "ab");
	CHECK_RES(g, "heads", "", "ab");
	CHECK_RES(g, "base", "b2222222", "");
	CHECK_RES(g, "current", "b2222222", "b2222222");
	CHECK_RES(g, "current", "", "");
	CHECK_RES(g, "a1111111", "", "a1111111");
	CHECK_RES(g, "b222", "", "b2222222");
	CHECK_RES(g, "ab", "", "ab");
	CHECK_RES(g, "b22", "", "!Can't locate revision identified by 'b22' (a prefix needs at least 4 characters)");
	CHECK_RES(g, "zzzz", "", "!Can't locate revision identified by 'zzzz'");

	CHECK_RES(g, "head-1", "", "c3333333");
	CHECK_RES(g, "head-3", "", "a1111111");
	CHECK_RES(g, "head-4", "", "");
	CHECK_RES(g, "head-5", "", "!Relative revision -5 didn't produce 5 migrations");
	CHECK_RES(g, "head+1", "", "!Relative revision +1 didn't produce 1 migrations");
	CHECK_RES(g, "base+1", "", "a1111111");
	CHECK_RES(g, "base+4", "", "ab");
	CHECK_RES(g, "base+5", "", "!Relative revision +5 didn't produce 5 migrations");
	CHECK_RES(g, "base-1", "", "!Relative revision -1 didn't produce 1 migrations");
	CHECK_RES(g, "b222+2", "", "ab");
	CHECK_RES(g, "b2222222-1", "", "a1111111");
	CHECK_RES(g, "b2222222-2", "", "");
	CHECK_RES(g, "b2222222-3", "", "!Relative revision -3 didn't produce 3 migrations");

	/* Bare steps move from the current revision. */
	CHECK_RES(g, "-1", "b2222222", "a1111111");
	CHECK_RES(g, "-2", "b2222222", "");
	CHECK_RES(g, "-3", "b2222222", "!Relative revision -3 didn't produce 3 migrations");
	CHECK_RES(g, "-1", "", "!Relative revision -1 didn't produce 1 migrations");
	CHECK_RES(g, "+1", "", "a1111111");
	CHECK_RES(g, "+2", "b2222222", "ab");
	CHECK_RES(g, "+1", "ab", "!Relative revision +1 didn't produce 1 migrations");
	CHECK_RES(g, "current-1", "c3333333", "b2222222");
	vh_graph_free(g);
}

static void test_resolve_prefix(void)
{
	vh_graph *g = NULL;
	vh_spec spec;
	size_t out[4], nout = 9, idx, cur = 42;

	add("aaaa2222", NULL, NULL);
	add("aaaa1111", NULL, NULL);
	add("aaab", NULL, NULL);
	add("aaaa", "aaaa1111", NULL);
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	CHECK_RES(g, "aaa", "", "!Can't locate revision identified by 'aaa' (a prefix needs at least 4 characters)");
	CHECK_RES(g, "aaaa", "", "aaaa"); /* exact wins over prefix */
	CHECK_RES(g, "aaaa1", "", "aaaa1111");
	CHECK_RES(g, "aaaa2+0", "", "!Relative revision 'aaaa2+0' must be a non-zero number");

	CU_ASSERT_EQUAL(vh_spec_lookup(g, "aaaa2222", &idx), 0);
	CU_ASSERT_STRING_EQUAL(id_at(g, idx), "aaaa2222");
	CU_ASSERT_EQUAL(vh_spec_lookup(g, "aaaa11", &idx), 0);
	CU_ASSERT_EQUAL(vh_spec_lookup(g, "aaa", &idx), VH_ERR_GENERIC);
	vh_graph_free(g);

	add("aaaa2222", NULL, NULL);
	add("aaaa1111", NULL, NULL);
	add("aaaa3333", NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	CHECK_RES(g, "aaaa", "",
		  "!Multiple revisions start with 'aaaa': 'aaaa1111', 'aaaa2222', 'aaaa3333'");
	CU_ASSERT_EQUAL(vh_spec_lookup(g, "aaaa", &idx), VH_ERR_GENERIC);

	/* A current index out of range is the caller's mistake. */
	memset(&spec, 0, sizeof(spec));
	spec.kind = VH_SPEC_CURRENT;
	spec.relative = 0;
	CU_ASSERT_EQUAL(vh_spec_resolve(g, &spec, &cur, 1, out, &nout), VH_ERR_USAGE);
	spec.kind = VH_SPEC_NONE;
	CU_ASSERT_EQUAL(vh_spec_resolve(g, &spec, NULL, 0, out, &nout), 0);
	CU_ASSERT_EQUAL(nout, 0);
	vh_graph_free(g);
}

/* 10,000 revisions in one chain: builds without recursion, and a walk from
 * head to the first revision is linear. */
static void test_long_chain(void)
{
	enum { N = 10000 };
	char id[32], down[32], path[64];
	vh_graph *g = NULL;
	clock_t t0 = clock();
	size_t first, last, idx[1], nh;
	unsigned char *mark = calloc(N, 1);
	int i, all = 1;

	/* Added last to first, so the array order is the reverse of the
	 * chain and the paths (zero-padded) sort in chain order. */
	for (i = N - 1; i >= 0; i--) {
		snprintf(id, sizeof(id), "rev%05d", i);
		snprintf(down, sizeof(down), "rev%05d", i - 1);
		snprintf(path, sizeof(path), "plugins/%05d.so", i);
		add(id, i ? down : NULL, path);
	}
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	CU_ASSERT_EQUAL(vh_graph_count(g), N);
	first = (size_t)vh_graph_find(g, "rev00000");
	last = (size_t)vh_graph_find(g, "rev09999");
	CU_ASSERT_EQUAL(vh_graph_order(g)[0], first);
	CU_ASSERT_EQUAL(vh_graph_order(g)[N - 1], last);
	CU_ASSERT_EQUAL(vh_graph_heads(g, &nh)[0], last);
	CU_ASSERT_EQUAL(nh, 1);

	CHECK_RES(g, "head-9999", "", "rev00000");
	CHECK_RES(g, "head-10000", "", "");
	CHECK_RES(g, "head-10001", "", "!Relative revision -10001 didn't produce 10001 migrations");
	CHECK_RES(g, "base+10000", "", "rev09999");
	CHECK_RES(g, "rev0", "", "!Multiple revisions start with 'rev0': 'rev00000', 'rev00001', 'rev00002', 'rev00003', 'rev00004', 'rev00005', 'rev00006', 'rev00007', 'rev00008', 'rev00009', ... (10000 in all)");
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, first, last), 1);
	CU_ASSERT_EQUAL(vh_graph_is_ancestor(g, last, first), 0);
	idx[0] = last;
	vh_graph_mark_ancestors(g, idx, 1, mark);
	for (i = 0; i < N; i++)
		all &= mark[i];
	CU_ASSERT(all);
	free(mark);
	vh_graph_free(g);

	/* Generous: this takes milliseconds; quadratic work would take far
	 * longer than a second even on a slow machine under valgrind. */
	CU_ASSERT((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
}

/* Sets the last added revision's labels or dependencies from a comma list. */
static void set_list(const char *labels, const char *deps)
{
	vh_revision *r = &t_revs[t_n - 1];

	if (labels)
		CU_ASSERT_EQUAL(vh_revision_split_list(labels, "t", &r->labels, &r->nlabels), 0);
	if (deps)
		CU_ASSERT_EQUAL(vh_revision_split_list(deps, "t", &r->depends, &r->ndepends), 0);
}

/* main: m1 -> m2 -> m3; shop: s1 (depends on m2) -> s2; as Alembic. */
static void test_labels_and_depends(void)
{
	vh_graph *g = NULL;
	size_t n;
	const size_t *p;

	add("m1", NULL, NULL);
	set_list("main", NULL);
	add("m2", "m1", NULL);
	add("m3", "m2", NULL);
	add("s1", NULL, NULL);
	set_list("shop", "m2");
	add("s2", "s1", NULL);
	CU_ASSERT_EQUAL_FATAL(build(&g), 0);
	CU_ASSERT_STRING_EQUAL(order_ids(g), "m1 m2 m3 s1 s2");
	p = vh_graph_heads(g, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "m3 s2");
	p = vh_graph_bases(g, &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "m1 s1");
	/* A dependency is no parent, but the version table moves from it. */
	vh_graph_parents(g, (size_t)vh_graph_find(g, "s1"), &n);
	CU_ASSERT_EQUAL(n, 0);
	p = vh_graph_down(g, (size_t)vh_graph_find(g, "s1"), &n);
	CU_ASSERT_STRING_EQUAL(ids(g, p, n), "m2");
	CU_ASSERT(vh_graph_is_ancestor(g, (size_t)vh_graph_find(g, "m2"), (size_t)vh_graph_find(g, "s2")));
	CU_ASSERT_STRING_EQUAL(vh_graph_labels(g, (size_t)vh_graph_find(g, "m3")), "main");
	CU_ASSERT_STRING_EQUAL(vh_graph_labels(g, (size_t)vh_graph_find(g, "s2")), "shop");

	CHECK_RES(g, "shop@head", "", "s2");
	CHECK_RES(g, "main@head", "", "m3");
	CHECK_RES(g, "shop@heads", "", "s2");
	CHECK_RES(g, "s1@head", "", "s2");
	CHECK_RES(g, "shop@+1", "", "s1");
	CHECK_RES(g, "shop@+2", "", "s2");
	CHECK_RES(g, "shop@+1", "s1", "s2");
	CHECK_RES(g, "shop@-1", "s2 m3", "s1");
	CHECK_RES(g, "main@-1", "s2 m3", "m2");
	CHECK_RES(g, "shop@-1", "m3", "!Relative revision -1 didn't produce 1 migrations");
	CHECK_RES(g, "shop@base", "s2", "");
	CHECK_RES(g, "nope@head", "", "!No such branch: 'nope' (neither a branch label nor a revision)");
	CHECK_RES(g, "head", "",
		  "!Multiple head revisions are present for given argument 'head'; please specify a specific target revision (one of the heads: 'm3', 's2'; 'vhost heads' lists them), '<branchname>@head' to narrow to a specific head, or 'heads' for all heads");
	vh_graph_free(g);

	/* A label used twice, or a missing dependency, names the culprit. */
	add("a1", NULL, NULL);
	set_list("x", NULL);
	add("b1", NULL, NULL);
	set_list("x", NULL);
	expect_build_error("Branch name 'x' in revision b1 already used by revision a1 (plugins/b1.so)");
	add("a1", NULL, NULL);
	set_list(NULL, "zz");
	expect_build_error("Can't locate revision identified by 'zz' (depends_on of 'a1' in plugins/a1.so)");
}

int main(void)
{
	static const vh_test_case tests[] = {
		{"check_id", test_check_id},
		{"revision_clear", test_revision_clear},
		{"linear", test_linear},
		{"branch_and_merge", test_branch_and_merge},
		{"order_stable", test_order_stable},
		{"empty_graph", test_empty_graph},
		{"explicit_parents", test_explicit_parents},
		{"cycle", test_cycle},
		{"missing_parent", test_missing_parent},
		{"duplicates", test_duplicates},
		{"bad_id", test_bad_id},
		{"resolve_linear", test_resolve_linear},
		{"resolve_prefix", test_resolve_prefix},
		{"long_chain", test_long_chain},
		{"labels_and_depends", test_labels_and_depends},
	};

	return vh_test_run_cases("graph", tests, sizeof(tests) / sizeof(tests[0]));
}
