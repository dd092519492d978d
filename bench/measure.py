"""bench/measure.py - running one command and measuring it.

Each run is a posix_spawn() and a wait4(): the wall time between the two,
the child's CPU time and its peak resident set size from the kernel's
rusage (the very number `/usr/bin/time -v` prints as "Maximum resident set
size"), and, when asked, the CPU time the PostgreSQL cluster spent meanwhile
(its postmaster's reaped children plus the live ones), which separates the
server's work from the client's on a machine where wall times are noisy.
Runs that should report memory the way the issue asks are wrapped in
`/usr/bin/time -v` (the warm-up runs: not timed, so the wrapper costs
nothing in the medians). A run past its time cap is killed.
"""
import os
import re
import signal
import statistics
import tempfile
import threading
import time

TIME_BIN = "/usr/bin/time"


def cluster_cpu(pgdata):
    """CPU seconds used so far by the cluster in `pgdata`: the postmaster,
    its live children, and the children it has reaped (cutime/cstime), so
    a backend that ran and exited is counted. 10 ms resolution."""
    try:
        with open(os.path.join(pgdata, "postmaster.pid")) as f:
            pm = int(f.readline())
    except (OSError, ValueError):
        return None
    ticks = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(name) == pm:
            ticks += sum(int(x) for x in fields[11:15])
        elif int(fields[1]) == pm:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class Run:
    """One finished run: seconds, peak RSS (KiB), CPU seconds of the client
    and (when measured) of the server, exit code, output."""

    def __init__(self, seconds, rss_kib, code, out, err, killed):
        self.client_cpu = None
        self.server_cpu = None
        self.seconds = seconds
        self.rss_kib = rss_kib
        self.code = code
        self.out = out
        self.err = err
        self.killed = killed

    @property
    def ok(self):
        return self.code == 0 and not self.killed


def run(argv, env, cap=None, time_v=False, pgdata=None):
    """Runs argv (PATH is searched) with `env`; stdout and stderr go to
    temporary files read back afterwards. With time_v, the command runs
    under /usr/bin/time -v and rss_kib is what that reports. With pgdata,
    the cluster's CPU time during the run is measured too."""
    before = cluster_cpu(pgdata) if pgdata else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="bench-time-") as tv:
        if time_v:
            argv = [TIME_BIN, "-v", "-o", tv.name] + list(argv)
        actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                   (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        killed = []
        t0 = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions, setpgroup=0)
        timer = None
        if cap:
            def kill():
                killed.append(True)
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            timer = threading.Timer(cap, kill)
            timer.start()
        _, status, ru = os.wait4(pid, 0)
        seconds = time.perf_counter() - t0
        if timer:
            timer.cancel()
        rss = ru.ru_maxrss
        if time_v:
            m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", tv.read())
            rss = int(m.group(1)) if m else rss
        out.seek(0)
        err.seek(0)
        r = Run(seconds, rss, os.waitstatus_to_exitcode(status),
                out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                bool(killed))
    r.client_cpu = ru.ru_utime + ru.ru_stime
    if before is not None:
        time.sleep(0.05)  # let the postmaster reap the run's backend
        after = cluster_cpu(pgdata)
        r.server_cpu = after - before if after is not None else None
    return r


class Result:
    """What the table shows for one (tool, operation, N): the timed runs'
    median and spread, the warm-up's peak RSS, or why it was not run."""

    def __init__(self, tool, op, n):
        self.tool, self.op, self.n = tool, op, n
        self.times = []
        self.client_cpu = []
        self.server_cpu = []
        self.rss_kib = None
        self.note = ""
        self.skipped = None  # reason, when not run

    @property
    def median(self):
        return statistics.median(self.times) if self.times else None

    def add(self, r):
        """Adds a timed run."""
        self.times.append(r.seconds)
        self.client_cpu.append(r.client_cpu)
        if r.server_cpu is not None:
            self.server_cpu.append(r.server_cpu)

    def row(self):
        t = self.times
        med = statistics.median
        return {"n": self.n, "tool": self.tool, "op": self.op,
                "status": "not run" if self.skipped else "ok",
                "median_s": "%.4f" % self.median if t else "",
                "min_s": "%.4f" % min(t) if t else "",
                "max_s": "%.4f" % max(t) if t else "",
                "runs": len(t),
                "client_cpu_s": "%.4f" % med(self.client_cpu) if self.client_cpu else "",
                "server_cpu_s": "%.3f" % med(self.server_cpu) if self.server_cpu else "",
                "peak_rss_kib": self.rss_kib if self.rss_kib is not None else "",
                "note": self.skipped or self.note}
