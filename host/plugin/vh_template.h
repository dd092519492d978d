/* vh_template.h - writing revision sources: the template (sdk/templates/
 * revision.c.in, embedded in the binary at build time, as Alembic's
 * script.py.mako), its rendering, new ids and file names, reading revisions
 * back from sources that are not built yet.
 *
 * The template is plain text with ${name} placeholders ($$ is a dollar
 * sign). A placeholder alone on its line that renders empty removes the
 * line. An unknown name is an error, so a typo in a custom template shows at
 * once rather than in the file it writes. The names:
 *
 *   up_revision      the new id                         3f2a9c0d1e4b
 *   down_revision    a C expression for VHOST_REVISION  NULL, "ab12", "ab12,cd34"
 *   revises          the parents for people             ab12, cd34   (<base>)
 *   message          the message, escaped for a C string literal
 *   message_comment  the message, safe inside a comment
 *   file_name, stem  3f2a9c0d1e4b_add_nickname.c, 3f2a9c0d1e4b_add_nickname
 *   create_date      local time, 2024-05-01 12:00:00
 *   declarations     lines after VHOST_REVISION (VHOST_DESCRIPTION, ...)
 *   upgrade_body     the body of upgrade(), each line indented by a tab
 *   downgrade_body   the body of downgrade()
 */
#ifndef VH_TEMPLATE_H
#define VH_TEMPLATE_H

#include <stddef.h>
#include <stdio.h>

#include "vh_revision.h"

/* What a rendering fills in. Every field may be NULL except up_revision:
 * the defaults are those of a hand-written revision (Alembic's "empty
 * message", bodies that change nothing and say where the change goes).
 * autogenerate passes its statements as upgrade_body/downgrade_body. All
 * strings stay the caller's. */
typedef struct vh_template_vars {
	const char *up_revision;
	const char *const *down_revisions; /* the parents; none = a base */
	size_t ndown;
	const char *message;        /* NULL: "empty message" */
	const char *file_name;      /* NULL: vh_template_file_name() */
	const char *create_date;    /* NULL: now */
	const char *declarations;   /* NULL: none */
	const char *upgrade_body;   /* NULL: VH_TEMPLATE_UPGRADE_BODY */
	const char *downgrade_body; /* NULL: VH_TEMPLATE_DOWNGRADE_BODY */
} vh_template_vars;

#define VH_TEMPLATE_UPGRADE_BODY                                               \
	"\t/* The change, e.g.\n"                                              \
	"\t *   return vh_exec(ctx, \"ALTER TABLE users ADD COLUMN nickname text\");\n" \
	"\t */\n"                                                              \
	"\t(void)ctx;\n"                                                       \
	"\treturn 0;"
#define VH_TEMPLATE_DOWNGRADE_BODY                                             \
	"\t/* Its undoing, e.g.\n"                                             \
	"\t *   return vh_exec(ctx, \"ALTER TABLE users DROP COLUMN nickname\");\n" \
	"\t */\n"                                                              \
	"\t(void)ctx;\n"                                                       \
	"\treturn 0;"

/* The template built into this binary (sdk/templates/revision.c.in as it
 * was at build time). Static; never NULL. */
const char *vh_template_builtin(void);

/* Reads a template file (--template, or a project's own revision.c.in)
 * into *out, the caller's (free). Errors name the file. */
int vh_template_read(char **out, const char *path);

/* Renders `tmpl` with `v` into *out, the caller's (free). Errors
 * (VH_ERR_USAGE) name the template line: "template line 12: unknown
 * placeholder ${mesage}", "template line 3: unterminated ${". */
int vh_template_render(char **out, const char *tmpl, const vh_template_vars *v);

/* `s` as the inside of a C string literal: quotes, backslashes and control
 * characters escaped, "??" broken up so no trigraph forms. NULL on out of
 * memory; the caller frees. Also what autogenerate needs to put SQL into
 * vh_exec() calls. */
char *vh_template_c_string(const char *s);

/* Alembic's slug: the message's words ([A-Za-z0-9_]+) joined by '_',
 * lower-cased; longer than 40 characters, cut at the last '_' before 40 and
 * ended with '_'. "" for a NULL or wordless message. Caller frees; NULL on
 * out of memory. */
char *vh_template_slug(const char *message);

/* "<id>_<slug>.c" into *out (the caller's). */
int vh_template_file_name(char **out, const char *id, const char *message);

/* A fresh id: 12 random lower-case hex digits, as Alembic's
 * uuid4().hex[-12:]. Returns 0, or VH_ERR_GENERIC when the system has no
 * randomness to give. */
int vh_template_new_id(char out[13]);


#endif
