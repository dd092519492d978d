/* cmd_heads.c - `vhost heads`: the revisions nothing builds on yet. */
#include <stdio.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_format.h"

int vh_cmd_heads(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {{"verbose", 'v', 0, 1}, {NULL, 0, 0, 0}};
	int pos = 1, id, verbose = app->verbose, rc;
	const char *val;
	const size_t *heads;
	size_t n, i;
	vh_graph *g;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		if (id == 1)
			verbose = 1;
		else if (id == 0)
			return vh_error_set(VH_ERR_USAGE, "heads: unexpected argument '%s'", val);
		else
			return id;
	}
	if ((rc = vh_app_graph(app, &g)) < 0)
		return rc;
	heads = vh_graph_heads(g, &n);
	for (i = 0; i < n; i++) {
		if (verbose)
			vh_format_entry(stdout, g, heads[i], 0);
		else
			vh_format_line(stdout, g, heads[i], 0, 0, 0);
	}
	return 0;
}
