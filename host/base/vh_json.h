/* vh_json.h - the little JSON output the --json options need. */
#ifndef VH_JSON_H
#define VH_JSON_H

#include <stdio.h>

/* Writes `s` as a JSON string (quoted, escaped); NULL writes null. */
void vh_json_str(FILE *out, const char *s);

#endif
