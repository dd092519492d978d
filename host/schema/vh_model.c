/* vh_model.c - reading autogenerate's model: one SQL file, or every *.sql
 * file of a directory in name order, as one text, and mapping the server's
 * error position in it back to a file and line. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vh_error.h"
#include "vh_model.h"

/* Frees what model_read filled; a zeroed model is fine. */
void vh_model_clear(vh_model *m)
{
	size_t i;

	for (i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->files);
	free(m->start);
	free(m->text);
}

/* Appends the file at `path` (taking over `path`). */
static int model_add(vh_model *m, char *path)
{
	FILE *f = fopen(path, "rb");
	char **files = realloc(m->files, (m->nfiles + 1) * sizeof(char *));
	size_t *start = files ? realloc(m->start, (m->nfiles + 1) * sizeof(size_t)) : NULL;
	char buf[65536];
	size_t got;
	int rc = 0;

	if (files)
		m->files = files;
	if (start)
		m->start = start;
	if (!f) {
		rc = vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	if (!files || !start) {
		fclose(f);
		free(path);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	m->files[m->nfiles] = path;
	m->start[m->nfiles++] = m->len;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		char *t = realloc(m->text, m->len + got + 2);

		if (!t) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		m->text = t;
		memcpy(m->text + m->len, buf, got);
		m->len += got;
	}
	if (rc == 0 && ferror(f))
		rc = vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
	fclose(f);
	if (rc == 0 && m->text) {
		/* A file without a final newline must not glue its last line to
		 * the next file's first. */
		m->text[m->len++] = '\n';
		m->text[m->len] = '\0';
	}
	return rc;
}

/* qsort order of file names: bytewise, so 01_x.sql before 02_y.sql. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a model file, or every *.sql of a model directory in name order. */
int vh_model_read(vh_model *m, const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (stat(path, &st) != 0)
		return vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		char *p = strdup(path);

		rc = p ? model_add(m, p) : vh_error_set(VH_ERR_NOMEM, "out of memory");
	} else if (!(dir = opendir(path))) {
		rc = vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
	} else {
		while (rc == 0 && (e = readdir(dir))) {
			size_t len = strlen(e->d_name);
			char **grown;

			if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || e->d_name[0] == '.')
				continue;
			if (!(grown = realloc(names, (n + 1) * sizeof(char *))) ||
			    asprintf(&grown[n], "%s/%s", path, e->d_name) < 0) {
				if (grown)
					names = grown;
				rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
				break;
			}
			names = grown;
			n++;
		}
		closedir(dir);
		if (n)
			qsort(names, n, sizeof(char *), cmp_str);
		for (i = 0; i < n; i++) {
			if (rc == 0)
				rc = model_add(m, names[i]);
			else
				free(names[i]);
		}
		free(names);
		if (rc == 0 && n == 0)
			rc = vh_error_set(VH_ERR_USAGE, "the model directory %s holds no *.sql file", path);
	}
	if (rc == 0 && !m->text)
		rc = vh_error_set(VH_ERR_USAGE, "the model %s is empty", path);
	return rc;
}

/* "FILE:LINE" for a 1-based character position in the model's text (the
 * server's error position counts characters, not bytes), or the first
 * file's name when there is no position. Static buffer. */
const char *vh_model_where(const vh_model *m, const char *position)
{
	static char buf[1100];
	long chars = position ? strtol(position, NULL, 10) : 0;
	size_t off = 0, f = 0, line = 1, i;

	if (chars <= 0 || !m->nfiles) {
		snprintf(buf, sizeof(buf), "%s", m->nfiles ? m->files[0] : "");
		return buf;
	}
	for (; off < m->len; off++)
		if (((unsigned char)m->text[off] & 0xc0) != 0x80 && --chars == 0)
			break;
	while (f + 1 < m->nfiles && m->start[f + 1] <= off)
		f++;
	for (i = m->start[f]; i < off; i++)
		line += m->text[i] == '\n';
	snprintf(buf, sizeof(buf), "%s:%zu", m->files[f], line);
	return buf;
}
