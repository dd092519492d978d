/* cmd_check.c - `vhost check`: exit 1 unless the database is at every head
 * and, when a model is configured, matches it, so CI can fail a deploy that
 * forgot to migrate or a change that forgot its revision (Alembic's
 * `alembic check`). */
#include <stdlib.h>

#include "vh_autogen.h"
#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_run.h"
#include "vh_tables.h"

/* Fails with "Target database is not up to date." (naming a missing head)
 * unless the version table holds exactly the heads, as Alembic requires
 * before comparing. Connects if needed. */
static int require_head(vh_app *app)
{
	char **ids = NULL;
	size_t *cur = NULL, n = 0, nheads, i;
	unsigned char *at = NULL;
	const size_t *heads;
	vh_graph *g;
	int rc;

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
	if (n != nheads)
		rc = vh_error_set(VH_ERR_GENERIC, "Target database is not up to date.");
	/* What `upgrade` would refuse, CI catches here: a changed plugin. */
	if (rc == 0)
		rc = vh_run_check_drift(app, cur, n);
done:
	free(at);
	vh_strv_free(ids);
	free(cur);
	return rc;
}

/* At head first, as Alembic requires, then the model: any difference is
 * listed on stdout, one operation a line, and fails the command. */
int vh_cmd_check(vh_app *app, int argc, char **argv)
{
	vh_diff *up = NULL, *down = NULL;
	int rc;

	if (argc > 1)
		return vh_error_set(VH_ERR_USAGE, "check: unexpected argument '%s'", argv[1]);
	if ((rc = require_head(app)) < 0)
		return rc;
	if (!app->cfg->model) {
		if (!app->quiet)
			printf("Database is at head: no upgrade operations pending.\n");
		return 0;
	}
	if ((rc = vh_autogen_app_diff(app, &up, &down)) < 0)
		goto done;
	if (up->nops) {
		printf("New upgrade operations detected: [\n");
		vh_autogen_print(stdout, up);
		printf("]\n");
	}
	if (up->nunmodelled) {
		size_t i;

		/* Never "no changes" while a kind vhost does not generate differs. */
		printf("Differences autogenerate does not generate (write them by hand): [\n");
		for (i = 0; i < up->nunmodelled; i++)
			printf("  %s\n", up->unmodelled[i]);
		printf("]\n");
	}
	if (up->nops && !up->nunmodelled)
		rc = vh_error_set(VH_ERR_GENERIC,
				  "New upgrade operations detected: the database differs from the "
				  "model in %zu operation%s (vhost revision --autogenerate writes them)",
				  up->nops, up->nops == 1 ? "" : "s");
	else if (up->nunmodelled)
		rc = vh_error_set(VH_ERR_GENERIC,
				  "the database differs from the model in %zu operation%s and in %zu "
				  "difference%s autogenerate does not generate",
				  up->nops, up->nops == 1 ? "" : "s", up->nunmodelled,
				  up->nunmodelled == 1 ? "" : "s");
	if (rc == 0 && !app->quiet)
		printf("No new upgrade operations detected.\n");
done:
	vh_diff_free(up);
	vh_diff_free(down);
	return rc;
}
