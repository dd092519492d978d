/* vh_inventory.h - what keeps autogenerate, `check` and `drift` from being
 * silent: the catalog (vh_catalog.h) of both sides compared in full, and
 * every difference that the generated operations (vh_diff.h) do not cover
 * named, so a kind vhost does not model still shows.
 *
 * An entry difference is "modelled" when the diff generates it: tables
 * (partitioned ones and partitions too) created or dropped, a partition's
 * parent and bound, row level security (not the partition key, nor
 * UNLOGGED), and what hangs off a table (columns,
 * constraints, indexes, comments); the kinds of
 * vh_inventory_modelled_kind(); sequences that belong to a serial or
 * identity column when their column comes or goes, view options;
 * privileges on tables, views, sequences, columns and routines
 * (vh_diff_acl.c); and the privileges every new type or routine gets by
 * default. Anything else is named. */
#ifndef VH_INVENTORY_H
#define VH_INVENTORY_H

#include <stddef.h>

#include "vh_catalog.h"

/* 1 when the diff generates objects of catalog kind `kind` ("view",
 * "enum", ...) of their own, else 0. */
int vh_inventory_modelled_kind(const char *kind);

/* The differences from `from` to `to` the diff does not generate, as
 * "kind name: <from> -> <to>" lines ("(none)" for a missing side) in
 * catalog order, into *lines (NULL-terminated, the caller's: vh_strv_free)
 * and *n. Returns 0 or VH_ERR_NOMEM. */
int vh_inventory_unmodelled(char ***lines, size_t *n, const vh_catalog *from,
			    const vh_catalog *to);

#endif
