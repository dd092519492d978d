/* vh_revision.c - releasing a revision's strings and checking revision ids
 * against Alembic's rules and the version table's VARCHAR(32). */
#include "vh_revision.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vh_error.h"

/* Frees every string `rev` owns and zeroes it, so a second clear (or a clear
 * after a failed fill) is harmless. `rev` itself stays the caller's. */
void vh_revision_clear(vh_revision *rev)
{
	size_t i;

	if (!rev)
		return;
	free(rev->id);
	free(rev->down_revision);
	if (rev->parents) {
		for (i = 0; i < rev->nparents; i++)
			free(rev->parents[i]);
		free(rev->parents);
	}
	free(rev->message);
	free(rev->description);
	free(rev->path);
	if (rev->file)
		free(rev->file->real_path);
	free(rev->file);
	vh_revision_free_list(rev->labels, rev->nlabels);
	vh_revision_free_list(rev->depends, rev->ndepends);
	free(rev->labels_text);
	free(rev->depends_text);
	memset(rev, 0, sizeof(*rev));
}

void vh_revision_free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

/* Splits a comma list into checked names (see vh_revision.h). Labels obey
 * the id rules too: they share the spec grammar's `label@head`. */
int vh_revision_split_list(const char *s, const char *what, char ***out, size_t *n)
{
	const char *p, *end, *a, *b;
	size_t count = 1, k = 0;
	char **list;

	*out = NULL;
	*n = 0;
	if (!s || !*s)
		return 0;
	for (p = s; *p; p++)
		count += *p == ',';
	if (!(list = calloc(count, sizeof(char *))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (p = s;; p = end + 1) {
		end = strchr(p, ',');
		a = p;
		b = end ? end : p + strlen(p);
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (!(list[k] = strndup(a, (size_t)(b - a)))) {
			vh_revision_free_list(list, k);
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		}
		if (vh_revision_check_id(list[k++], what) < 0) {
			vh_revision_free_list(list, k);
			return vh_error_set(VH_ERR_GENERIC, "%s (in '%s')", vh_error_last(), s);
		}
		if (!end)
			break;
	}
	*out = list;
	*n = k;
	return 0;
}

/* Alembic forbids @ - + because they are spec syntax (label@head, rev+1);
 * we add ':' (ranges) and ',' (down_revision separates merge parents with
 * it). Kept in ASCII order so the message lists them sorted, as Alembic's
 * sorted(illegal_chars) does. */
static const char vh__illegal[] = "+,-:@";

/* Names that are spec symbols: a revision called "head" could never be
 * named in a spec, so it is refused when it is declared. */
static const char *const vh__reserved[] = {"head", "heads", "base", "current"};

/* Checks `id` (see vh_revision.h). Messages are "<what>: <problem>", or just
 * "<problem>" when `what` is NULL or empty. Returns 0 or VH_ERR_USAGE. */
int vh_revision_check_id(const char *id, const char *what)
{
	const char *sep = (what && *what) ? ": " : "";
	char bad[3 * sizeof(vh__illegal)]; /* each char and ", " */
	size_t i, len, nbad = 0;

	if (!what)
		what = "";
	if (!id || !*id)
		return vh_error_set(VH_ERR_USAGE, "%s%srevision identifier is empty",
				    what, sep);

	for (i = 0; id[i]; i++) {
		if (isspace((unsigned char)id[i]) || iscntrl((unsigned char)id[i]))
			return vh_error_set(VH_ERR_USAGE,
					    "%s%srevision identifier '%s' contains whitespace or control characters",
					    what, sep, id);
	}

	/* Collect each forbidden character once, in vh__illegal's order. */
	for (i = 0; vh__illegal[i]; i++) {
		if (!strchr(id, vh__illegal[i]))
			continue;
		if (nbad) {
			bad[nbad++] = ',';
			bad[nbad++] = ' ';
		}
		bad[nbad++] = vh__illegal[i];
	}
	if (nbad) {
		bad[nbad] = '\0';
		return vh_error_set(VH_ERR_USAGE,
				    "%s%sCharacter(s) '%s' not allowed in revision identifier '%s'",
				    what, sep, bad, id);
	}

	len = strlen(id);
	if (len > VH_REVISION_ID_MAX)
		return vh_error_set(VH_ERR_USAGE,
				    "%s%srevision identifier '%s' is %zu characters; the version table's VARCHAR(%d) holds at most %d",
				    what, sep, id, len, VH_REVISION_ID_MAX,
				    VH_REVISION_ID_MAX);

	for (i = 0; i < sizeof(vh__reserved) / sizeof(vh__reserved[0]); i++) {
		if (strcmp(id, vh__reserved[i]) == 0)
			return vh_error_set(VH_ERR_USAGE,
					    "%s%srevision identifier '%s' is reserved (head, heads, base and current are revision specs)",
					    what, sep, id);
	}
	return 0;
}

void vh_file_id_of(vh_file_id *id, const struct stat *st)
{
	id->dev = (unsigned long long)st->st_dev;
	id->ino = (unsigned long long)st->st_ino;
	id->size = (unsigned long long)st->st_size;
	id->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	id->ctime_ns = (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

int vh_file_id_eq(const vh_file_id *a, const vh_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}
