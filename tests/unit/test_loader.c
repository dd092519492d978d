/* test_loader.c - reading plugin metadata without loading (vh_meta.c), the
 * scan of plugin_dir, permission checks, dlopen() of one revision and the
 * SHA-256 of a file (vh_loader.c), against the fixture sets in
 * tests/plugins/ and against broken files made here at run time. */
#include <CUnit/Basic.h>
#include <dlfcn.h>
#include <elf.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vh_error.h"
#include "vh_graph.h"
#include "vh_loader.h"
#include "vh_revision.h"
#include "vh_test.h"

#define FIX VHOST_FIXTURE_DIR
#define LINEAR2 FIX "/linear/7c44d2a9e610_second.so"

#if defined(__x86_64__)
#define HOST "x86_64"
#define OTHER_EM EM_AARCH64
#define OTHER_EM_NAME "EM_AARCH64"
#define HOST_EM_NAME "EM_X86_64"
#else
#define HOST "aarch64"
#define OTHER_EM EM_X86_64
#define OTHER_EM_NAME "EM_X86_64"
#define HOST_EM_NAME "EM_AARCH64"
#endif

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* Reads a whole file; the caller frees. */
static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long len;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0)
		abort();
	rewind(f);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		abort();
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static void spit(const char *path, const void *data, size_t n, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0 || chmod(path, mode) < 0)
		abort();
}

/* Replaces every occurrence of the `len` bytes `from` by `to` in buf. */
static int patch(unsigned char *buf, size_t n, const char *from, const char *to, size_t len)
{
	size_t i;
	int hits = 0;

	for (i = 0; i + len <= n; i++)
		if (memcmp(buf + i, from, len) == 0) {
			memcpy(buf + i, to, len);
			hits++;
		}
	return hits;
}

/* A fresh directory (0755, removed at exit) and a path inside it. */
static const char *tmp_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", vh_test_plugin_dir(NULL), name);
	return path;
}

/* Writes a copy of `src` changed by `edit` to a fresh dir; returns its path. */
static const char *mutant(const char *src, void (*edit)(unsigned char *, size_t *))
{
	size_t n;
	unsigned char *buf = slurp(src, &n);
	const char *path = tmp_path("mutant.so");

	if (edit)
		edit(buf, &n);
	spit(path, buf, n, 0644);
	free(buf);
	return path;
}

/* Asserts that vh_meta_read(path) fails with exactly "<path>: <msg>". */
static void meta_fails(const char *path, const char *msg)
{
	vh_revision rev;
	char want[8192];

	snprintf(want, sizeof(want), "%s: %s", path, msg);
	CU_ASSERT_EQUAL(vh_meta_read(&rev, path), VH_ERR_GENERIC);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), want);
	if (strcmp(vh_error_last(), want) != 0)
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", vh_error_last(), want);
	CU_ASSERT_PTR_NULL(rev.id);
}

/* Asserts that scanning `dir` fails with exactly `msg`. */
static void scan_fails(const char *dir, const char *msg)
{
	vh_graph *g = (vh_graph *)1;

	CU_ASSERT_EQUAL(vh_loader_scan(&g, dir, 0), VH_ERR_GENERIC);
	CU_ASSERT_PTR_NULL(g);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), msg);
	if (strcmp(vh_error_last(), msg) != 0)
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", vh_error_last(), msg);
}

static vh_graph *scan_ok(const char *dir)
{
	vh_graph *g = NULL;

	CU_ASSERT_EQUAL_FATAL(vh_loader_scan(&g, dir, 0), 0);
	return g;
}

/* ------------------------------------------------------------------------
 * vh_meta_read on good plugins
 * ------------------------------------------------------------------------ */

static void test_meta_linear(void)
{
	vh_revision rev;

	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, LINEAR2), 0);
	CU_ASSERT_STRING_EQUAL(rev.id, "7c44d2a9e610");
	CU_ASSERT_STRING_EQUAL(rev.down_revision, "3b8e1f0c9a21");
	CU_ASSERT_EQUAL_FATAL(rev.nparents, 1);
	CU_ASSERT_STRING_EQUAL(rev.parents[0], "3b8e1f0c9a21");
	CU_ASSERT_STRING_EQUAL(rev.message, "second table");
	CU_ASSERT_PTR_NULL(rev.description);
	CU_ASSERT_STRING_EQUAL(rev.path, LINEAR2);
	CU_ASSERT_EQUAL(rev.abi_major, VH_SDK_ABI_MAJOR);
	CU_ASSERT_EQUAL(rev.abi_minor, VH_SDK_ABI_MINOR);
	CU_ASSERT_EQUAL(rev.flags, VH_REV_HAS_UPGRADE | VH_REV_HAS_DOWNGRADE);
	vh_revision_clear(&rev);
	vh_revision_clear(&rev);
	vh_revision_clear(NULL);
}

static void test_meta_base_and_merge(void)
{
	vh_revision rev;

	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, FIX "/linear/3b8e1f0c9a21_first.so"), 0);
	CU_ASSERT_PTR_NULL(rev.down_revision);
	CU_ASSERT_EQUAL(rev.nparents, 0);
	CU_ASSERT_STRING_EQUAL(rev.description,
			       "The first of three linear revisions.\nEach one adds a table.");
	vh_revision_clear(&rev);

	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, FIX "/merge/d03b6a4c8e57_merge.so"), 0);
	CU_ASSERT_STRING_EQUAL(rev.down_revision, "64f1b8e2c0a9, 9ac3e5d7f182");
	CU_ASSERT_EQUAL_FATAL(rev.nparents, 2);
	CU_ASSERT_STRING_EQUAL(rev.parents[0], "64f1b8e2c0a9");
	CU_ASSERT_STRING_EQUAL(rev.parents[1], "9ac3e5d7f182");
	vh_revision_clear(&rev);
}

static void test_meta_flags(void)
{
	vh_revision rev;
	const unsigned both = VH_REV_HAS_UPGRADE | VH_REV_HAS_DOWNGRADE;

	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, FIX "/flags/6b2e9a0d7c35_concurrent_index.so"), 0);
	CU_ASSERT_EQUAL(rev.flags, both | VH_REV_NONTRANSACTIONAL);
	vh_revision_clear(&rev);
	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, FIX "/flags/a47c1e8f3d60_verified.so"), 0);
	CU_ASSERT_EQUAL(rev.flags, both | VH_REV_HAS_VERIFY);
	CU_ASSERT_STRING_EQUAL(rev.description,
			       "Creates t_a47c1e8f3d60 and verifies that it exists.");
	vh_revision_clear(&rev);
}

/* ------------------------------------------------------------------------
 * vh_meta_read on broken files
 * ------------------------------------------------------------------------ */

static size_t cut_to;
static void cut(unsigned char *b, size_t *n) { (void)b; if (*n > cut_to) *n = cut_to; }
static void other_machine(unsigned char *b, size_t *n)
{
	uint16_t m = OTHER_EM;

	(void)n;
	memcpy(b + 18, &m, 2); /* e_machine */
}
static void class32(unsigned char *b, size_t *n) { (void)n; b[EI_CLASS] = ELFCLASS32; }
static void big_endian(unsigned char *b, size_t *n) { (void)n; b[EI_DATA] = ELFDATA2MSB; }
static void exec_type(unsigned char *b, size_t *n)
{
	uint16_t t = ET_EXEC;

	(void)n;
	memcpy(b + 16, &t, 2); /* e_type */
}

static void test_meta_not_elf(void)
{
	const char *p = tmp_path("garbage.so");

	spit(p, "this is not a shared object\n", 28, 0644);
	meta_fails(p, "not a shared object (bad ELF header)");
	spit(p, "", 0, 0644);
	meta_fails(p, "not a shared object (bad ELF header)");
	p = tmp_path("dir.so");
	CU_ASSERT_EQUAL_FATAL(mkdir(p, 0755), 0);
	meta_fails(p, "not a regular file");
	meta_fails("/nonexistent/x.so", "No such file or directory");
}

static void test_meta_truncated(void)
{
	cut_to = 40;
	meta_fails(mutant(LINEAR2, cut),
		   "truncated or corrupt ELF file (40 bytes, shorter than an ELF header)");
	cut_to = 100;
	meta_fails(mutant(LINEAR2, cut), "truncated or corrupt ELF file (program headers)");
	cut_to = 8000;
	meta_fails(mutant(LINEAR2, cut), "truncated or corrupt ELF file (section headers)");
}

static void test_meta_foreign(void)
{
	meta_fails(mutant(LINEAR2, other_machine),
		   "ELF for another architecture (" OTHER_EM_NAME "), this host is " HOST);
	meta_fails(mutant(LINEAR2, class32),
		   "ELF for another architecture (32-bit ELFCLASS32, " HOST_EM_NAME
		   "), this host is " HOST);
	meta_fails(mutant(LINEAR2, big_endian),
		   "ELF for another architecture (big-endian ELFDATA2MSB), this host is " HOST);
	meta_fails(mutant(LINEAR2, exec_type), "not a shared object (ELF type ET_EXEC, an executable)");
}

/* The descriptor as VHOST_REVISION lays it out: size 16, ABI 1.minor, magic. */
static const unsigned char abi_desc[12] = {16, 0, 0, 0, 1, 0, VH_SDK_ABI_MINOR, 0,
					     0x73, 0x6f, 0x68, 0x76};
static unsigned char *find_desc(unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i + sizeof(abi_desc) <= n; i++)
		if (memcmp(b + i, abi_desc, sizeof(abi_desc)) == 0)
			return b + i;
	abort();
}
static void minor_next(unsigned char *b, size_t *n) { find_desc(b, *n)[6] = VH_SDK_ABI_MINOR + 1; }
static void major_2(unsigned char *b, size_t *n)
{
	unsigned char *d = find_desc(b, *n);

	d[4] = 2; /* ABI 2.0 */
	d[6] = 0;
}
static void bad_magic(unsigned char *b, size_t *n) { find_desc(b, *n)[8] = 0; }
static void tiny_size(unsigned char *b, size_t *n) { find_desc(b, *n)[0] = 4; }
static void dash_parent(unsigned char *b, size_t *n)
{
	CU_ASSERT(patch(b, *n, "9ac3e5d7f182", "9ac3e5d7f-82", 12) == 1);
}
static void unterminated(unsigned char *b, size_t *n)
{
	/* Also hits the end of "DROP TABLE t_7c44d2a9e610", which is harmless. */
	CU_ASSERT(patch(b, *n, "7c44d2a9e610", "7c44d2a9e610x", 13) >= 1);
}

static void test_meta_abi(void)
{
	meta_fails(mutant(LINEAR2, minor_next),
		   "incompatible SDK ABI 1.4, this vhost supports 1.0..1.3; rebuild it against vhost SDK 1.x");
	meta_fails(mutant(LINEAR2, major_2),
		   "incompatible SDK ABI 2.0, this vhost supports 1.0..1.3; rebuild it against vhost SDK 1.x");
	meta_fails(mutant(LINEAR2, bad_magic),
		   "bad ABI descriptor vh_revision_abi_data (magic 0x76686f00); "
		   "rebuild it against vhost SDK 1.x");
	meta_fails(mutant(LINEAR2, tiny_size),
		   "malformed ABI descriptor vh_revision_abi_data (4 bytes); "
		   "rebuild it against vhost SDK 1.x");
}

static void test_meta_strings(void)
{
	meta_fails(mutant(FIX "/merge/d03b6a4c8e57_merge.so", dash_parent),
		   "Character(s) '-' not allowed in revision identifier '9ac3e5d7f-82' "
		   "(in down_revision '64f1b8e2c0a9, 9ac3e5d7f-82')");
	/* The id array's NUL overwritten: no terminator within its 13 bytes. */
	meta_fails(mutant(LINEAR2, unterminated),
		   "revision_id is not a string of at most 4096 bytes");
}

/* Every truncation and thousands of byte flips: each read must end in 0 or
 * an error naming the file, never a crash (run it under ASan or valgrind). */
static void test_meta_fuzz(void)
{
	size_t n, len, i, step;
	unsigned char *orig = slurp(LINEAR2, &n), *buf = malloc(n);
	const char *p = tmp_path("fuzz.so");
	unsigned seed = 12345;
	vh_revision rev;
	int rc, bad = 0, ok = 0;

	for (len = 0; len < n; len += step) {
		step = len < 2048 ? 1 : 61;
		spit(p, orig, len, 0644);
		rc = vh_meta_read(&rev, p);
		bad += rc != VH_ERR_GENERIC || strncmp(vh_error_last(), p, strlen(p)) != 0;
	}
	for (i = 0; i < 4000; i++) {
		memcpy(buf, orig, n);
		for (len = 0; len < 1 + i % 4; len++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly the headers and tables at the start and the section
			 * headers at the end, where a flip changes the most. */
			step = (seed >> 8) % (i % 3 == 0 ? n : 2048);
			if (i % 3 == 1)
				step = n - 1 - step % (n < 2048 ? n : 2048);
			buf[step] = (unsigned char)(seed >> 24);
		}
		spit(p, buf, n, 0644);
		rc = vh_meta_read(&rev, p);
		if (rc == 0) {
			ok++;
			vh_revision_clear(&rev);
		} else {
			bad += rc != VH_ERR_GENERIC || strncmp(vh_error_last(), p, strlen(p)) != 0;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(ok > 0);
	free(orig);
	free(buf);
}

/* ------------------------------------------------------------------------
 * vh_loader_scan
 * ------------------------------------------------------------------------ */

static void test_scan_sets(void)
{
	const size_t *order, *heads;
	const vh_revision *r;
	vh_graph *g;
	size_t n;

	g = scan_ok(FIX "/linear");
	CU_ASSERT_EQUAL_FATAL(vh_graph_count(g), 3);
	order = vh_graph_order(g);
	CU_ASSERT_STRING_EQUAL(vh_graph_rev(g, order[0])->id, "3b8e1f0c9a21");
	CU_ASSERT_STRING_EQUAL(vh_graph_rev(g, order[1])->id, "7c44d2a9e610");
	CU_ASSERT_STRING_EQUAL(vh_graph_rev(g, order[2])->id, "e59b07d3c4f2");
	heads = vh_graph_heads(g, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(vh_graph_rev(g, heads[0])->id, "e59b07d3c4f2");
	CU_ASSERT_STRING_EQUAL(vh_graph_rev(g, heads[0])->path,
			       FIX "/linear/e59b07d3c4f2_third.so");
	vh_graph_free(g);

	g = scan_ok(FIX "/branch");
	vh_graph_heads(g, &n);
	CU_ASSERT_EQUAL(n, 2);
	vh_graph_free(g);

	g = scan_ok(FIX "/merge/");
	CU_ASSERT_EQUAL(vh_graph_count(g), 4);
	heads = vh_graph_heads(g, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	r = vh_graph_rev(g, heads[0]);
	CU_ASSERT_STRING_EQUAL(r->id, "d03b6a4c8e57");
	CU_ASSERT_EQUAL(r->nparents, 2);
	/* A trailing slash on the dir does not double in the paths. */
	CU_ASSERT_STRING_EQUAL(r->path, FIX "/merge/d03b6a4c8e57_merge.so");
	vh_graph_parents(g, heads[0], &n);
	CU_ASSERT_EQUAL(n, 2);
	vh_graph_free(g);

	/* down_revision filled by R_X86_64_64 against an exported array. */
	g = scan_ok(FIX "/symref");
	r = vh_graph_rev(g, vh_graph_find(g, "91d3b6e0f2a7"));
	CU_ASSERT_STRING_EQUAL(r->down_revision, "5e1f7a2b9c40");
	vh_graph_free(g);

	g = scan_ok(FIX "/flags");
	CU_ASSERT(vh_graph_rev(g, vh_graph_find(g, "6b2e9a0d7c35"))->flags & VH_REV_NONTRANSACTIONAL);
	CU_ASSERT(vh_graph_rev(g, vh_graph_find(g, "a47c1e8f3d60"))->flags & VH_REV_HAS_VERIFY);
	vh_graph_free(g);
}

static void test_scan_bad_sets(void)
{
	scan_fails(FIX "/bad_noabi", FIX "/bad_noabi/c0ffee000001_noabi.so: missing ABI descriptor "
		   "vh_revision_abi_data (built without VHOST_REVISION?)");
	scan_fails(FIX "/bad_abi", FIX "/bad_abi/c0ffee000002_abi99.so: incompatible SDK ABI 99.0, "
		   "this vhost supports 1.0..1.3; rebuild it against vhost SDK 1.x");
	scan_fails(FIX "/bad_noupgrade", FIX "/bad_noupgrade/c0ffee000003_noupgrade.so: missing "
		   "upgrade() (every revision exports upgrade and downgrade)");
	scan_fails(FIX "/bad_id_chars", FIX "/bad_id_chars/bad_chars.so: Character(s) '-' not "
		   "allowed in revision identifier 'a-b'");
	scan_fails(FIX "/bad_id_long", FIX "/bad_id_long/long_id.so: revision identifier "
		   "'0123456789abcdef0123456789abcdef01234567' is 40 characters; the version "
		   "table's VARCHAR(32) holds at most 32");
	scan_fails(FIX "/bad_dup", "Revision 'd00d5eed0001' is defined twice: " FIX
		   "/bad_dup/d00d5eed0001_first.so and " FIX "/bad_dup/d00d5eed0001_second.so");
	scan_fails(FIX "/bad_missing_parent", "Can't locate revision identified by 'deadbeef0000' "
		   "(down_revision of 'f00df00df001' in " FIX
		   "/bad_missing_parent/f00df00df001_orphan.so)");
	scan_fails(FIX "/bad_cycle", "Cycle is detected in revisions (cccc00000001, cccc00000002)");
}

static void test_scan_dirs(void)
{
	const char *so[] = {"linear/3b8e1f0c9a21_first.so", "linear/7c44d2a9e610_second.so",
			    "linear/e59b07d3c4f2_third.so", NULL};
	char path[4096];
	const char *dir;
	vh_graph *g;

	scan_fails("/nonexistent/vhost-plugins",
		   "plugin_dir /nonexistent/vhost-plugins: No such file or directory");
	g = scan_ok(vh_test_plugin_dir(NULL));
	CU_ASSERT_EQUAL(vh_graph_count(g), 0);
	vh_graph_free(g);

	/* Only *.so counts: notes, backups, hidden files are not plugins. */
	dir = vh_test_plugin_dir(so);
	snprintf(path, sizeof(path), "%s/README", dir);
	spit(path, "notes", 5, 0644);
	snprintf(path, sizeof(path), "%s/x.so.bak", dir);
	spit(path, "junk", 4, 0644);
	snprintf(path, sizeof(path), "%s/.so", dir);
	spit(path, "junk", 4, 0644);
	snprintf(path, sizeof(path), "%s/.#3b8e1f0c9a21_first.so", dir);
	spit(path, "junk", 4, 0644);
	g = scan_ok(dir);
	CU_ASSERT_EQUAL(vh_graph_count(g), 3);
	vh_graph_free(g);

	/* One bad file fails the whole scan, named. */
	snprintf(path, sizeof(path), "%s/0000_garbage.so", dir);
	spit(path, "junk", 4, 0644);
	snprintf(path, sizeof(path), "%s/0000_garbage.so: not a shared object (bad ELF header)", dir);
	scan_fails(dir, path);
}

static void test_list(void)
{
	const char *so[] = {"linear/3b8e1f0c9a21_first.so", "bad_abi/c0ffee000002_abi99.so", NULL};
	const char *dir = vh_test_plugin_dir(so);
	vh_revision *revs;
	char **paths, **errors, want[4096];
	size_t n, i;

	CU_ASSERT_EQUAL_FATAL(vh_loader_list(dir, 0, &revs, &paths, &errors, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(revs[0].id, "3b8e1f0c9a21");
	CU_ASSERT_PTR_NULL(errors[0]);
	snprintf(want, sizeof(want), "%s/3b8e1f0c9a21_first.so", dir);
	CU_ASSERT_STRING_EQUAL(paths[0], want);
	CU_ASSERT_PTR_NULL(revs[1].id);
	snprintf(want, sizeof(want), "%s/c0ffee000002_abi99.so: incompatible SDK ABI 99.0, "
		 "this vhost supports 1.0..1.3; rebuild it against vhost SDK 1.x", dir);
	CU_ASSERT_STRING_EQUAL(errors[1], want);
	for (i = 0; i < n; i++) {
		vh_revision_clear(&revs[i]);
		free(paths[i]);
		free(errors[i]);
	}
	free(revs);
	free(paths);
	free(errors);
	CU_ASSERT_EQUAL(vh_loader_list("/nonexistent", 0, &revs, &paths, &errors, &n),
			VH_ERR_GENERIC);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), "plugin_dir /nonexistent: No such file or directory");
}

/* ------------------------------------------------------------------------
 * Permissions
 * ------------------------------------------------------------------------ */

/* How the refusals name the owner of our files: root in CI. */
static const char *me(void)
{
	static char buf[128];
	struct passwd *pw = getpwuid(geteuid());

	if (geteuid() == 0)
		return "root";
	snprintf(buf, sizeof(buf), "uid %u (%s)", (unsigned)geteuid(), pw ? pw->pw_name : "?");
	return buf;
}

static void test_perms(void)
{
	const char *so[] = {"linear/3b8e1f0c9a21_first.so", NULL};
	const char *dir = vh_test_plugin_dir(so);
	char file[4096], want[16384];
	vh_graph *g = NULL;

	snprintf(file, sizeof(file), "%s/3b8e1f0c9a21_first.so", dir);
	CU_ASSERT_EQUAL(vh_loader_check_perms(file, 0, 0), 0);
	CU_ASSERT_EQUAL(vh_loader_check_perms(dir, 1, 0), 0);

	CU_ASSERT_EQUAL_FATAL(chmod(file, 0666), 0);
	snprintf(want, sizeof(want), "%s: refusing to load a plugin that is world-writable "
		 "(mode 0666), owned by %s; fix with chmod go-w '%s', or pass --insecure-plugins "
		 "for development", file, me(), file);
	scan_fails(dir, want);
	CU_ASSERT_EQUAL(vh_loader_check_perms(file, 0, 0), VH_ERR_GENERIC);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), want);
	CU_ASSERT_EQUAL(vh_loader_scan(&g, dir, 1), 0);
	vh_graph_free(g);

	CU_ASSERT_EQUAL_FATAL(chmod(file, 0664), 0);
	snprintf(want, sizeof(want), "%s: refusing to load a plugin that is group-writable "
		 "(mode 0664), owned by %s; fix with chmod g-w '%s', or pass --insecure-plugins "
		 "for development", file, me(), file);
	scan_fails(dir, want);
	CU_ASSERT_EQUAL_FATAL(chmod(file, 0644), 0);

	CU_ASSERT_EQUAL_FATAL(chmod(dir, 0777), 0);
	snprintf(want, sizeof(want), "%s: refusing to load plugins from a directory that is "
		 "world-writable (mode 0777), owned by %s; fix with chmod go-w '%s', or pass "
		 "--insecure-plugins for development", dir, me(), dir);
	scan_fails(dir, want);
	CU_ASSERT_EQUAL_FATAL(chmod(dir, 0755), 0);

	/* Someone else's file: only root can make one to test with. */
	if (geteuid() == 0) {
		CU_ASSERT_EQUAL_FATAL(chown(file, 4242, 4242), 0);
		snprintf(want, sizeof(want), "%s: refusing to load a plugin owned by another user "
			 "(uid 4242, mode 0644); fix with chown root '%s', or pass --insecure-plugins "
			 "for development", file, file);
		scan_fails(dir, want);
		CU_ASSERT_EQUAL(vh_loader_check_perms(file, 0, 1), 0);
	}
	CU_ASSERT_EQUAL(vh_loader_check_perms("/nonexistent/x.so", 0, 0), VH_ERR_GENERIC);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), "/nonexistent/x.so: No such file or directory");
}

/* ------------------------------------------------------------------------
 * vh_plugin_open
 * ------------------------------------------------------------------------ */

static void test_open(void)
{
	const vh_abi_desc *(*abi)(void);
	vh_plugin p;
	vh_revision rev;
	void *sym;

	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, LINEAR2), 0);
	CU_ASSERT_EQUAL_FATAL(vh_plugin_open(&p, &rev), 0);
	CU_ASSERT_PTR_NOT_NULL(p.handle);
	CU_ASSERT_PTR_NOT_NULL(p.upgrade);
	CU_ASSERT_PTR_NOT_NULL(p.downgrade);
	CU_ASSERT_PTR_NULL(p.verify);
	sym = dlsym(p.handle, "vh_revision_abi");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sym);
	memcpy(&abi, &sym, sizeof(abi));
	CU_ASSERT_EQUAL(abi()->magic, VH_ABI_MAGIC);
	CU_ASSERT_EQUAL(abi()->abi_major, VH_SDK_ABI_MAJOR);
	vh_plugin_close(&p);
	CU_ASSERT_PTR_NULL(p.handle);
	vh_plugin_close(&p);
	vh_plugin_close(NULL);
	vh_revision_clear(&rev);

	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, FIX "/flags/a47c1e8f3d60_verified.so"), 0);
	CU_ASSERT_EQUAL_FATAL(vh_plugin_open(&p, &rev), 0);
	CU_ASSERT_PTR_NOT_NULL(p.verify);
	vh_plugin_close(&p);
	vh_revision_clear(&rev);
}

/* Opens `path` as if the scan had read it with id `id`; expects failure
 * whose message starts with `prefix`. */
static void open_fails(const char *path, const char *id, const char *prefix)
{
	vh_revision rev = {0};
	vh_plugin p;

	rev.path = (char *)path;
	rev.id = (char *)id;
	CU_ASSERT_EQUAL(vh_plugin_open(&p, &rev), VH_ERR_GENERIC);
	CU_ASSERT_PTR_NULL(p.handle);
	CU_ASSERT_NSTRING_EQUAL(vh_error_last(), prefix, strlen(prefix));
	if (strncmp(vh_error_last(), prefix, strlen(prefix)) != 0)
		fprintf(stderr, "\n  got:  %s\n  want: %s...\n", vh_error_last(), prefix);
}

static void test_open_fails(void)
{
	const char *so[] = {"linear/7c44d2a9e610_second.so", NULL};
	const char *dir = vh_test_plugin_dir(so);
	char path[4096], want[8192];
	unsigned char *buf;
	vh_revision rev;
	size_t n;

	/* Replaced after the scan: same name, another revision inside. */
	snprintf(path, sizeof(path), "%s/7c44d2a9e610_second.so", dir);
	CU_ASSERT_EQUAL_FATAL(vh_meta_read(&rev, path), 0);
	buf = slurp(FIX "/linear/e59b07d3c4f2_third.so", &n);
	spit(path, buf, n, 0644);
	free(buf);
	snprintf(want, sizeof(want), "%s changed since it was scanned (revision_id "
		 "'e59b07d3c4f2', expected '7c44d2a9e610'); run the command again", path);
	open_fails(path, rev.id, want);
	vh_revision_clear(&rev);

	open_fails(FIX "/bad_abi/c0ffee000002_abi99.so", "c0ffee000002",
		   FIX "/bad_abi/c0ffee000002_abi99.so: incompatible SDK ABI 99.0, this vhost "
		   "supports 1.0..1.3; rebuild it against vhost SDK 1.x");
	open_fails(FIX "/bad_noabi/c0ffee000001_noabi.so", "c0ffee000001",
		   FIX "/bad_noabi/c0ffee000001_noabi.so: missing ABI function vh_revision_abi() "
		   "(built without VHOST_REVISION?): ");
	open_fails("/nonexistent/x.so", "x", "/nonexistent/x.so: cannot load plugin: ");
	snprintf(path, sizeof(path), "%s/junk.so", dir);
	spit(path, "junk", 4, 0644);
	snprintf(want, sizeof(want), "%s: cannot load plugin: ", path);
	open_fails(path, "x", want);
}

/* Swaps the plugin at `path` for another revision, as a deploy would
 * (a new file renamed over the name), from inside vh_plugin_open. */
static void swap_hook(const char *path)
{
	char tmp[4200];
	unsigned char *buf;
	size_t n;

	buf = slurp(FIX "/linear/e59b07d3c4f2_third.so", &n);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	spit(tmp, buf, n, 0644);
	free(buf);
	CU_ASSERT_EQUAL(rename(tmp, path), 0);
}

/* What was checked, hashed and run is one file: the path swapped between
 * the check and dlopen() changes neither what runs nor the hash; swapped
 * after the scan, the plugin is refused as changed. */
static void test_swap(void)
{
	const char *so[] = {"linear/3b8e1f0c9a21_first.so", "linear/7c44d2a9e610_second.so", NULL};
	const char *dir = vh_test_plugin_dir(so);
	char path[4096], before[65], after[65], got[65];
	const vh_revision *rev;
	vh_graph *g = NULL;
	const char *id;
	vh_plugin p;
	long idx;

	snprintf(path, sizeof(path), "%s/7c44d2a9e610_second.so", dir);
	CU_ASSERT_EQUAL_FATAL(vh_loader_scan(&g, dir, 0), 0);
	idx = vh_graph_find(g, "7c44d2a9e610");
	CU_ASSERT_FATAL(idx >= 0);
	rev = vh_graph_rev(g, (size_t)idx);
	CU_ASSERT_EQUAL_FATAL(vh_file_sha256(path, before), 0);
	vh_plugin_test_hook = swap_hook;
	CU_ASSERT_EQUAL_FATAL(vh_plugin_open(&p, rev), 0);
	vh_plugin_test_hook = NULL;
	id = dlsym(p.handle, "revision_id");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_STRING_EQUAL(id, "7c44d2a9e610");
	CU_ASSERT_EQUAL(vh_plugin_sha256(&p, rev, got), 0);
	CU_ASSERT_STRING_EQUAL(got, before);
	CU_ASSERT_EQUAL(vh_file_sha256(path, after), 0);
	CU_ASSERT_STRING_NOT_EQUAL(after, before);
	vh_plugin_close(&p);
	CU_ASSERT_EQUAL(vh_plugin_open(&p, rev), VH_ERR_GENERIC);
	CU_ASSERT_NSTRING_EQUAL(vh_error_last(), path, strlen(path));
	CU_ASSERT_PTR_NOT_NULL(strstr(vh_error_last(), "changed since it was scanned"));
	/* The drift check's hash is the file as it is now. */
	CU_ASSERT_EQUAL(vh_revision_sha256(rev, got), 0);
	CU_ASSERT_STRING_EQUAL(got, after);
	vh_graph_free(g);
}

/* ------------------------------------------------------------------------
 * SHA-256
 * ------------------------------------------------------------------------ */

static void test_sha256(void)
{
	const char *p = tmp_path("data");
	char hex[65];
	char *million = malloc(1000000);

	spit(p, "abc", 3, 0644);
	CU_ASSERT_EQUAL(vh_file_sha256(p, hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	spit(p, "", 0, 0644);
	CU_ASSERT_EQUAL(vh_file_sha256(p, hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* FIPS 180-2's one million 'a': more than one read() block. */
	memset(million, 'a', 1000000);
	spit(p, million, 1000000, 0644);
	free(million);
	CU_ASSERT_EQUAL(vh_file_sha256(p, hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	CU_ASSERT_EQUAL(vh_file_sha256("/nonexistent/x.so", hex), VH_ERR_GENERIC);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), "/nonexistent/x.so: No such file or directory");
}

/* ------------------------------------------------------------------------
 * Many plugins: a chain generated from two fixtures by patching their ids
 * ------------------------------------------------------------------------ */

/* Writes a linear chain of `count` plugins into a fresh dir; returns it. */
static const char *make_chain(size_t count)
{
	size_t nb, nc, i;
	unsigned char *base = slurp(FIX "/linear/3b8e1f0c9a21_first.so", &nb);
	unsigned char *child = slurp(LINEAR2, &nc), *buf = malloc(nb > nc ? nb : nc);
	const char *dir = vh_test_plugin_dir(NULL);
	char id[16], parent[16], path[4096];

	for (i = 0; i < count; i++) {
		snprintf(id, sizeof(id), "be%010x", (unsigned)i);
		snprintf(path, sizeof(path), "%s/%s_gen.so", dir, id);
		if (i == 0) {
			memcpy(buf, base, nb);
			patch(buf, nb, "3b8e1f0c9a21", id, 12);
			spit(path, buf, nb, 0644);
		} else {
			memcpy(buf, child, nc);
			patch(buf, nc, "7c44d2a9e610", id, 12);
			patch(buf, nc, "3b8e1f0c9a21", parent, 12);
			spit(path, buf, nc, 0644);
		}
		memcpy(parent, id, sizeof(id));
	}
	free(base);
	free(child);
	free(buf);
	return dir;
}

static void test_scan_chain(void)
{
	vh_graph *g = scan_ok(make_chain(300));
	const size_t *heads;
	size_t n;

	CU_ASSERT_EQUAL(vh_graph_count(g), 300);
	heads = vh_graph_heads(g, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(vh_graph_rev(g, heads[0])->id, "be000000012b");
	vh_graph_free(g);
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("loader", NULL, NULL);

	CU_add_test(s, "meta: linear revision", test_meta_linear);
	CU_add_test(s, "meta: base and merge", test_meta_base_and_merge);
	CU_add_test(s, "meta: nontransactional and verify", test_meta_flags);
	CU_add_test(s, "meta: not ELF", test_meta_not_elf);
	CU_add_test(s, "meta: truncated", test_meta_truncated);
	CU_add_test(s, "meta: foreign ELF", test_meta_foreign);
	CU_add_test(s, "meta: ABI descriptor", test_meta_abi);
	CU_add_test(s, "meta: strings", test_meta_strings);
	CU_add_test(s, "meta: fuzz", test_meta_fuzz);
	CU_add_test(s, "scan: good sets", test_scan_sets);
	CU_add_test(s, "open: a path swapped before dlopen", test_swap);
	CU_add_test(s, "scan: bad sets", test_scan_bad_sets);
	CU_add_test(s, "scan: directories", test_scan_dirs);
	CU_add_test(s, "scan: generated chain", test_scan_chain);
	CU_add_test(s, "list", test_list);
	CU_add_test(s, "perms", test_perms);
	CU_add_test(s, "plugin open", test_open);
	CU_add_test(s, "plugin open failures", test_open_fails);
	CU_add_test(s, "sha256", test_sha256);
}

int main(void)
{
	return vh_test_main(add_suites);
}
