/* vh_config_file.h - reading the settings file (vh_config_file.c), for
 * vh_config_load.c. Private to host/base. */
#ifndef VH_CONFIG_FILE_H
#define VH_CONFIG_FILE_H

#include <stdio.h>

#include <libpq-fe.h>

#include "vh_config.h"

/* One load in progress: what the inih callbacks need. */
typedef struct vh_config__reader {
	FILE *fp;
	const char *path;  /* as the user gave it, for messages */
	const char *env;   /* the environment selected, or NULL */
	int env_found;     /* the file has [env.<env>] */
	char *envs;        /* environments defined, ", "-separated */
	int lineno;        /* line inih is parsing */
	int stop_line;     /* the prescan's first problem: inih reads up to it */
	int pass;          /* 1: base sections, all checked; 2: [env.<env>] */
	int conn_level;    /* the pass that set a connection key first, or 0 */
	int err_line, err; /* the handler's first failure */
	vh_config *cfg;
	vh_config *scratch; /* pass 1 checks other environments' values here */
	PQconninfoOption *keywords; /* libpq's, to check [database] names */
} vh_config__reader;

/* Opens the config file, if any, and sets cfg->path and cfg->dir (the cwd
 * when there is no file). Only a file named explicitly (-c, $VHOST_CONFIG)
 * must exist. ld->fp stays NULL when no file was found. */
int vh_config__open(vh_config__reader *ld, vh_config *cfg, const char *path, int explicit,
		    const char *cwd);

/* Reads the open file into ld->cfg: prescan, pass 1, the environment's
 * presence, pass 2. Problems are reported in file order (VH_ERR_USAGE,
 * "<file>:<line>: ..."). */
int vh_config__read_file(vh_config__reader *ld);

#endif
