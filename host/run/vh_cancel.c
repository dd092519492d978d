/* vh_cancel.c - SIGINT and SIGTERM during a run (see vh_cancel.h): the
 * handlers only send cancel requests and note the signal; the runner, back
 * from libpq with the server's "canceling statement" error, does the rest
 * in the ordinary way (rollback, history row, lock, FAILED line). */
#include "vh_cancel.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "vh_error.h"

static PGcancel *volatile vh__cancel;
static volatile sig_atomic_t vh__signal, vh__running, vh__armed;
static struct sigaction vh__old_int, vh__old_term, vh__old_alrm;

static void vh__send_cancel(void)
{
	char err[256];

	if (vh__cancel)
		PQcancel(vh__cancel, err, sizeof(err));
}

static void vh__on_signal(int sig)
{
	static const char again[] = "\nFAILED: interrupted again: exiting at once; the server rolls "
				    "back the revision's uncommitted transaction\n";
	struct itimerval every = {{0, 200000}, {0, 200000}};
	int saved = errno;

	if (vh__signal) {
		vh__send_cancel();
		if (write(2, again, sizeof(again) - 1) < 0)
			saved = errno;
		_exit(1);
	}
	vh__signal = sig;
	if (vh__running)
		vh__send_cancel();
	setitimer(ITIMER_REAL, &every, NULL);
	errno = saved;
}

/* Again and again while a revision runs: a signal that came between two of
 * its statements finds the next one. */
static void vh__on_alarm(int sig)
{
	int saved = errno;

	(void)sig;
	if (vh__running)
		vh__send_cancel();
	errno = saved;
}

int vh_cancel_arm(PGconn *conn)
{
	struct sigaction sa;

	vh_cancel_disarm();
	if (!(vh__cancel = PQgetCancel(conn)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	vh__signal = vh__running = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGALRM);
	sa.sa_handler = vh__on_alarm;
	sigaction(SIGALRM, &sa, &vh__old_alrm);
	sa.sa_handler = vh__on_signal;
	sigaction(SIGTERM, &sa, &vh__old_term);
	sigaction(SIGINT, NULL, &vh__old_int);
	if (vh__old_int.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	vh__armed = 1;
	return 0;
}

void vh_cancel_disarm(void)
{
	struct itimerval off = {{0, 0}, {0, 0}};
	PGcancel *c = vh__cancel;

	if (!vh__armed)
		return;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGINT, &vh__old_int, NULL);
	sigaction(SIGTERM, &vh__old_term, NULL);
	sigaction(SIGALRM, &vh__old_alrm, NULL);
	vh__armed = 0;
	vh__running = 0;
	vh__cancel = NULL;
	PQfreeCancel(c);
}

int vh_cancel_refresh(PGconn *conn)
{
	PGcancel *fresh, *old;
	sigset_t block, was;

	if (!vh__armed)
		return 0;
	if (!(fresh = PQgetCancel(conn)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	/* the handlers read vh__cancel: swap it with them held off */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &was);
	old = vh__cancel;
	vh__cancel = fresh;
	sigprocmask(SIG_SETMASK, &was, NULL);
	PQfreeCancel(old);
	return 0;
}

void vh_cancel_running(int on)
{
	vh__running = on;
}

int vh_cancel_signal(void)
{
	return vh__signal;
}

int vh_cancel_error(const char *what, const char *outcome)
{
	return vh_error_set(VH_ERR_GENERIC, "interrupted by %s %s; %s",
			    vh__signal == SIGINT ? "SIGINT" : "SIGTERM", what, outcome);
}
