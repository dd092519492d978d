/* cmd_plugins.c - `vhost plugins`: every file in plugin_dir with its
 * revision, parent and ABI, or why it does not load; then whether they form
 * a valid graph. Exits 1 if anything is wrong, so CI can run it on a deploy's
 * plugin directory before the deploy. */
#include <stdio.h>
#include <stdlib.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_loader.h"

int vh_cmd_plugins(vh_app *app, int argc, char **argv)
{
	vh_revision *revs = NULL;
	char **paths = NULL, **errors = NULL;
	size_t n = 0, i, bad = 0;
	vh_graph *g;
	int rc;

	if (argc > 1)
		return vh_error_set(VH_ERR_USAGE, "plugins: unexpected argument '%s'", argv[1]);
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
	return 0;
}
