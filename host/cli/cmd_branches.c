/* cmd_branches.c - `vhost branches`: revisions with more than one child,
 * each followed by the branches it splits into (Alembic's layout). */
#include <stdio.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_format.h"

int vh_cmd_branches(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {{"verbose", 'v', 0, 1}, {NULL, 0, 0, 0}};
	int pos = 1, id, verbose = app->verbose, rc;
	const char *val;
	const size_t *order, *ch;
	size_t count, nch, i, j;
	vh_graph *g;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		if (id == 1)
			verbose = 1;
		else if (id == 0)
			return vh_error_set(VH_ERR_USAGE, "branches: unexpected argument '%s'", val);
		else
			return id;
	}
	if ((rc = vh_app_graph(app, &g)) < 0)
		return rc;
	order = vh_graph_order(g);
	count = vh_graph_count(g);
	for (i = count; i-- > 0;) {
		ch = vh_graph_children(g, order[i], &nch);
		if (nch < 2)
			continue;
		if (verbose)
			vh_format_entry(stdout, g, order[i], 0);
		else
			vh_format_line(stdout, g, order[i], 0, 0, 0);
		for (j = 0; j < nch; j++) {
			printf("%*s -> ", (int)strlen(vh_graph_rev(g, order[i])->id), "");
			vh_format_line(stdout, g, ch[j], 0, 0, 1);
		}
	}
	return 0;
}
