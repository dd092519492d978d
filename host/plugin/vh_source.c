/* vh_source.c - reading the VHOST_REVISION(id, down, message) declaration
 * back from revision C sources without compiling them, for `revision` and
 * `merge` to see revisions that are written but not built yet. */
#include "vh_source.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vh_error.h"
#include "vh_file.h"

/* A character of a C identifier. */
static int is_ident_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* ---------------------------------------------------------------------
 * Reading VHOST_REVISION back from a source
 * ------------------------------------------------------------------- */

/* Skips blanks, newlines and comments. */
static const char *skip_space(const char *p)
{
	for (;;) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
		} else {
			return p;
		}
	}
}

/* Parses adjacent string literals at *pp into a malloc'd, unescaped
 * string; NULL when *pp is not at a literal (or out of memory). */
static char *parse_literal(const char **pp)
{
	const char *p = *pp;
	char *out, *o;

	if (*p != '"' || !(out = malloc(strlen(p) + 1)))
		return NULL;
	o = out;
	while (*p == '"') {
		for (p++; *p && *p != '"' && *p != '\n'; p++) {
			if (*p != '\\') {
				*o++ = *p;
				continue;
			}
			switch (*++p) {
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case 'r': *o++ = '\r'; break;
			case '\0': p--; break;
			default:
				if (*p >= '0' && *p <= '7') {
					int c = 0, k;

					for (k = 0; k < 3 && *p >= '0' && *p <= '7'; k++)
						c = c * 8 + (*p++ - '0');
					p--;
					*o++ = (char)c;
				} else {
					*o++ = *p; /* \" \\ \? \' */
				}
			}
		}
		if (*p != '"') {
			free(out);
			return NULL;
		}
		p = skip_space(p + 1);
	}
	*o = '\0';
	*pp = p;
	return out;
}

/* Finds the macro `name` followed by '(' outside comments and literals. */
static const char *find_macro(const char *text, const char *name)
{
	const char *p = text;
	size_t nlen = strlen(name);

	while (*p) {
		if ((p[0] == '/' && (p[1] == '*' || p[1] == '/'))) {
			p = skip_space(p);
		} else if (*p == '"' || *p == '\'') {
			char q = *p++;

			while (*p && *p != q && *p != '\n')
				p += (*p == '\\' && p[1]) ? 2 : 1;
			if (*p)
				p++;
		} else if (is_ident_char((unsigned char)*p)) {
			const char *s = p;

			while (is_ident_char((unsigned char)*p))
				p++;
			if ((size_t)(p - s) == nlen && memcmp(s, name, nlen) == 0 &&
			    *skip_space(p) == '(')
				return s;
		} else {
			p++;
		}
	}
	return NULL;
}

/* Reads the optional VHOST_BRANCH_LABELS("a, b") / VHOST_DEPENDS_ON("x")
 * of a source into a checked list; absent leaves it empty. */
static int scan_list(const char *text, const char *path, const char *macro, char ***out,
		     size_t *n)
{
	const char *at = find_macro(text, macro), *p;
	char *lit, what[1024];
	int rc;

	if (!at)
		return 0;
	p = skip_space(skip_space(at + strlen(macro)) + 1);
	if (!(lit = parse_literal(&p)))
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: cannot read %s: write it as a string literal", path, macro);
	snprintf(what, sizeof(what), "%s: %s", path, macro);
	rc = vh_revision_split_list(lit, what, out, n);
	free(lit);
	return rc;
}

int vh_source_scan(vh_revision *out, const char *path)
{
	char *text = NULL, *args[3] = {0};
	const char *at, *p;
	int rc, i, line = 1;

	memset(out, 0, sizeof(*out));
	if ((rc = vh_file_read_all(&text, path, "source")) < 0)
		return rc;
	if (!(at = find_macro(text, "VHOST_REVISION"))) {
		free(text);
		return VH_ERR_NOTFOUND;
	}
	for (p = text; p < at; p++)
		line += *p == '\n';
	p = skip_space(skip_space(at + strlen("VHOST_REVISION")) + 1);
	for (i = 0; i < 3; i++) {
		if (i == 1 && (strncmp(p, "NULL", 4) == 0 || (p[0] == '0' && !isdigit((unsigned char)p[1])))) {
			p = skip_space(p + (*p == '0' ? 1 : 4));
		} else if (!(args[i] = parse_literal(&p))) {
			rc = vh_error_set(VH_ERR_GENERIC,
					  "%s:%d: cannot read VHOST_REVISION's %s: vhost reads sources "
					  "without compiling them, so write it as a string literal%s",
					  path, line, i == 0 ? "id" : i == 1 ? "down_revision" : "message",
					  i == 1 ? " or NULL" : "");
			goto done;
		}
		if (*p != (i < 2 ? ',' : ')')) {
			rc = vh_error_set(VH_ERR_GENERIC, "%s:%d: malformed VHOST_REVISION(...)", path, line);
			goto done;
		}
		p = skip_space(p + 1);
	}
	if (!(out->path = strdup(path))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	out->id = args[0];
	out->down_revision = args[1] && *args[1] ? args[1] : NULL;
	out->message = args[2];
	if (args[1] && !*args[1])
		free(args[1]);
	args[0] = args[1] = args[2] = NULL;
	out->flags = VH_REV_HAS_UPGRADE | VH_REV_HAS_DOWNGRADE;
	if ((rc = scan_list(text, path, "VHOST_BRANCH_LABELS", &out->labels, &out->nlabels)) == 0)
		rc = scan_list(text, path, "VHOST_DEPENDS_ON", &out->depends, &out->ndepends);
done:
	for (i = 0; i < 3; i++)
		free(args[i]);
	free(text);
	return rc;
}

/* qsort() order for file names: bytes, not the locale's collation. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vh_source_scan_dir(const char *dir, FILE *warn, vh_revision **revs, size_t *n)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **grown, *path;
	size_t count = 0, cap = 0, i, len;
	vh_revision *r = NULL;
	int rc = 0;

	*revs = NULL;
	*n = 0;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0
				       : vh_error_set(VH_ERR_GENERIC, "source_dir %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 2 || strcmp(de->d_name + len - 2, ".c") != 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 32;
			if (!(grown = realloc(names, cap * sizeof(*names)))) {
				rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
				goto done;
			}
			names = grown;
		}
		if (!(names[count] = strdup(de->d_name))) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		count++;
	}
	if (count > 1)
		qsort(names, count, sizeof(*names), cmp_str);
	if (!(r = calloc(count + 1, sizeof(*r)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < count; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		rc = vh_source_scan(&r[*n], path);
		free(path);
		if (rc == VH_ERR_NOMEM)
			goto done;
		if (rc == 0)
			(*n)++;
		else if (rc != VH_ERR_NOTFOUND && warn)
			fprintf(warn, "warning: %s; its revision is left out\n", vh_error_last());
		rc = 0;
	}
done:
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	closedir(d);
	if (rc < 0) {
		for (i = 0; i < *n; i++)
			vh_revision_clear(&r[i]);
		free(r);
		*n = 0;
		return rc;
	}
	if (*n == 0) {
		free(r);
		r = NULL;
	}
	*revs = r;
	return 0;
}
