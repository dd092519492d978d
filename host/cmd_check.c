/* cmd_check.c - `vhost check`: exit 1 unless the database is at every head,
 * so CI can fail a deploy that forgot to migrate. */
#include <stdlib.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_run.h"

int vh_cmd_check(vh_app *app, int argc, char **argv)
{
	char **ids = NULL;
	size_t *cur = NULL, n = 0, nheads, i;
	unsigned char *at = NULL;
	const size_t *heads;
	vh_graph *g;
	int rc;

	if (argc > 1)
		return vh_error_set(VH_ERR_USAGE, "check: unexpected argument '%s'", argv[1]);
	if ((rc = vh_run_read_current(app, &ids, &cur, &n)) < 0)
		goto done;
	vh_app_graph(app, &g);
	heads = vh_graph_heads(g, &nheads);
	if (!(at = calloc(vh_graph_count(g) + 1, 1))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		at[cur[i]] = 1;
	for (i = 0; i < nheads; i++)
		if (!at[heads[i]]) {
			rc = vh_error_set(VH_ERR_GENERIC,
					  "Target database is not up to date: head %s is not applied "
					  "(run 'vhost upgrade heads')",
					  vh_graph_rev(g, heads[i])->id);
			goto done;
		}
	if (n != nheads) {
		rc = vh_error_set(VH_ERR_GENERIC, "Target database is not up to date.");
		goto done;
	}
	if (!app->quiet)
		printf("Database is at head: no upgrade operations pending.\n");
done:
	free(at);
	vh_strv_free(ids);
	free(cur);
	return rc;
}
