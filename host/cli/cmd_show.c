/* cmd_show.c - `vhost show REV`: one revision in full. */
#include <stdio.h>
#include <stdlib.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_format.h"
#include "vh_run.h"
#include "vh_spec.h"

int vh_cmd_show(vh_app *app, int argc, char **argv)
{
	const char *val, *rev = NULL;
	int pos = 1, id, rc;
	size_t *set = NULL, n = 0, *cur = NULL, ncur = 0, i;
	char **ids = NULL;
	vh_graph *g;
	vh_spec spec;
	int is_range;

	while ((id = vh_cmd_next(argc, argv, &pos, NULL, &val)) != -1) {
		if (id < 0)
			return id;
		if (rev)
			return vh_error_set(VH_ERR_USAGE, "show: one revision expected");
		rev = val;
	}
	if (!rev)
		return vh_error_set(VH_ERR_USAGE, "show: which revision? (see 'vhost show --help')");
	if ((rc = vh_spec_parse(rev, VH_SPEC_ALLOW_CURRENT, NULL, &spec, &is_range)) < 0 ||
	    (rc = vh_app_graph(app, &g)) < 0)
		return rc;
	if (spec.kind == VH_SPEC_CURRENT && (rc = vh_run_read_current(app, &ids, &cur, &ncur)) < 0)
		goto done;
	if (!(set = malloc((vh_graph_count(g) + 1) * sizeof(size_t)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = vh_spec_resolve(g, &spec, cur, ncur, set, &n)) < 0)
		goto done;
	if (n == 0)
		printf("Rev: <base>\n");
	for (i = 0; i < n; i++)
		vh_format_entry(stdout, g, set[i], 0);
done:
	vh_strv_free(ids);
	free(cur);
	free(set);
	return rc;
}
