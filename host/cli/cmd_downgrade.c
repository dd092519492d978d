/* cmd_downgrade.c - `vhost downgrade SPEC`: revert revisions down to SPEC. */
#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_run.h"

int vh_cmd_downgrade(vh_app *app, int argc, char **argv)
{
	vh_run_opts o = {0};
	const char *spec;
	int rc;

	/* No default: reverting is never what a bare command should do. */
	if ((rc = vh_cmd_parse_run(argc, argv, &o, &spec, NULL)) < 0)
		return rc;
	return vh_run(app, spec, &o);
}
