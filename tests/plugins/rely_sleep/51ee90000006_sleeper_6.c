/* 51ee90000006_sleeper_6.c - revision 6 of 6 in the rely_sleep fixture chain
 * (see rely_sleep.h): creates rely_t6 slowly, so kills and restarts land
 * inside it. All six ids start with 51ee, for the ambiguous-prefix case. */
#include "rely_sleep.h"

VHOST_REVISION("51ee90000006", "51ee90000005", "sleeper 6");
RELY_SLEEP_BODY(6)
