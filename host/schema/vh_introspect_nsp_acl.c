/* vh_introspect_nsp_acl.c - the privileges that belong to the schema
 * itself: GRANT ... ON SCHEMA (USAGE, CREATE) and the schema's default
 * privileges (ALTER DEFAULT PRIVILEGES FOR ROLE r IN SCHEMA s), read as
 * VH_IOBJ_GRANT objects for autogenerate.
 *
 * Both sides must compare although one is the target and the other the
 * model's scratch schema, and a generated revision must serve whatever
 * schema it runs in (a fleet's tenants): the objects name the schema by
 * the target's name whichever was read, and their SQL holds %I where the
 * schema goes (other % doubled), rendered as vh_execf(ctx, sql,
 * vh_schema(ctx)) (vh_op.target_fmt). As for other objects, the owner's
 * own privileges and those of the role vhost connects as (which owns the
 * scratch schema) are left out of the schema's; default privileges are
 * kept whole, the role they are for included. */
#include "vh_introspect_nsp_acl.h"

#include <string.h>

#include "vh_introspect_int.h"
#include "vh_model_run.h"

/* $1 the schema read, $2 the name it is shown under. */
#define NSP_GRANTEE                                                                        \
	" LATERAL (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'"                           \
	"  ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS name) g,"                   \
	" LATERAL (SELECT replace(g.name, '%', '%%') AS fmt,"                              \
	"  CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS opt) x"

/* kind, what, name, table, def, create, drop, extra, comment, oid. */
static const char q_schema[] =
	"SELECT 0, 'SCHEMA', a.privilege_type || ' ON SCHEMA ' || quote_ident($2) || ' TO ' || g.name,"
	" 'SCHEMA ' || quote_ident($2), a.privilege_type || ' ON SCHEMA ' || quote_ident($2) || ' TO ' || g.name || x.opt,"
	" 'GRANT ' || a.privilege_type || ' ON SCHEMA %I TO ' || x.fmt || x.opt,"
	" 'REVOKE ' || a.privilege_type || ' ON SCHEMA %I FROM ' || x.fmt, '', NULL, n.oid"
	" FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n'::\"char\", n.nspowner))) a,"
	NSP_GRANTEE
	" WHERE n.nspname = $1 AND a.grantee <> n.nspowner"
	" AND a.grantee IS DISTINCT FROM (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user)";

/* The schema's comment, as a setting (vh_diff_settings.c). */
static const char q_comment[] =
	"SELECT 0, 'SCHEMA', 'schema ' || quote_ident($2) || ' comment', 'SCHEMA ' || quote_ident($2),"
	" d.c, 'COMMENT ON SCHEMA %I IS ' || replace(d.c, '%', '%%'), 'COMMENT ON SCHEMA %I IS NULL',"
	" NULL, NULL, n.oid"
	" FROM pg_namespace n, LATERAL (SELECT quote_literal(ds.description) AS c FROM pg_description ds"
	"  WHERE ds.objoid = n.oid AND ds.classoid = 'pg_namespace'::regclass AND ds.objsubid = 0) d"
	" WHERE n.nspname = $1";

/* One row per role, kind of object, grantee and privilege. The role
 * vhost connects as is the one a statement without FOR ROLE means, in
 * the model as in the revision: it is left unnamed. */
static const char q_defaults[] =
	"SELECT 0, 'DEFAULT', p.priv || ' TO ' || g.name || p.scope, 'SCHEMA ' || quote_ident($2),"
	" p.priv || ' TO ' || g.name || x.opt || p.scope,"
	" 'ALTER DEFAULT PRIVILEGES' || p.role || ' IN SCHEMA %I GRANT ' || p.priv"
	"  || ' TO ' || x.fmt || x.opt,"
	" 'ALTER DEFAULT PRIVILEGES' || p.role || ' IN SCHEMA %I REVOKE ' || p.priv"
	"  || ' FROM ' || x.fmt, '', NULL, d.oid"
	" FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace,"
	" aclexplode(d.defaclacl) a,"
	" LATERAL (SELECT CASE WHEN pg_get_userbyid(d.defaclrole) <> current_user"
	"  THEN ' FOR ROLE ' || quote_ident(pg_get_userbyid(d.defaclrole)) END AS r) f,"
	" LATERAL (SELECT a.privilege_type || ' ON ' || CASE d.defaclobjtype WHEN 'r' THEN 'TABLES'"
	"  WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES'"
	"  ELSE 'SCHEMAS' END AS priv, coalesce(replace(f.r, '%', '%%'), '') AS role,"
	"  coalesce(f.r, '') || ' IN SCHEMA ' || quote_ident($2) AS scope) p," NSP_GRANTEE
	" WHERE n.nspname = $1";

/* See vh_introspect_nsp_acl.h. */
int vh_nsp_acl_add(vh_ischema *s, PGconn *conn, const char *schema, const char *shown,
		   unsigned said)
{
	vh_ireader r = {0};
	int rc = 0;

	r.conn = conn;
	r.params[0] = schema;
	r.params[1] = shown;
	r.s = s;
	r.arena = s->arena;
	if (said & VH_MODEL_SCHEMA_ACL)
		rc = vh_ireader_object_rows(&r, q_schema, VH_IOBJ_GRANT);
	if (rc == 0 && (said & VH_MODEL_SCHEMA_COMMENT))
		rc = vh_ireader_object_rows(&r, q_comment, VH_IOBJ_SETTING);
	if (rc == 0)
		rc = vh_ireader_object_rows(&r, q_defaults, VH_IOBJ_GRANT);
	s->arena = r.arena;
	vh_ischema_sort_objects(s);
	return rc;
}
