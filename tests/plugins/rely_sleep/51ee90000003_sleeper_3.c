/* 51ee90000003_sleeper_3.c - revision 3 of 6 in the rely_sleep fixture chain
 * (see rely_sleep.h): creates rely_t3 slowly, so kills and restarts land
 * inside it. All six ids start with 51ee, for the ambiguous-prefix case. */
#include "rely_sleep.h"

VHOST_REVISION("51ee90000003", "51ee90000002", "sleeper 3");
RELY_SLEEP_BODY(3)
