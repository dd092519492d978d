/* cmd_plugins.c - `vhost plugins`: every file in plugin_dir with its
 * revision, parent and ABI, or why it does not load; then whether they form
 * a valid graph. With -v, where each file really is (symlinks followed) and
 * whether it passed the trust rule, and what became of the metadata index.
 * Exits 1 if anything is wrong, so CI can run it on a deploy's plugin
 * directory before the deploy. */
#include <stdio.h>
#include <stdlib.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_index.h"
#include "vh_loader.h"

/* The -v line under a plugin that was read. */
static void print_verdict(const vh_revision *r)
{
	const vh_plugin_file *f = r->file;

	printf("       -> %s: %s\n", f && f->real_path ? f->real_path : r->path,
	       f && f->trusted ? "trusted (file and every directory up to / pass the ownership and mode rule)"
			       : "NOT trusted: loaded only because of --insecure-plugins");
}

int vh_cmd_plugins(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {{"verbose", 'v', 0, 1}, {NULL, 0, 0, 0}};
	vh_revision *revs = NULL;
	char **paths = NULL, **errors = NULL;
	const char *val;
	size_t n = 0, i, bad = 0;
	int rc, id, pos = 1, verbose = app->verbose;
	vh_graph *g;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		if (id == 1)
			verbose = 1;
		else if (id == 0)
			return vh_error_set(VH_ERR_USAGE, "plugins: unexpected argument '%s'", val);
		else
			return id;
	}
	if ((rc = vh_loader_list(app->cfg->plugin_dir, app->cfg->insecure_plugins, &revs, &paths,
				 &errors, &n)) < 0)
		return rc;
	printf("%-6s %-32s %-32s %-5s %s\n", "STATUS", "REVISION", "DOWN_REVISION", "ABI", "FILE");
	for (i = 0; i < n; i++) {
		if (errors[i]) {
			bad++;
			printf("%-6s %s\n", "FAIL", errors[i]);
			continue;
		}
		printf("%-6s %-32s %-32s %u.%-3u %s%s\n", "ok", revs[i].id,
		       revs[i].down_revision ? revs[i].down_revision : "<base>", revs[i].abi_major,
		       revs[i].abi_minor, paths[i],
		       revs[i].flags & VH_REV_NONTRANSACTIONAL ? " (non-transactional)" : "");
		if (verbose)
			print_verdict(&revs[i]);
	}
	for (i = 0; i < n; i++) {
		vh_revision_clear(&revs[i]);
		free(paths[i]);
		free(errors[i]);
	}
	free(revs);
	free(paths);
	free(errors);
	if (bad)
		return vh_error_set(VH_ERR_GENERIC, "%zu of %zu plugin%s in %s %s not load", bad, n,
				    n == 1 ? "" : "s", app->cfg->plugin_dir, bad == 1 ? "does" : "do");
	/* Every file loads: do they form a graph (no duplicates, cycles, or
	 * missing parents)? */
	if ((rc = vh_app_graph(app, &g)) < 0)
		return rc;
	printf("%zu revision%s, graph OK.\n", vh_graph_count(g), vh_graph_count(g) == 1 ? "" : "s");
	if (verbose)
		printf("Metadata index: %s\n", vh_index_note(app->index));
	return 0;
}
