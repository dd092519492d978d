/* vh_clock.c - the monotonic clock and sleeping, shared by the runner, the
 * lock's backoff, backups and `vhost test`. */
#include "vh_clock.h"

#include <time.h>

double vh_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

void vh_clock_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}
