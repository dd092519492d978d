/* 51ee90000005_sleeper_5.c - revision 5 of 6 in the rely_sleep fixture chain
 * (see rely_sleep.h): creates rely_t5 slowly, so kills and restarts land
 * inside it. All six ids start with 51ee, for the ambiguous-prefix case. */
#include "rely_sleep.h"

VHOST_REVISION("51ee90000005", "51ee90000004", "sleeper 5");
RELY_SLEEP_BODY(5)
