/* vh_cmd_sdk.c - where the SDK this vhost binary belongs to lives (its
 * build tree, or the install around the binary), for the commands that
 * print build commands (revision) or copy its templates (init). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_cmd.h"
#include "vh_sdk_paths.h"

/* See vh_cmd.h. */
void vh_cmd_sdk_dirs(char **inc, char **lib, char **templates)
{
	char exe[PATH_MAX], prefix[PATH_MAX], *slash;
	const char *p;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int levels = 1;

	*inc = *lib = NULL;
	if (templates)
		*templates = NULL;
	if (n <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	if (strcmp(exe, VH_SDK_BUILD_BINDIR) == 0) {
		*inc = strdup(VH_SDK_BUILD_INCLUDEDIR);
		*lib = strdup(VH_SDK_BUILD_LIBDIR);
		if (templates)
			*templates = strdup(VH_SDK_BUILD_TEMPLATEDIR);
		return;
	}
	/* Installed: the prefix is as many levels up as BINDIR is deep. */
	for (p = VH_SDK_INSTALL_BINDIR; *p; p++)
		levels += *p == '/';
	snprintf(prefix, sizeof(prefix), "%s", exe);
	while (levels-- > 0 && (slash = strrchr(prefix, '/')) != NULL) {
		if (slash == prefix) {
			prefix[1] = '\0'; /* installed straight under / */
			break;
		}
		*slash = '\0';
	}
	if (asprintf(inc, "%s%s%s", prefix, strcmp(prefix, "/") ? "/" : "",
		     VH_SDK_INSTALL_INCLUDEDIR) < 0)
		*inc = NULL;
	if (asprintf(lib, "%s%s%s", prefix, strcmp(prefix, "/") ? "/" : "",
		     VH_SDK_INSTALL_LIBDIR) < 0)
		*lib = NULL;
	if (templates && asprintf(templates, "%s%s%s", prefix, strcmp(prefix, "/") ? "/" : "",
				  VH_SDK_INSTALL_TEMPLATEDIR) < 0)
		*templates = NULL;
}

