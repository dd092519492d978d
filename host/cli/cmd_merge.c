/* cmd_merge.c - `vhost merge -m MSG REV REV...` (or `heads`): writes a merge
 * revision whose parents are the given heads, as `alembic merge` does, so
 * that `upgrade head` has one head to go to again. */
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_spec.h"
#include "vh_template.h"

enum { O_MSG = 1, O_REVID, O_SRCDIR, O_TEMPLATE };

#define MERGE_BODY                                                             \
	"\t/* A merge joins branches and usually changes nothing. Put here\n"  \
	"\t * what the branches must agree on once both are applied. */\n"     \
	"\t(void)ctx;\n"                                                       \
	"\treturn 0;"

/* Adds the revisions `spec` names to set[0..*n), skipping ones already
 * there, in the order given. */
static int add_spec(const vh_graph *g, const char *text, size_t *set, size_t *n)
{
	size_t *tmp, nt = 0, i, j;
	vh_spec spec;
	int rc;

	if ((rc = vh_spec_parse(text, 0, NULL, &spec, NULL)) < 0)
		return rc;
	if (spec.kind == VH_SPEC_BASE || spec.kind == VH_SPEC_CURRENT)
		return vh_error_set(VH_ERR_USAGE, "merge: '%s' is not a revision to merge; give heads "
				    "(see 'vhost heads'), or 'heads'", text);
	if (!(tmp = malloc((vh_graph_count(g) + 1) * sizeof(size_t))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if ((rc = vh_spec_resolve(g, &spec, NULL, 0, tmp, &nt)) == 0) {
		for (i = 0; i < nt; i++) {
			for (j = 0; j < *n && set[j] != tmp[i]; j++)
				;
			if (j == *n)
				set[(*n)++] = tmp[i];
		}
	}
	free(tmp);
	return rc;
}

/* `vhost merge`: resolves the specs (each must name heads; two or more
 * distinct ones), then writes the merge revision with vh_cmd_author_write.
 * Returns 0, VH_ERR_USAGE for bad arguments, VH_ERR_GENERIC otherwise. */
int vh_cmd_merge(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {
		{"message", 'm', 1, O_MSG},
		{"rev-id", 0, 1, O_REVID},
		{"source-dir", 0, 1, O_SRCDIR},
		{"template", 0, 1, O_TEMPLATE},
		{NULL, 0, 0, 0},
	};
	const char *val, *msg = NULL, *rev_id = NULL, *srcdir = NULL, *tmpl = NULL;
	const char **parents = NULL, **specs = NULL;
	char id[VH_REVISION_ID_MAX + 1];
	vh_template_vars v = {0};
	size_t *set = NULL, n = 0, nspecs = 0, i, nchild;
	vh_graph *g = NULL;
	int pos = 1, opt, rc;

	if (!(specs = calloc((size_t)argc + 1, sizeof(*specs))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	while ((opt = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		switch (opt) {
		case O_MSG: msg = val; break;
		case O_REVID: rev_id = val; break;
		case O_SRCDIR: srcdir = val; break;
		case O_TEMPLATE: tmpl = val; break;
		case 0: specs[nspecs++] = val; break;
		default: rc = opt; goto done;
		}
	}
	if (!nspecs) {
		rc = vh_error_set(VH_ERR_USAGE, "merge: which revisions? Give two heads or more, or "
				  "'heads' (see 'vhost merge --help')");
		goto done;
	}
	if ((rc = vh_cmd_author_source_dir(app, srcdir, &srcdir)) < 0 ||
	    (rc = vh_cmd_author_graph(app, srcdir, &g)) < 0)
		goto done;
	if (!(set = malloc((vh_graph_count(g) + 1) * sizeof(size_t))) ||
	    !(parents = calloc(vh_graph_count(g) + 1, sizeof(*parents)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < nspecs; i++)
		if ((rc = add_spec(g, specs[i], set, &n)) < 0)
			goto done;
	/* As Alembic: a merge joins heads; joining a revision that already
	 * has children would start yet another branch. */
	for (i = 0; i < n; i++) {
		vh_graph_children(g, set[i], &nchild);
		if (nchild) {
			rc = vh_error_set(VH_ERR_GENERIC,
					  "Revision %s is not a head revision; a merge joins heads (see "
					  "'vhost heads')",
					  vh_graph_rev(g, set[i])->id);
			goto done;
		}
		parents[i] = vh_graph_rev(g, set[i])->id;
	}
	if (n < 2) {
		rc = vh_error_set(VH_ERR_GENERIC, "merge: %s one revision (%s); nothing to merge",
				  nspecs == 1 ? "there is only" : "the revisions given are",
				  n ? parents[0] : "<base>");
		goto done;
	}
	if ((rc = vh_cmd_author_id(g, rev_id, id, sizeof(id))) < 0)
		goto done;
	v.up_revision = id;
	v.down_revisions = parents;
	v.ndown = n;
	v.message = msg;
	v.upgrade_body = MERGE_BODY;
	v.downgrade_body = MERGE_BODY;
	rc = vh_cmd_author_write(app, srcdir, tmpl, &v);
done:
	free(specs);
	free(parents);
	free(set);
	vh_graph_free(g);
	return rc;
}
