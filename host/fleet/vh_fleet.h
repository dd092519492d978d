/* vh_fleet.h - running one command over a fleet of targets: many
 * databases, or many tenant schemas in one database, named in the settings
 * as [fleet.NAME] (vh_fleet_config.c), probed with one query per shared
 * database (vh_fleet_probe.c), run in parallel child processes
 * (vh_fleet_run.c) and reported as a table or JSON (vh_fleet_report.c). */
#ifndef VH_FLEET_H
#define VH_FLEET_H

#include <stddef.h>
#include <sys/types.h>

#include "vh_app.h"

/* What a target ended as. */
enum {
	VH_FLEET_PENDING = 0, /* not started (yet) */
	VH_FLEET_OK,          /* the command succeeded and changed something */
	VH_FLEET_NOTHING,     /* already there: nothing to do */
	VH_FLEET_FAILED,      /* the command failed (error, sqlstate) */
	VH_FLEET_SKIPPED,     /* never started: an earlier failure stopped the fleet */
	VH_FLEET_INTERRUPTED  /* stopped by SIGINT/SIGTERM */
};

typedef struct vh_fleet_target {
	char *name;     /* host[:port]/db/schema for people, never a password */
	char *ident;    /* host, port, db, schemas: what --shard hashes */
	char *dsn;      /* the target's conninfo, or NULL for [database] */
	char *schema;   /* the target schema */
	char *vschema;  /* its version table's schema */
	size_t group;   /* targets with the same group share a database */

	int outcome;      /* VH_FLEET_* */
	char *from, *to;  /* space-separated revision ids ("" = base), NULL = unknown */
	int ran;          /* revisions run, -1 unknown */
	double ms;        /* wall time of the target's run */
	char *error;      /* one line, when failed */
	char sqlstate[6]; /* the server's, when there was one */
	char *output;     /* the command's stdout (--json only), or NULL */
	size_t output_len;
} vh_fleet_target;

typedef struct vh_fleet {
	char *name;             /* NAME of [fleet.NAME] */
	vh_fleet_target *t;
	size_t n;
	int jobs;               /* the section's jobs (default 4) */
	PGconn *conn;           /* schemas_query's connection, kept for the probe of
				 * the same database; closed before any child starts */
} vh_fleet;

/* The settings of [fleet.NAME] in the config file, and its targets: the
 * lines of targets_file, or the rows of schemas_query run over dsn (else
 * [database]). Errors name the file and line, or the query. *out is the
 * caller's (vh_fleet_free). */
int vh_fleet_load(vh_fleet **out, const vh_config *cfg, const char *name);
void vh_fleet_free(vh_fleet *f);

/* Keeps only share K of N (1 <= K <= N): the targets whose identity hashes
 * to K - 1 modulo N, so N machines running the same command with K = 1..N
 * cover the fleet exactly once, whatever the order of the targets. */
void vh_fleet_shard(vh_fleet *f, unsigned k, unsigned n);

/* Parses "K/N" for --shard into *k, *n (VH_ERR_USAGE when malformed). */
int vh_fleet_parse_shard(const char *s, unsigned *k, unsigned *n);

/* What the command is, for the probe and the report. */
enum {
	VH_FLEET_ACT_UPGRADE = 1,
	VH_FLEET_ACT_DOWNGRADE,
	VH_FLEET_ACT_STAMP,
	VH_FLEET_ACT_CURRENT,
	VH_FLEET_ACT_CHECK,
	VH_FLEET_ACT_HISTORY
};

typedef struct vh_fleet_opts {
	const char *fleet;  /* --fleet NAME */
	int action;         /* VH_FLEET_ACT_* */
	const char *spec;   /* upgrade/downgrade/stamp's SPEC, NULL when it cannot be probed */
	int jobs;           /* -j N, 0 = the fleet's */
	int keep_going;     /* --keep-going */
	int canary;         /* --canary N */
	unsigned shard_k, shard_n; /* --shard K/N, 0/0 = all */
	int json;           /* --json */
	int check_heads;    /* current --check-heads */
	/* Called once, after the probe and before any child starts, with the
	 * revisions the pending targets of an upgrade will run and the first
	 * such target's schema (the CLI primes the lint gate's cache with
	 * them, once for every child); NULL for none. */
	int (*prepare)(const vh_graph *g, const size_t *revs, size_t n, const char *schema);
} vh_fleet_opts;

/* The command run in each child, with the child's app set to its target. */
typedef int (*vh_fleet_cmd_fn)(vh_app *app, int argc, char **argv);

/* Runs the command over the fleet: loads it, shards it, probes the
 * databases that several targets share, runs the rest in at most `jobs`
 * children, prints progress lines prefixed with each target's name and the
 * final table (or JSON). Returns 0 only when every target succeeded. */
int vh_fleet_main(vh_app *app, const vh_fleet_opts *o, vh_fleet_cmd_fn fn, int argc,
		  char **argv);

/* ---- between the fleet's own files ---- */

/* The probe (vh_fleet_probe.c): for each database that two or more
 * targets share, one connection and one query read every target's version
 * table; targets already where the command would take them are marked
 * VH_FLEET_NOTHING (or, for current, done) and need no child. A database
 * that cannot be probed is left to the children, which report it per
 * target. */
int vh_fleet_probe(vh_app *app, vh_fleet *f, const vh_fleet_opts *o);

/* Points the (child's) app at target t: its connection, schema and version
 * table schema. */
int vh_fleet_target_config(vh_config *cfg, const vh_fleet_target *t);

/* What a worker needs to run targets (vh_fleet_worker.c). */
typedef struct vh_fleet_work {
	vh_app *app;
	vh_fleet *f;
	const vh_fleet_opts *o;
	vh_fleet_cmd_fn fn;
	int argc;
	char **argv;
} vh_fleet_work;

/* The worker process: reads target indexes, one a line, from cmdfd until
 * EOF, runs each and writes its result line on resfd after everything the
 * target printed on stdout and stderr. Never returns. */
void vh_fleet_worker_main(vh_fleet_work *w, int cmdfd, int resfd) __attribute__((noreturn));

/* Runs the targets still pending in at most `jobs` workers (vh_fleet_run.c). */
int vh_fleet_run_children(vh_app *app, vh_fleet *f, const vh_fleet_opts *o, vh_fleet_cmd_fn fn,
			  int argc, char **argv);

/* Splits "a b c" into graph indexes (*out the caller's); -1 when one is
 * unknown or out of memory. */
int vh_fleet_map_ids(const vh_graph *g, const char *text, size_t **out, size_t *n);

/* Revisions between two version-table states: those that are ancestors of
 * one and not the other (what an upgrade or downgrade between them runs).
 * -1 when a revision is unknown. */
int vh_fleet_count_between(const vh_graph *g, const char *from, const char *to);

/* The report (vh_fleet_report.c): the table or JSON on stdout; returns 0
 * when every target succeeded, else VH_ERR_GENERIC with a summary. */
int vh_fleet_report(vh_app *app, const vh_fleet *f, const vh_fleet_opts *o, double ms);

#endif
