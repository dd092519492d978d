/* vh_type_widens.c - whether a column type change keeps every value
 * (int to bigint, varchar(20) to text): autogenerate marks the others for
 * review as possibly narrowing. */
#include <stdlib.h>
#include <string.h>

#include "vh_introspect.h"

/* ---------------------------------------------------------------------
 * Types
 * --------------------------------------------------------------------- */

/* Splits "character varying(40)" into the base name's length and the
 * modifiers (40, -1 when none; p and s for numeric(p,s)). */
static size_t type_parts(const char *type, long *m1, long *m2)
{
	const char *p = strchr(type, '(');

	*m1 = *m2 = -1;
	if (!p || strchr(type, '['))
		return strlen(type);
	*m1 = strtol(p + 1, NULL, 10);
	if (strchr(p, ','))
		*m2 = strtol(strchr(p, ',') + 1, NULL, 10);
	else if (strncmp(type, "numeric", 7) == 0)
		*m2 = 0;
	return (size_t)(p - type);
}

/* 1, 2, 3 for smallint, integer, bigint (the first n bytes of t); else 0. */
static int int_rank(const char *t, size_t n)
{
	static const char *const ranks[] = {"smallint", "integer", "bigint"};
	int i;

	for (i = 0; i < 3; i++)
		if (strlen(ranks[i]) == n && strncmp(t, ranks[i], n) == 0)
			return i + 1;
	return 0;
}

/* See vh_introspect.h. */
int vh_type_widens(const char *from, const char *to)
{
	long f1, f2, t1, t2;
	size_t fn = type_parts(from, &f1, &f2), tn = type_parts(to, &t1, &t2);
	int fr = int_rank(from, fn), tr = int_rank(to, tn);

	if (fr && tr)
		return tr >= fr;
	if (fr && strcmp(to, "numeric") == 0)
		return 1;
	if (fr && fr < 3 && strcmp(to, "double precision") == 0)
		return 1;
	if (strcmp(from, "real") == 0 && strcmp(to, "double precision") == 0)
		return 1;
	if (strcmp(to, "text") == 0)
		return strncmp(from, "character varying", fn) == 0 || strncmp(from, "character", fn) == 0;
	if (fn == tn && strncmp(from, to, fn) == 0 &&
	    (strncmp(from, "character varying", fn) == 0 || strncmp(from, "bit varying", fn) == 0))
		return t1 < 0 || (f1 >= 0 && t1 >= f1);
	if (fn == tn && strncmp(from, "numeric", fn) == 0 && strncmp(to, "numeric", tn) == 0)
		return t1 < 0 || (f1 >= 0 && t2 >= f2 && t1 - t2 >= f1 - f2);
	return 0;
}
