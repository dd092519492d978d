/* vh_arena.c - the string arena of an introspected schema: its texts
 * copied into a few big blocks, so a schema of thousands of objects is a
 * handful of allocations and frees at once. */
#include <stdlib.h>
#include <string.h>

#include "vh_introspect_int.h"

#define ARENA_BLOCK 65536

/* Copies `s` (n bytes, plus a NUL) into the arena `*a`. NULL when out of
 * memory; the copy lives until the arena is freed. */
char *vh_arena_strndup(vh_arena **a, const char *s, size_t n)
{
	vh_arena *b = *a;
	char *p;

	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;

		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->cap = cap;
		b->used = 0;
		/* A big string gets a block of its own behind the current one,
		 * so the current block's free space is not wasted. */
		if (*a && cap > ARENA_BLOCK) {
			b->next = (*a)->next;
			(*a)->next = b;
		} else {
			b->next = *a;
			*a = b;
		}
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

/* Frees every block of an arena; NULL does nothing. */
void vh_arena_free(vh_arena *a)
{
	while (a) {
		vh_arena *next = a->next;

		free(a);
		a = next;
	}
}
