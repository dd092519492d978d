/* vh_drift.h - schema drift: the catalog the revision chain builds at the
 * database's recorded revision(s), built for real in a scratch database
 * (or, without CREATEDB, a scratch schema, as `vhost test` does), next to
 * the catalog the database holds, for `vhost drift`. */
#ifndef VH_DRIFT_H
#define VH_DRIFT_H

#include <stddef.h>

#include "vh_app.h"
#include "vh_catalog.h"

typedef struct vh_drift {
	vh_catalog *chain;    /* what the chain builds at `revs` */
	vh_catalog *database; /* what the database holds */
	char **revs;          /* the database's version rows (none: base) */
	size_t nrevs;
	int in_schema;        /* 1: built in a scratch schema, 0: a scratch database */
	char scratch[64];     /* its name (dropped by now) */
} vh_drift;

/* Reads the database's revision(s) and catalog, creates the scratch target
 * (asking first, as vh_workflow_scratch_create does, when it must be a
 * schema of the configured database; `yes` answers), upgrades it to those
 * revisions with the real runner, reads its catalog, and drops it on every
 * way out. vhost's own version and history tables are left out of both
 * catalogs. On success *d is filled (vh_drift_clear). */
int vh_drift_build(vh_drift *d, vh_app *app, int yes);

/* Frees what vh_drift_build filled; a zeroed struct is fine. */
void vh_drift_clear(vh_drift *d);

#endif
