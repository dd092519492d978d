/* vh_introspect_acl.c - what decides who may do what in the schema, read
 * for autogenerate as vh_iobject rows: a table's row level security
 * switches (ENABLE, FORCE), its policies, and the privileges granted on
 * tables, views, sequences, columns, functions, procedures, enums, domains
 * and composite types, one row per grantee and privilege (aclexplode). Roles are named through quote_ident,
 * expressions rendered by pg_get_expr with the schema alone on the
 * search_path. The owner's own privileges are left out: they come with
 * ownership, which vhost does not compare (docs/autogenerate.md); so are
 * those of the role vhost connects as, which owns the model's objects. */
#include "vh_introspect_int.h"

#define ACL_REL_OK(c) VH_IREL_OK(c)

/* kind, what, name, table, def, create, drop, extra, comment, oid. */
static const char q_rls[] =
	"SELECT 0, 'TABLE', quote_ident(c.relname), quote_ident(c.relname),"
	" concat_ws(' ', CASE WHEN c.relrowsecurity THEN 'enabled' END,"
	"  CASE WHEN c.relforcerowsecurity THEN 'forced' END), NULL, NULL, NULL, NULL, c.oid"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relforcerowsecurity) AND"
	ACL_REL_OK("c");

/* extra: permissive, command, roles, USING, WITH CHECK separated by \x1f. */
static const char q_policies[] =
	"SELECT 0, 'POLICY', w.name, quote_ident(c.relname), x.create, x.create,"
	" 'DROP POLICY ' || w.name,"
	" concat_ws(chr(31), w.perm, w.cmd, w.roles, coalesce(w.qual, ''), coalesce(w.chk, '')),"
	" (SELECT quote_literal(ds.description) FROM pg_description ds WHERE ds.objoid = p.oid"
	"  AND ds.classoid = 'pg_policy'::regclass AND ds.objsubid = 0), p.oid"
	" FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace,"
	" LATERAL (SELECT quote_ident(p.polname) || ' ON ' || quote_ident(c.relname) AS name,"
	"  CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END AS perm,"
	"  CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
	"   WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS cmd,"
	"  (SELECT string_agg(u.r, ', ' ORDER BY u.r) FROM (SELECT CASE WHEN g = 0 THEN 'PUBLIC'"
	"   ELSE quote_ident(pg_get_userbyid(g)) END AS r FROM unnest(p.polroles) g) u) AS roles,"
	"  pg_get_expr(p.polqual, p.polrelid) AS qual,"
	"  pg_get_expr(p.polwithcheck, p.polrelid) AS chk) w,"
	" LATERAL (SELECT 'CREATE POLICY ' || w.name || ' AS ' || w.perm || ' FOR ' || w.cmd"
	"  || ' TO ' || w.roles || coalesce(' USING (' || w.qual || ')', '')"
	"  || coalesce(' WITH CHECK (' || w.chk || ')', '') AS create) x"
	" WHERE" ACL_REL_OK("c");

/* One row per object, grantee and privilege: name "SELECT ON TABLE t TO r",
 * "UPDATE (c) ON TABLE t TO r", "EXECUTE ON FUNCTION f(integer) TO PUBLIC",
 * "USAGE ON TYPE mood TO r"; table: the object ("t", "f(integer)"); extra
 * "d" for a privilege every new object of its kind gets (EXECUTE to PUBLIC
 * on a routine, USAGE to PUBLIC on a type). */
static const char q_grants[] =
	"SELECT 0, 'GRANT', x.priv || ' ON ' || x.target || ' TO ' || g.grantee, x.obj,"
	" x.priv || ' ON ' || x.target || ' TO ' || g.grantee"
	"  || CASE WHEN x.opt THEN ' WITH GRANT OPTION' ELSE '' END,"
	" 'GRANT ' || x.priv || ' ON ' || x.target || ' TO ' || g.grantee"
	"  || CASE WHEN x.opt THEN ' WITH GRANT OPTION' ELSE '' END,"
	" 'REVOKE ' || x.priv || ' ON ' || x.target || ' FROM ' || g.grantee,"
	" CASE WHEN x.dflt THEN 'd' ELSE '' END, NULL, x.oid"
	" FROM (SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END"
	"   || quote_ident(c.relname) AS target, quote_ident(c.relname) AS obj,"
	"   a.privilege_type AS priv, a.grantee AS gid, a.is_grantable AS opt, c.oid, false AS dflt"
	"  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,"
	"  aclexplode(coalesce(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's'"
	"   ELSE 'r' END)::\"char\", c.relowner))) a"
	"  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND a.grantee <> c.relowner AND"
	ACL_REL_OK("c")
	"  UNION ALL"
	"  SELECT 'TABLE ' || quote_ident(c.relname), quote_ident(c.relname),"
	"   a.privilege_type || ' (' || quote_ident(t.attname) || ')', a.grantee, a.is_grantable,"
	"   c.oid, false"
	"  FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid"
	"  JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(t.attacl) a"
	"  WHERE t.attacl IS NOT NULL AND t.attnum > 0 AND NOT t.attisdropped"
	"  AND c.relkind IN ('r', 'p', 'v', 'm') AND a.grantee <> c.relowner AND" ACL_REL_OK("c")
	"  UNION ALL"
	"  SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || s.sig, s.sig,"
	"   a.privilege_type, a.grantee, a.is_grantable, p.oid,"
	"   a.grantee = 0 AND a.privilege_type = 'EXECUTE'"
	"  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,"
	"  LATERAL (SELECT quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid)"
	"   || ')' AS sig) s,"
	"  aclexplode(coalesce(p.proacl, acldefault('f'::\"char\", p.proowner))) a"
	"  WHERE n.nspname = $1 AND p.prokind IN ('f', 'p') AND a.grantee <> p.proowner"
	"  AND $2::text[] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_depend e"
	"   WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')"
	/* Enums, domains and composite types (not a table's row type):
	 * USAGE for PUBLIC is what every new one gets. */
	"  UNION ALL"
	"  SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || quote_ident(t.typname),"
	"   quote_ident(t.typname), a.privilege_type, a.grantee, a.is_grantable, t.oid,"
	"   a.grantee = 0 AND a.privilege_type = 'USAGE'"
	"  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,"
	"  aclexplode(coalesce(t.typacl, acldefault('T'::\"char\", t.typowner))) a"
	"  WHERE n.nspname = $1 AND a.grantee <> t.typowner AND (t.typtype IN ('e', 'd')"
	"   OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid"
	"   AND r.relkind = 'c')))"
	"  AND NOT EXISTS (SELECT 1 FROM pg_depend e"
	"   WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')) x,"
	" LATERAL (SELECT CASE WHEN x.gid = 0 THEN 'PUBLIC'"
	"  ELSE quote_ident(pg_get_userbyid(x.gid)) END AS grantee) g"
	/* The model's objects belong to the role vhost connects as, so what
	 * that role itself is granted cannot be written in a model. */
	" WHERE x.gid IS DISTINCT FROM (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user)";

/* See vh_introspect_int.h. */
int vh_ireader_acl(vh_ireader *r)
{
	int rc;

	if ((rc = vh_ireader_object_rows(r, q_rls, VH_IOBJ_RLS)) == 0 &&
	    (rc = vh_ireader_object_rows(r, q_policies, VH_IOBJ_POLICY)) == 0)
		rc = vh_ireader_object_rows(r, q_grants, VH_IOBJ_GRANT);
	return rc;
}
