/* vh_quote.c - quoting identifiers and literals the way PostgreSQL's
 * quote_ident() and quote_literal() do, for %I/%L and the host's own SQL. */
#include <vhost/sdk.h>

#include "vh_buf.h"

#include <stdlib.h>
#include <string.h>

/* Every keyword PostgreSQL 15 does not class as UNRESERVED_KEYWORD, i.e.
 * the reserved ones, the "reserved (can be function or type)" ones and the
 * "unreserved (cannot be function or type)" ones: exactly the set
 * quote_identifier() in ruleutils.c quotes. Taken from the server with
 *   SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'
 *   ORDER BY word COLLATE "C";
 * kept in that (byte) order for bsearch(). A keyword a newer server adds is
 * left unquoted here; quoting is never wrong, so the list may grow freely. */
static const char *const vh__keywords[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc",
	"asymmetric", "authorization", "between", "bigint", "binary", "bit",
	"boolean", "both", "case", "cast", "char", "character", "check",
	"coalesce", "collate", "collation", "column", "concurrently",
	"constraint", "create", "cross", "current_catalog", "current_date",
	"current_role", "current_schema", "current_time", "current_timestamp",
	"current_user", "dec", "decimal", "default", "deferrable", "desc",
	"distinct", "do", "else", "end", "except", "exists", "extract",
	"false", "fetch", "float", "for", "foreign", "freeze", "from", "full",
	"grant", "greatest", "group", "grouping", "having", "ilike", "in",
	"initially", "inner", "inout", "int", "integer", "intersect",
	"interval", "into", "is", "isnull", "join", "lateral", "leading",
	"least", "left", "like", "limit", "localtime", "localtimestamp",
	"national", "natural", "nchar", "none", "normalize", "not", "notnull",
	"null", "nullif", "numeric", "offset", "on", "only", "or", "order",
	"out", "outer", "overlaps", "overlay", "placing", "position",
	"precision", "primary", "real", "references", "returning", "right",
	"row", "select", "session_user", "setof", "similar", "smallint",
	"some", "substring", "symmetric", "table", "tablesample", "then",
	"time", "timestamp", "to", "trailing", "treat", "trim", "true",
	"union", "unique", "user", "using", "values", "varchar", "variadic",
	"verbose", "when", "where", "window", "with", "xmlattributes",
	"xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces",
	"xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
};

static int vh__keyword_cmp(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(const char *const *)elem);
}

/* 1 when `ident` can go into SQL unquoted: a lower-case letter or '_'
 * first, then lower-case letters, digits or '_' (quote_identifier() quotes
 * '$' too, although the grammar would take it), and not a keyword. */
static int vh__ident_is_plain(const char *ident)
{
	const char *p;

	if (!((*ident >= 'a' && *ident <= 'z') || *ident == '_'))
		return 0;
	for (p = ident + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return 0;
	return bsearch(ident, vh__keywords,
		       sizeof(vh__keywords) / sizeof(vh__keywords[0]),
		       sizeof(vh__keywords[0]), vh__keyword_cmp) == NULL;
}

/* Quotes `ident` only when needed, doubling embedded double quotes. Returns
 * a new string the caller frees with vh_free(), or NULL when out of memory
 * (or `ident` is NULL). */
char *vh_quote_ident(const char *ident)
{
	vh_buf buf = VH_BUF_INIT;
	const char *p;

	if (!ident)
		return NULL;
	if (vh__ident_is_plain(ident))
		return strdup(ident);
	vh_buf__putc(&buf, '"');
	for (p = ident; *p; p++) {
		if (*p == '"')
			vh_buf__putc(&buf, '"');
		vh_buf__putc(&buf, *p);
	}
	vh_buf__putc(&buf, '"');
	return vh_buf__detach(&buf);
}

/* Quotes `text` as a literal. With a backslash in it, the E'' form with
 * backslashes doubled reads the same whatever standard_conforming_strings
 * is, as quote_literal() ensures. Returns a new string the caller frees with
 * vh_free(), or NULL when out of memory (or `text` is NULL: SQL NULL is
 * the caller's business). */
char *vh_quote_literal(const char *text)
{
	vh_buf buf = VH_BUF_INIT;
	const char *p;

	if (!text)
		return NULL;
	if (strchr(text, '\\'))
		vh_buf__putc(&buf, 'E');
	vh_buf__putc(&buf, '\'');
	for (p = text; *p; p++) {
		if (*p == '\'' || *p == '\\')
			vh_buf__putc(&buf, *p);
		vh_buf__putc(&buf, *p);
	}
	vh_buf__putc(&buf, '\'');
	return vh_buf__detach(&buf);
}
