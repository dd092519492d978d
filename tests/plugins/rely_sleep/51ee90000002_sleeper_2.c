/* 51ee90000002_sleeper_2.c - revision 2 of 6 in the rely_sleep fixture chain
 * (see rely_sleep.h): creates rely_t2 slowly, so kills and restarts land
 * inside it. All six ids start with 51ee, for the ambiguous-prefix case. */
#include "rely_sleep.h"

VHOST_REVISION("51ee90000002", "51ee90000001", "sleeper 2");
RELY_SLEEP_BODY(2)
