/* fuzz_config.c - libFuzzer target for the configuration reader
 * (host/base/vh_config_file.c, vh_config_value.c): the input is the text of an ini file.
 *
 * vh_config_load reads a path, so the input goes into a memfd read through
 * /proc/self/fd/N, rewritten for each run. Byte 0 chooses whether to select
 * the environment "staging" (as -e staging), so [env.NAME] sections are
 * applied as well as checked. Oracles beyond the sanitizers: a failed load
 * leaves a message and no config; a successful one yields the defaults'
 * invariants (names of 1..63 bytes), and its description for messages
 * (vh_config_describe_conn) never shows a password libpq would be given
 * (in the dsn, in [database], or inside a dbname that is itself a
 * connection string), nor a postgresql:// URI's user:password@ unmasked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "vh_config.h"
#include "vh_error.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* Only the file may configure the run. */
	unsetenv("VHOST_CONFIG");
	unsetenv("VHOST_ENV");
	unsetenv("VHOST_DATABASE_URL");
	if ((fd = memfd_create("fuzz_config", MFD_CLOEXEC)) < 0) {
		perror("fuzz_config: memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

/* The secrets: every password libpq would be given (a password keyword in
 * the dsn, in [database], or in a conninfo-like dbname), and every value
 * that is not one, to tell a password from text that merely repeats it. */
typedef struct secrets {
	const char *pw[64];
	size_t npw;
	const char *other[256];
	size_t nother;
	PQconninfoOption *parsed[8];
	size_t nparsed;
} secrets;

static void add(secrets *s, const char *key, const char *val);

/* Adds the options of a connection string or URI (when libpq parses it). */
static void add_conninfo(secrets *s, const char *text)
{
	PQconninfoOption *o;

	if (s->nparsed == 8 || !(o = PQconninfoParse(text, NULL)))
		return;
	s->parsed[s->nparsed++] = o;
	for (; o->keyword; o++)
		if (o->val)
			add(s, o->keyword, o->val);
}

static void add(secrets *s, const char *key, const char *val)
{
	if (strcmp(key, "password") == 0) {
		if (s->npw < 64)
			s->pw[s->npw++] = val;
		return;
	}
	if (s->nother < 256)
		s->other[s->nother++] = val;
	if (strcmp(key, "dbname") == 0 && strchr(val, '='))
		add_conninfo(s, val);
}

/* 1 when `at` starts the value of a top-level dbname= in `desc`. */
static int value_of_dbname(const char *desc, const char *at)
{
	const char *k;

	if (at - desc >= 1 && at[-1] == '\'')
		at--;
	if (at - desc < 7 || strncmp(at - 7, "dbname=", 7) != 0)
		return 0;
	k = at - 7;
	return k == desc || k[-1] == ' ';
}

/* Aborts with the description when it shows a password: one of at least 4
 * bytes that no other setting contains, or the password of a postgresql://
 * URI's user:password@ not replaced by "***". */
static void check_masked(const vh_config *cfg, const char *desc)
{
	secrets s = {0};
	const char *p, *at, *colon, *end;
	size_t i, j;
	int leak = 0;

	if (cfg->conn.dsn)
		add(&s, "dbname", cfg->conn.dsn);
	for (i = 0; i < cfg->conn.n; i++)
		add(&s, cfg->conn.keys[i], cfg->conn.vals[i]);
	for (i = 0; i < s.npw && !leak; i++) {
		if (strlen(s.pw[i]) < 4 || strcmp(s.pw[i], "***") == 0 || !strstr(desc, s.pw[i]))
			continue;
		for (j = 0; j < s.nother && !strstr(s.other[j], s.pw[i]); j++)
			;
		leak = j == s.nother;
	}
	/* Only where libpq reads a URI: the description's start (the dsn) or
	 * a dbname value ("x://u:p@h", or a URI inside other text, is a
	 * database name to libpq). */
	for (p = desc; !leak && (p = strstr(p, "://")) != NULL; p++) {
		const char *scheme = p - desc >= 10 && strncmp(p - 10, "postgresql", 10) == 0 ? p - 10 :
				     p - desc >= 8 && strncmp(p - 8, "postgres", 8) == 0 ? p - 8 : NULL;

		if (!scheme || !(scheme == desc || value_of_dbname(desc, scheme)))
			continue;
		end = p + 3 + strcspn(p + 3, "@/ ");
		if (*end != '@')
			continue;
		at = end;
		colon = memchr(p + 3, ':', (size_t)(at - (p + 3)));
		leak = colon && (at - colon - 1 != 3 || strncmp(colon + 1, "***", 3) != 0);
	}
	for (i = 0; i < s.nparsed; i++)
		PQconninfoFree(s.parsed[i]);
	if (leak) {
		fprintf(stderr, "fuzz_config: password shown in '%s'\n", desc);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vh_config_overrides ov = {0};
	vh_config *cfg = NULL;
	char *desc;

	if (size < 1)
		return 0;
	if (ftruncate(fd, 0) < 0 ||
	    (size > 1 && pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1)))
		abort();
	ov.config_path = path;
	ov.env = (data[0] & 1) ? "staging" : NULL;
	if (vh_config_load(&cfg, &ov) < 0) {
		if (cfg || !*vh_error_last())
			abort();
		vh_error_clear();
		return 0;
	}
	if (!cfg->schema || !*cfg->schema || strlen(cfg->schema) > 63 || !cfg->version_table ||
	    !cfg->history_table || !cfg->plugin_dir || !cfg->version_table_schema)
		abort();
	if (!(desc = vh_config_describe_conn(cfg)))
		abort();
	check_masked(cfg, desc);
	free(desc);
	vh_config_free(cfg);
	return 0;
}
