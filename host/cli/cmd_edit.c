/* cmd_edit.c - `vhost edit REV`: opens the revision's C source in $VISUAL
 * or $EDITOR, as `alembic edit` does. The source is the one in source_dir
 * (a plugin's source is source_dir/<its file stem>.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_spec.h"

/* The source of revision `r`: its own path when it was read from a source,
 * else source_dir/<stem of its .so>.c. Caller frees. */
static int source_of(const vh_revision *r, const char *source_dir, char **out)
{
	const char *base = strrchr(r->path, '/');
	size_t len = strlen(r->path);
	struct stat st;

	*out = NULL;
	if (len > 2 && strcmp(r->path + len - 2, ".c") == 0)
		return (*out = strdup(r->path)) ? 0 : vh_error_set(VH_ERR_NOMEM, "out of memory");
	base = base ? base + 1 : r->path;
	len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".so") == 0)
		len -= 3;
	if (asprintf(out, "%s/%.*s.c", source_dir, (int)len, base) < 0) {
		*out = NULL;
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if (stat(*out, &st) != 0) {
		int rc = vh_error_set(VH_ERR_GENERIC, "revision %s has no source at %s (built from elsewhere?)",
				      r->id, *out);

		free(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* Runs the editor through the shell, so EDITOR="code --wait" works; the
 * path goes as "$1", never into the command text. */
static int run_editor(const char *editor, const char *path)
{
	int status;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return vh_error_set(VH_ERR_GENERIC, "cannot start the editor: %s", strerror(errno));
	if (pid == 0) {
		char cmd[4096];

		snprintf(cmd, sizeof(cmd), "%s \"$1\"", editor);
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return vh_error_set(VH_ERR_GENERIC, "waiting for the editor: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return vh_error_set(VH_ERR_GENERIC, "the editor '%s' failed on %s (status %d)", editor,
				    path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int vh_cmd_edit(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {{"source-dir", 0, 1, 1}, {NULL, 0, 0, 0}};
	const char *val, *rev = NULL, *srcdir = NULL, *editor = getenv("VISUAL");
	size_t *set = NULL, n = 0;
	char *path = NULL;
	vh_graph *g = NULL;
	vh_spec spec;
	int pos = 1, id, rc;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		if (id == 1)
			srcdir = val;
		else if (id == 0 && !rev)
			rev = val;
		else if (id == 0)
			return vh_error_set(VH_ERR_USAGE, "edit: one revision expected");
		else
			return id;
	}
	if (!rev)
		return vh_error_set(VH_ERR_USAGE, "edit: which revision? (see 'vhost edit --help')");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		return vh_error_set(VH_ERR_USAGE, "edit: set $VISUAL or $EDITOR to the editor to use");
	if ((rc = vh_spec_parse(rev, 0, NULL, &spec, NULL)) < 0 ||
	    (rc = vh_cmd_author_source_dir(app, srcdir, &srcdir)) < 0 ||
	    (rc = vh_cmd_author_graph(app, srcdir, &g)) < 0)
		goto done;
	if (!(set = malloc((vh_graph_count(g) + 1) * sizeof(size_t)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = vh_spec_resolve(g, &spec, NULL, 0, set, &n)) < 0)
		goto done;
	if (n != 1) {
		rc = vh_error_set(VH_ERR_USAGE, "edit: '%s' is %s, not one revision", rev,
				  n ? "several revisions" : "base");
		goto done;
	}
	if ((rc = source_of(vh_graph_rev(g, set[0]), srcdir, &path)) == 0)
		rc = run_editor(editor, path);
done:
	free(path);
	free(set);
	vh_graph_free(g);
	return rc;
}
