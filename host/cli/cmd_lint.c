/* cmd_lint.c - `vhost lint [SPEC]`: what the revisions `upgrade SPEC` would
 * run will lock, rewrite or destroy (host/lint/). Exit 1 when a finding not
 * ignored is at error level. */
#include <stdio.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_lint.h"

enum { O_ALL = 1, O_OFFLINE, O_JSON, O_FORMAT, O_TRACE, O_YES };

static const vh_opt lint_opts[] = {
	{"all", 0, 0, O_ALL},
	{"offline", 0, 0, O_OFFLINE},
	{"json", 0, 0, O_JSON},
	{"format", 0, 1, O_FORMAT},
	{"trace", 0, 0, O_TRACE},
	{"yes", 'y', 0, O_YES},
	{NULL, 0, 0, 0},
};

int vh_cmd_lint(vh_app *app, int argc, char **argv)
{
	vh_lint_opts o = {0};
	vh_lint_format fmt = VH_LINT_TEXT;
	vh_lint_report r;
	const char *val;
	int pos = 1, id, rc;

	while ((id = vh_cmd_next(argc, argv, &pos, lint_opts, &val)) != -1) {
		switch (id) {
		case 0:
			if (o.spec)
				return vh_error_set(VH_ERR_USAGE, "lint: one revision spec expected, got '%s' and '%s'",
						    o.spec, val);
			o.spec = val;
			break;
		case O_ALL: o.all = 1; break;
		case O_OFFLINE: o.offline = 1; break;
		case O_JSON: fmt = VH_LINT_JSON; break;
		case O_FORMAT:
			if (strcmp(val, "sarif") == 0)
				fmt = VH_LINT_SARIF;
			else if (strcmp(val, "json") == 0)
				fmt = VH_LINT_JSON;
			else if (strcmp(val, "text") == 0)
				fmt = VH_LINT_TEXT;
			else
				return vh_error_set(VH_ERR_USAGE, "lint: --format '%s': expected text, json or sarif",
						    val);
			break;
		case O_TRACE: o.trace = 1; break;
		case O_YES: o.yes = 1; break;
		default: return id;
		}
	}
	if (o.all && o.spec)
		return vh_error_set(VH_ERR_USAGE, "lint: --all and a revision spec exclude each other");
	if (o.trace && o.offline)
		return vh_error_set(VH_ERR_USAGE, "lint: --trace runs the revisions in a scratch database; "
				    "it cannot be --offline");
	rc = vh_lint_run(&r, app, &o);
	if (rc == 0) {
		vh_lint_print(stdout, &r, fmt, VH_LINT_NOTE);
		if (vh_lint_worst(&r) == VH_LINT_ERROR)
			rc = vh_error_set(VH_ERR_GENERIC, "lint: findings at error level (fix them, or "
					  "silence each with VHOST_LINT_IGNORE(\"rule\", \"why\"))");
	}
	vh_lint_report_clear(&r);
	return rc;
}
