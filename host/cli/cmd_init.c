/* cmd_init.c - `vhost init [--template NAME] DIR` and `vhost list_templates`:
 * a new revision project from one of the layouts installed with the SDK
 * (share/vhost/templates/project/<NAME>/), as `alembic init` and
 * `alembic list_templates` do. A template is a folder of files copied with
 * @PROJECT@ replaced by the project's name; its DESCRIPTION file is the line
 * list_templates prints and is not copied. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_file.h"

#define VH__DEFAULT_TEMPLATE "cmake"

/* The folder holding the project templates (malloc'd), or an error saying
 * where it was looked for. */
static int templates_root(char **out)
{
	char *inc = NULL, *lib = NULL, *tdir = NULL;
	struct stat st;

	vh_cmd_sdk_dirs(&inc, &lib, &tdir);
	free(inc);
	free(lib);
	*out = NULL;
	if (!tdir || asprintf(out, "%s/project", tdir) < 0) {
		free(tdir);
		*out = NULL;
		return vh_error_set(VH_ERR_GENERIC,
				    "cannot find vhost's project templates: is this vhost installed "
				    "(share/vhost/templates/project beside its bin/)?");
	}
	free(tdir);
	if (stat(*out, &st) != 0 || !S_ISDIR(st.st_mode)) {
		vh_error_set(VH_ERR_GENERIC, "project templates not found at %s: %s", *out,
			     strerror(errno ? errno : ENOTDIR));
		free(*out);
		*out = NULL;
		return VH_ERR_GENERIC;
	}
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the entries of `dir` (not . and ..), NULL-terminated;
 * *out is the caller's (vh_strv_free-like: each and the array). */
static int list_dir(const char *dir, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, **grown;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (*n + 2 > cap) {
			cap = cap ? cap * 2 : 16;
			if (!(grown = realloc(v, cap * sizeof(*v))))
				break;
			v = grown;
		}
		if (!(v[*n] = strdup(de->d_name)))
			break;
		v[++*n] = NULL;
	}
	closedir(d);
	if (de) {
		while (v && *n)
			free(v[--*n]);
		free(v);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if (v)
		qsort(v, *n, sizeof(*v), cmp_name);
	*out = v;
	return 0;
}

static void free_list(char **v, size_t n)
{
	while (v && n)
		free(v[--n]);
	free(v);
}

/* `text` with every @PROJECT@ replaced by `name`; caller frees. */
static char *fill(const char *text, const char *name)
{
	static const char key[] = "@PROJECT@";
	size_t klen = sizeof(key) - 1, nlen = strlen(name), count = 0;
	const char *p;
	char *out, *o;

	for (p = text; (p = strstr(p, key)) != NULL; p += klen)
		count++;
	if (!(out = malloc(strlen(text) + count * nlen + 1)))
		return NULL;
	for (o = out, p = text;;) {
		const char *at = strstr(p, key);

		if (!at) {
			strcpy(o, p);
			return out;
		}
		memcpy(o, p, (size_t)(at - p));
		o += at - p;
		memcpy(o, name, nlen);
		o += nlen;
		p = at + klen;
	}
}

/* Writes `text` to `path`, which must not exist yet (O_EXCL). */
static int write_new(const char *path, const char *text)
{
	FILE *f = fopen(path, "wx");
	int rc = 0;

	if (!f)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	if (fputs(text, f) == EOF)
		rc = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	return rc;
}

/* Refuses a DIR that holds anything (Alembic's message), creates it
 * otherwise, with its parents. */
static int make_project_dir(const char *dir)
{
	char **names = NULL, *p, *path;
	size_t n = 0;
	struct stat st;
	int rc;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return vh_error_set(VH_ERR_GENERIC, "%s exists and is not a directory", dir);
		if ((rc = list_dir(dir, &names, &n)) < 0)
			return rc;
		free_list(names, n);
		if (n)
			return vh_error_set(VH_ERR_GENERIC,
					    "Directory %s already exists and is not empty", dir);
		return 0;
	}
	if (!(path = strdup(dir)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			rc = vh_error_set(VH_ERR_GENERIC, "cannot create %s: %s", path, strerror(errno));
			free(path);
			return rc;
		}
		*p = '/';
	}
	free(path);
	if (mkdir(dir, 0755) != 0)
		return vh_error_set(VH_ERR_GENERIC, "cannot create %s: %s", dir, strerror(errno));
	return 0;
}

/* The project's name for @PROJECT@: DIR's last component, with anything but
 * letters, digits and '_' turned into '_' (it names a CMake project). */
static void project_name(const char *dir, char *out, size_t len)
{
	const char *base;
	size_t i, end = strlen(dir);

	while (end > 1 && dir[end - 1] == '/')
		end--;
	for (base = dir + end; base > dir && base[-1] != '/'; base--)
		;
	for (i = 0; base + i < dir + end && i + 1 < len; i++) {
		char c = base[i];

		out[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_') ? c : '_';
	}
	out[i] = '\0';
	if (!i || (out[0] >= '0' && out[0] <= '9'))
		snprintf(out, len, "revisions");
}

int vh_cmd_init(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {{"template", 't', 1, 1}, {NULL, 0, 0, 0}};
	const char *val, *dir = NULL, *tmpl = VH__DEFAULT_TEMPLATE;
	char *root = NULL, *src = NULL, **names = NULL, name[128], *text, *filled, *path;
	size_t n = 0, i;
	struct stat st;
	int pos = 1, id, rc;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		if (id == 1)
			tmpl = val;
		else if (id == 0 && !dir)
			dir = val;
		else if (id == 0)
			return vh_error_set(VH_ERR_USAGE, "init: one directory expected, got '%s' and '%s'",
					    dir, val);
		else
			return id;
	}
	if (!dir || !*dir)
		return vh_error_set(VH_ERR_USAGE, "init: a directory is required (see 'vhost init --help')");
	if (strchr(tmpl, '/') || tmpl[0] == '.')
		return vh_error_set(VH_ERR_USAGE, "init: bad template name '%s'", tmpl);
	if ((rc = templates_root(&root)) < 0)
		return rc;
	if (asprintf(&src, "%s/%s", root, tmpl) < 0) {
		src = NULL;
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (stat(src, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = vh_error_set(VH_ERR_USAGE,
				  "No such template '%s' (see 'vhost list_templates')", tmpl);
		goto done;
	}
	if ((rc = list_dir(src, &names, &n)) < 0 || (rc = make_project_dir(dir)) < 0)
		goto done;
	{
		/* The real path, so `vhost init .` is named after the folder. */
		char *real = realpath(dir, NULL);

		project_name(real ? real : dir, name, sizeof(name));
		free(real);
	}
	vh_app_info(app, "Creating directory %s ... done", dir);
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(names[i], "DESCRIPTION") == 0)
			continue;
		if (asprintf(&path, "%s/%s", src, names[i]) < 0)
			path = NULL;
		text = NULL;
		rc = path ? vh_file_read_all(&text, path, "template file")
			  : vh_error_set(VH_ERR_NOMEM, "out of memory");
		free(path);
		if (rc < 0)
			break;
		filled = fill(text, name);
		free(text);
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0)
			path = NULL;
		rc = filled && path ? write_new(path, filled) : vh_error_set(VH_ERR_NOMEM, "out of memory");
		if (rc == 0)
			vh_app_info(app, "Generating %s ... done", path);
		free(filled);
		free(path);
	}
	if (rc == 0) {
		if (asprintf(&path, "%s/revisions", dir) < 0)
			path = NULL;
		if (!path)
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		else if (mkdir(path, 0755) != 0)
			rc = vh_error_set(VH_ERR_GENERIC, "cannot create %s: %s", path, strerror(errno));
		else
			vh_app_info(app, "Creating directory %s ... done", path);
		free(path);
	}
	if (rc == 0)
		vh_app_info(app,
			    "Please edit the database settings in '%s/vhost.ini' (or set PGHOST, "
			    "PGDATABASE, ...) before proceeding; %s/README.md says what comes next.",
			    dir, dir);
done:
	free_list(names, n);
	free(src);
	free(root);
	return rc;
}

int vh_cmd_list_templates(vh_app *app, int argc, char **argv)
{
	char *root = NULL, **names = NULL, *path, *desc;
	size_t n = 0, i, len;
	int rc, pos = 1, id;
	const char *val;

	(void)app;
	if ((id = vh_cmd_next(argc, argv, &pos, NULL, &val)) != -1)
		return id == 0 ? vh_error_set(VH_ERR_USAGE, "list_templates: unexpected argument '%s'", val)
			       : id;
	if ((rc = templates_root(&root)) < 0 || (rc = list_dir(root, &names, &n)) < 0)
		goto done;
	printf("Available templates:\n\n");
	for (i = 0; i < n; i++) {
		desc = NULL;
		if (asprintf(&path, "%s/%s/DESCRIPTION", root, names[i]) < 0)
			path = NULL;
		if (path && vh_file_read_all(&desc, path, "template description") < 0)
			desc = NULL;
		free(path);
		len = desc ? strcspn(desc, "\n") : 0;
		printf("%s - %.*s\n", names[i], (int)len, desc ? desc : "");
		free(desc);
	}
	printf("\nTemplates are used via the 'init' command, e.g.:\n\n  vhost init --template %s ./migrations\n",
	       n > 1 ? names[n - 1] : VH__DEFAULT_TEMPLATE);
done:
	free_list(names, n);
	free(root);
	return rc;
}
