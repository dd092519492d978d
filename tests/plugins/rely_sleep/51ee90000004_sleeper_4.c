/* 51ee90000004_sleeper_4.c - revision 4 of 6 in the rely_sleep fixture chain
 * (see rely_sleep.h): creates rely_t4 slowly, so kills and restarts land
 * inside it. All six ids start with 51ee, for the ambiguous-prefix case. */
#include "rely_sleep.h"

VHOST_REVISION("51ee90000004", "51ee90000003", "sleeper 4");
RELY_SLEEP_BODY(4)
