/* vh_clock.h - the monotonic clock and sleeping, for timings and backoff. */
#ifndef VH_CLOCK_H
#define VH_CLOCK_H

/* Milliseconds on the monotonic clock (an arbitrary origin). */
double vh_clock_ms(void);

/* Sleeps `ms` milliseconds (signals may cut it short). */
void vh_clock_sleep_ms(int ms);

#endif
