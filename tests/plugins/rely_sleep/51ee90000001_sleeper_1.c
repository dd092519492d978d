/* 51ee90000001_sleeper_1.c - revision 1 of 6 in the rely_sleep fixture chain
 * (see rely_sleep.h): creates rely_t1 slowly, so kills and restarts land
 * inside it. All six ids start with 51ee, for the ambiguous-prefix case. */
#include "rely_sleep.h"

VHOST_REVISION("51ee90000001", NULL, "sleeper 1");
RELY_SLEEP_BODY(1)
