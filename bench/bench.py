"""bench/bench.py - the benchmark of issues 3 and 8: vhost against Alembic,
`psql -f` and a single query, over chains of N revisions.

Run it through bench/run, which builds vhost, starts a private PostgreSQL
cluster and sets PG* for it. For each N it generates (or reuses) the chain
(gen.py), times the commands below on their own databases, checks after
every run that the database is where the command should have left it, and
hands the results to report.py:

  history, heads     vhost, Alembic                     (no database)
  current            vhost, Alembic, psql -c, pgone -c  (database at head)
  upgrade head       vhost, Alembic, psql -f, pgone -f  (from base)
  downgrade base     vhost, Alembic, psql -f, pgone -f  (from head)

Times are medians of the timed runs after one warm-up run; the warm-up runs
under /usr/bin/time -v and gives the peak RSS. A tool whose run would blow
the time budget is recorded as "not run (reason)", never left to hang.
"""
import argparse
import math
import os
import subprocess
import sys

import gen
import measure
import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = "/usr/bin/python3"
DBS = {"vhost": "bench_vhost", "alembic": "bench_alembic", "psql": "bench_psql",
       "floor": "bench_floor"}
ONLINE = ("vhost", "alembic", "psql", "floor")


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


def psql_admin(db, sql):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("bench: psql %s: %s" % (db, r.stderr.strip()))
    return r.stdout.strip()


def commands(tool, op, top, bin_dir):
    """argv and extra environment of `tool` doing `op` in the tree `top`."""
    db = DBS[tool]
    env = {"BENCH_DB": db}
    if tool == "vhost":
        base = [os.path.join(bin_dir, "vhost"), "-c", os.path.join(top, "vhost.ini")]
        if op in ("history", "heads"):
            return base + [op], env
        return base + ["--dsn", "dbname=" + db] + {
            "current": ["current"], "upgrade": ["upgrade", "head"],
            "downgrade": ["downgrade", "base"]}[op], env
    if tool == "alembic":
        return [PY, "-m", "alembic", "-c", os.path.join(top, "alembic.ini")] + {
            "history": ["history"], "heads": ["heads"], "current": ["current"],
            "upgrade": ["upgrade", "head"], "downgrade": ["downgrade", "base"]}[op], env
    sql = os.path.join(top, "sql", op + ".sql")
    select = "SELECT version_num FROM %s" % gen.VERSION_TABLE
    if tool == "psql":
        if op == "current":
            return ["psql", "-X", "-q", "-At", "-d", db, "-c", select], env
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", sql], env
    pgone = os.path.join(HERE, "out", "pgone")
    if op == "current":
        return [pgone, "-c", select], env
    return [pgone, "-f", sql], env


def db_state(tool):
    """'versions|tables|columns' of the benchmark's objects in tool's db."""
    return psql_admin(DBS[tool], (
        "SELECT (SELECT coalesce(string_agg(version_num, ','), '') FROM %s) || '|' || "
        "(SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
        " WHERE s.nspname = 'public' AND c.relkind = 'r' AND c.relname ~ '^t[0-9]{5}$') || '|' || "
        "(SELECT count(*) FROM pg_attribute WHERE attname ~ '^c[0-9]{5}$' AND NOT attisdropped)"
    ) % gen.VERSION_TABLE)


def expected_state(n, at_head):
    if not at_head:
        return "|0|0"
    tables = (n + 3) // 4
    return "%s|%d|%d" % (gen.rev_id(n), tables, n - tables)


def reset_dbs():
    for tool in ONLINE:
        psql_admin("postgres", "DROP DATABASE IF EXISTS %s" % DBS[tool])
        psql_admin("postgres", "CREATE DATABASE %s" % DBS[tool])
    # The floors' scripts only change the version table; make it as Alembic does.
    for tool in ("psql", "floor"):
        psql_admin(DBS[tool], "CREATE TABLE %s (version_num VARCHAR(32) NOT NULL, CONSTRAINT "
                   "%s_pkc PRIMARY KEY (version_num))" % (gen.VERSION_TABLE, gen.VERSION_TABLE))


def between_cycles(tool):
    """Untimed: every cycle starts from the same state. vhost's history
    table would otherwise grow by 2N rows a cycle, and the catalogs carry
    the dead rows of N created and dropped objects."""
    if tool == "vhost":
        psql_admin(DBS[tool], "TRUNCATE vhost_history")
    psql_admin(DBS[tool], "VACUUM")


def stamp_head(tool, n):
    """Sets tool's version table to head with SQL (made first if the tool
    never ran), for timing `current` without running an upgrade."""
    vt = gen.VERSION_TABLE
    psql_admin(DBS[tool], "CREATE TABLE IF NOT EXISTS %s (version_num VARCHAR(32) NOT NULL, "
               "CONSTRAINT %s_pkc PRIMARY KEY (version_num)); DELETE FROM %s; "
               "INSERT INTO %s VALUES ('%s')" % (vt, vt, vt, vt, gen.rev_id(n)))


class Bench:
    def __init__(self, args):
        self.a = args
        self.results = []
        self.warm = {}  # (tool, op) -> (n, seconds) of the last warm-up

    def result(self, tool, op, n):
        r = measure.Result(tool, op, n)
        self.results.append(r)
        return r

    def projected_skip(self, tool, op, n):
        """A reason not to run when the last N's warm-up, scaled linearly,
        already passes the cap."""
        prev = self.warm.get((tool, op))
        if not prev:
            return None
        proj = prev[1] * n / prev[0]
        if proj > self.a.cap:
            return ("not run: %.0f s at N=%d projects to about %.0f s, over the %d s cap per run"
                    % (prev[1], prev[0], proj, self.a.cap))
        return None

    def run_checked(self, res, argv, env, check, time_v=False):
        """One run; returns it, or None after marking res not run."""
        pgdata = self.a.pgdata if res.op in ("upgrade", "downgrade") else None
        r = measure.run(argv, dict(os.environ, **env), cap=self.a.cap, time_v=time_v,
                        pgdata=pgdata)
        if r.killed:
            res.skipped = "not run: killed after the %d s cap per run" % self.a.cap
            return None
        if not r.ok:
            raise SystemExit("bench: %s %s (N=%d) failed (exit %d):\n%s%s"
                             % (res.tool, res.op, res.n, r.code, r.out[-2000:], r.err[-2000:]))
        problem = check(r) if check else None
        if problem:
            raise SystemExit("bench: %s %s (N=%d): %s" % (res.tool, res.op, res.n, problem))
        return r

    def offline(self, top, n):
        """history and heads: a warm-up, then timed runs within the budget."""
        head = gen.rev_id(n)
        checks = {"history": lambda r: None if r.out.count("\n") == n else
                  "printed %d lines, expected %d" % (r.out.count("\n"), n),
                  "heads": lambda r: None if head in r.out else "did not print " + head}
        for op in ("history", "heads"):
            for tool in ("vhost", "alembic"):
                res = self.result(tool, op, n)
                res.skipped = self.projected_skip(tool, op, n)
                if res.skipped:
                    continue
                argv, env = commands(tool, op, top, self.a.bin_dir)
                w = self.run_checked(res, argv, env, checks[op], time_v=True)
                if not w:
                    continue
                res.rss_kib = w.rss_kib
                self.warm[(tool, op)] = (n, w.seconds)
                reps = min(self.a.reps_fast, max(1, int(self.a.budget // max(w.seconds, 1e-3))))
                if reps < self.a.reps_fast:
                    res.note = "%d runs (time budget)" % reps
                for _ in range(reps):
                    r = self.run_checked(res, argv, env, checks[op])
                    if not r:
                        break
                    res.add(r)
                log("N=%d %-7s %-9s median %.4f s over %d runs" % (
                    n, tool, op, res.median or float("nan"), len(res.times)))

    def online(self, top, n):
        """upgrade head, current, downgrade base: one warm-up cycle per tool
        (under /usr/bin/time -v), then cycles in rotating tool order."""
        reset_dbs()
        head = gen.rev_id(n)
        st = {op: {t: self.result(t, op, n) for t in ONLINE}
              for op in ("upgrade", "current", "downgrade")}
        cur_check = (lambda r: None if head in r.out else
                     "printed %r, expected %s" % (r.out.strip()[:200], head))

        def state_check(tool, at_head):
            def check(_r):
                got, want = db_state(tool), expected_state(n, at_head)
                return None if got == want else "database left at %s, expected %s" % (got, want)
            return check

        def cycle(tool, time_v):
            """upgrade, current, downgrade; returns the three runs, or None
            when a run was killed (the result then says why)."""
            out = []
            for op, check in (("upgrade", state_check(tool, True)), ("current", cur_check),
                              ("downgrade", state_check(tool, False))):
                argv, env = commands(tool, op, top, self.a.bin_dir)
                r = self.run_checked(st[op][tool], argv, env, check, time_v=time_v)
                if not r:
                    return None
                out.append(r)
            between_cycles(tool)
            return out

        active = {}
        for tool in ONLINE:
            reason = self.projected_skip(tool, "upgrade", n)
            w = None if reason else cycle(tool, True)
            if w:
                for op, r in zip(("upgrade", "current", "downgrade"), w):
                    st[op][tool].rss_kib = r.rss_kib
                self.warm[(tool, "upgrade")] = (n, w[0].seconds)
                per = w[0].seconds + w[1].seconds + w[2].seconds
                active[tool] = min(self.a.reps, max(1, int(self.a.budget // per)))
                if active[tool] < self.a.reps:
                    for op in ("upgrade", "downgrade"):
                        st[op][tool].note = "%d runs (time budget)" % active[tool]
                continue
            reason = reason or st["upgrade"][tool].skipped or st["current"][tool].skipped \
                or st["downgrade"][tool].skipped
            for op in ("upgrade", "downgrade"):
                st[op][tool].skipped = reason
            self.current_only(tool, top, n, st["current"][tool], cur_check)
        for rep in range(self.a.reps):
            order = list(ONLINE[rep % len(ONLINE):] + ONLINE[:rep % len(ONLINE)])
            for tool in order:
                if active.get(tool, 0) <= rep:
                    continue
                runs = cycle(tool, False)
                if not runs:
                    active[tool] = 0
                    continue
                for op, r in zip(("upgrade", "current", "downgrade"), runs):
                    st[op][tool].add(r)
        # current is cheap: top it up to reps_fast runs, the version table
        # set to head with SQL (all current reads), so no extra upgrade.
        for tool in active:
            res = st["current"][tool]
            if res.skipped or len(res.times) >= self.a.reps_fast:
                continue
            stamp_head(tool, n)
            argv, env = commands(tool, "current", top, self.a.bin_dir)
            # Half the budget at most: Alembic's current takes over a minute
            # at 10,000 revisions, and the cycles already timed it.
            while len(res.times) < self.a.reps_fast and sum(res.times) < self.a.budget / 2:
                r = self.run_checked(res, argv, env, cur_check)
                if not r:
                    break
                res.add(r)
            if len(res.times) < self.a.reps_fast:
                res.note = "%d runs (time budget)" % len(res.times)
            psql_admin(DBS[tool], "DELETE FROM %s" % gen.VERSION_TABLE)
        for op in ("upgrade", "current", "downgrade"):
            for tool in ONLINE:
                res = st[op][tool]
                log("N=%d %-7s %-9s %s" % (n, tool, op, res.skipped or (
                    "median %.4f s over %d runs" % (res.median, len(res.times))
                    if res.times else "no timed run")))

    def current_only(self, tool, top, n, res, check):
        """`current` for a tool whose upgrade was not run: the version table
        is set to head directly (what current reads is the same), timed,
        then emptied again."""
        stamp_head(tool, n)
        res.skipped = None
        argv, env = commands(tool, "current", top, self.a.bin_dir)
        w = self.run_checked(res, argv, env, check, time_v=True)
        if w:
            res.rss_kib = w.rss_kib
            res.note = "version table set to head with SQL (upgrade not run)"
            for _ in range(self.a.reps_fast):
                r = self.run_checked(res, argv, env, check)
                if not r:
                    break
                res.add(r)
        psql_admin(DBS[tool], "DELETE FROM %s" % gen.VERSION_TABLE)


def main():
    p = argparse.ArgumentParser(description="vhost benchmark (use bench/run)")
    p.add_argument("--quick", action="store_true", help="say so in the results")
    p.add_argument("--n", default="100,1000,10000", help="chain lengths, comma-separated")
    p.add_argument("--reps", type=int, default=5, help="timed upgrade/downgrade cycles")
    p.add_argument("--reps-fast", type=int, default=11, help="timed runs of history/heads/current")
    p.add_argument("--cap", type=int, default=600, help="seconds one run may take before it is killed")
    p.add_argument("--budget", type=float, default=400,
                   help="seconds of timed runs per tool, operation and N")
    p.add_argument("--bin-dir", required=True, help="directory holding the vhost binary")
    p.add_argument("--lib-dir", required=True, help="directory holding libvhost_sdk.so")
    p.add_argument("--jobs", type=int, default=os.cpu_count())
    p.add_argument("--pgdata", help="the private cluster's data directory, to measure its CPU time")
    p.add_argument("--doc", help="Markdown file whose results section is rewritten")
    p.add_argument("--csv", help="CSV file to write")
    p.add_argument("--svg-prefix", help="write <prefix>upgrade.svg and <prefix>history.svg")
    a = p.parse_args()
    for k in ("bin_dir", "lib_dir", "doc", "csv", "svg_prefix", "pgdata"):
        if getattr(a, k):
            setattr(a, k, os.path.abspath(getattr(a, k)))
    out = os.path.join(HERE, "out")
    os.chdir(out)
    b = Bench(a)
    ns = [int(x) for x in a.n.split(",")]
    machine = report.machine_info(a.bin_dir)
    for n in ns:
        top = gen.generate(n, out, ROOT, a.lib_dir, a.jobs)
        b.offline(top, n)
        b.online(top, n)
    machine["load_after"] = report.loadavg()
    rows = [r.row() for r in b.results]
    report.write_all(rows, machine, a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
