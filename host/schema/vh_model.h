/* vh_model.h - autogenerate's model read from disk: the text to run, and
 * which file each part came from, for messages. Private to host/schema. */
#ifndef VH_MODEL_H
#define VH_MODEL_H

#include <stddef.h>

typedef struct vh_model {
	char *text;
	size_t len;
	char **files;  /* paths, in order */
	size_t *start; /* byte offset of each file in text */
	size_t nfiles;
} vh_model;

/* Reads a model file, or every *.sql of a model directory in name order.
 * Errors name the path (VH_ERR_USAGE: unreadable, empty, no *.sql file);
 * *m is filled even then, for vh_model_clear. */
int vh_model_read(vh_model *m, const char *path);

/* Frees what vh_model_read filled; a zeroed model is fine. */
void vh_model_clear(vh_model *m);

/* "FILE:LINE" for a 1-based character position in the model's text (the
 * server's error position counts characters, not bytes), or the first
 * file's name when there is no position. Static buffer. */
const char *vh_model_where(const vh_model *m, const char *position);

#endif
