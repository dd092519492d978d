/* vh_config_load.c - vhost's settings: defaults, the ini file (vh_config_file.c),
 * the environment and the command line, in rising order of precedence. */
#include "vh_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "vh_config_file.h"
#include "vh_config_value.h"
#include "vh_conninfo.h"
#include "vh_error.h"

/* An environment variable, or NULL when unset or empty. */
static const char *vh__getenv(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int vh_config_load(vh_config **out, const vh_config_overrides *ov)
{
	static const vh_config_overrides none = {0};
	vh_config__reader ld = {0};
	vh_config *cfg;
	const char *path, *url;
	char *cwd = NULL;
	int rc;

	*out = NULL;
	ov = ov ? ov : &none;
	ld.cfg = cfg = calloc(1, sizeof(*cfg));
	ld.scratch = calloc(1, sizeof(*ld.scratch));
	if (!cfg || !ld.scratch) {
		rc = vh_config__nomem();
		goto done;
	}
	if ((rc = vh_conninfo_init(&cfg->conn)) < 0) {
		goto done;
	}
	if (!(cwd = getcwd(NULL, 0))) {
		rc = vh_error_set(VH_ERR_GENERIC, "cannot determine the working directory: %s",
				  strerror(errno));
		goto done;
	}
	path = ov->config_path ? ov->config_path : vh__getenv("VHOST_CONFIG");
	if ((rc = vh_config__open(&ld, cfg, path ? path : "vhost.ini", path != NULL, cwd)) < 0 ||
	    (rc = vh_config__set_defaults(cfg)) < 0)
		goto done;

	ld.env = ov->env && *ov->env ? ov->env : vh__getenv("VHOST_ENV");
	if (ld.env && !ld.fp) {
		rc = vh_error_set(VH_ERR_USAGE, "no environment '%s': no config file was read "
				  "(name one with -c or VHOST_CONFIG)", ld.env);
		goto done;
	}
	if (ld.fp) {
		if (!(ld.keywords = PQconndefaults())) {
			rc = vh_config__nomem();
			goto done;
		}
		if ((rc = vh_config__read_file(&ld)) < 0)
			goto done;
	}

	/* --dsn wins over VHOST_DATABASE_URL; either replaces the file's whole
	 * connection setting, keywords included */
	url = vh__getenv("VHOST_DATABASE_URL");
	if ((ov->dsn || url) &&
	    ((rc = vh_conninfo_reset(&cfg->conn)) < 0 ||
	     (rc = vh_conninfo_set_dsn(&cfg->conn, ov->dsn ? ov->dsn : url,
				       ov->dsn ? "--dsn" : "VHOST_DATABASE_URL")) < 0 ||
	     (rc = vh_config__replace(&cfg->conn_source,
				      ov->dsn ? "--dsn" : "VHOST_DATABASE_URL")) < 0))
		goto done;
	if ((ov->plugin_dir && (rc = vh_config__set_key(cfg, "plugin_dir", ov->plugin_dir,
						  "--plugin-dir", cwd)) < 0) ||
	    (ov->schema && (rc = vh_config__set_key(cfg, "schema", ov->schema, "--schema", cwd)) < 0))
		goto done;
	if ((!cfg->version_table_schema && (rc = vh_config__replace(&cfg->version_table_schema,
							      cfg->schema)) < 0) ||
	    (ld.env && (rc = vh_config__replace(&cfg->env_name, ld.env)) < 0))
		goto done;
	*out = cfg;
	cfg = NULL;
	rc = 0;
done:
	if (ld.fp)
		fclose(ld.fp);
	PQconninfoFree(ld.keywords);
	free(ld.envs);
	free(cwd);
	vh_config_free(ld.scratch);
	vh_config_free(cfg);
	return rc;
}

int vh_config_set(vh_config *cfg, const char *key, const char *value, const char *where)
{
	int rc = vh_config__set_key(cfg, key, value, where, cfg->dir);

	if (rc == VH_ERR_NOTFOUND)
		return vh_error_set(VH_ERR_USAGE, "%s: unknown setting '%s'", where, key);
	return rc;
}

#define VH__CFG_FREE_STR(n) free(cfg->n);
#define VH__CFG_FREE_PATH(n) free(cfg->n);
#define VH__CFG_FREE_BOOL(n)
#define VH__CFG_FREE_INT(n)
#define VH__CFG_FREE_MS(n)
#define VH__CFG_FREE_POOLER(n)
#define VH__CFG_FREE(name, type, def) VH__CFG_FREE_##type(name)

void vh_config_free(vh_config *cfg)
{
	if (!cfg)
		return;
	vh_conninfo_clear(&cfg->conn);
	free(cfg->conn_source);
	free(cfg->path);
	free(cfg->dir);
	free(cfg->env_name);
	VH_CONFIG_KEYS(VH__CFG_FREE)
	free(cfg);
}

char *vh_config_describe_conn(const vh_config *cfg)
{
	return vh_conninfo_describe(&cfg->conn);
}

