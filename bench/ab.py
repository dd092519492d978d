"""bench/ab.py - one chain, several builds of vhost, timed in turns.

Answers "did this change make vhost slower?" on a noisy machine: every
build runs the same chain against the same server, interleaved (the order
rotates each round), with `psql -f` of the same chain in every round as the
yardstick. Reported: medians, each build's ratio to the first build and to
psql, and the load average before and after.

  bench/ab.py --build old=/path/to/old/build --build new=/path/to/new/build \
      [--n 1000] [--reps 7] [--sdk-src DIR --sdk-lib DIR]

Each build runs with the lint gate off (`lint = off`, the runner alone);
a build that knows the setting also runs with its default gate, as a row
"NAME+lint" of its own. Each build directory holds bin/vhost and
lib/libvhost_sdk.so. The plugins
are compiled once, against the SDK header of --sdk-src (default: the first
build's source tree, found through its CMakeCache.txt) so that every build
accepts them (an SDK's ABI minor only grows). The server is the one PG*
points at (bench/run --ab starts a private one). Timings are never
assertions; a run that fails or leaves the database elsewhere stops it.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

import gen
import measure
import report
from bench import psql_admin as admin

HERE = os.path.dirname(os.path.abspath(__file__))
DB = "bench_ab"
VT = gen.VERSION_TABLE


def state(db):
    """The version table's rows, comma-separated ("" at base)."""
    return admin(db, "SELECT coalesce(string_agg(version_num, ','), '') FROM %s" % VT)


def fresh_db(with_version_table):
    admin("postgres", "DROP DATABASE IF EXISTS %s" % DB)
    admin("postgres", "CREATE DATABASE %s" % DB)
    if with_version_table:  # psql's script only changes the version table
        admin(DB, "CREATE TABLE %s (version_num VARCHAR(32) NOT NULL, CONSTRAINT %s_pkc "
              "PRIMARY KEY (version_num))" % (VT, VT))


def source_of(build):
    """The source tree a CMake build directory was configured from."""
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        m = re.search(r"^CMAKE_HOME_DIRECTORY:INTERNAL=(.*)$", f.read(), re.M)
    if not m:
        raise SystemExit("bench/ab: %s: no CMAKE_HOME_DIRECTORY in CMakeCache.txt" % build)
    return m.group(1)


def ini_for(top, name, vhost, lint_off):
    """A settings file for one build: the chain's, with `lint = off` when
    asked and the build knows the key (older builds refuse unknown keys)."""
    with open(os.path.join(top, "vhost.ini")) as f:
        lines = [l for l in f.read().splitlines() if not l.strip().startswith("lint")]
    plain = os.path.join(top, "vhost-%s.ini" % name)
    with open(plain, "w") as f:
        f.write("\n".join(lines) + "\n")
    if not lint_off:
        return plain
    off = os.path.join(top, "vhost-%s-nolint.ini" % name)
    with open(off, "w") as f:
        f.write("\n".join(lines) + "\nlint = off\n")
    r = subprocess.run([vhost, "-c", off, "heads"], capture_output=True, text=True, cwd=top)
    return off if r.returncode == 0 else None


def timed(argv, what):
    r = measure.run(argv, dict(os.environ), cap=600)
    if not r.ok:
        raise SystemExit("bench/ab: %s failed (exit %d):\n%s%s" % (what, r.code, r.out[-1500:],
                                                                   r.err[-1500:]))
    return r.seconds


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", action="append", required=True, metavar="NAME=DIR",
                   help="a build to time (the first is the baseline); repeat")
    p.add_argument("--n", type=int, default=1000, help="revisions in the chain")
    p.add_argument("--reps", type=int, default=7, help="rounds (each build once per round)")
    p.add_argument("--sdk-src", help="source tree whose SDK header the plugins use")
    p.add_argument("--sdk-lib", help="directory holding the libvhost_sdk.so they link to")
    a = p.parse_args()
    builds = []
    for b in a.build:
        name, _, d = b.partition("=")
        if not d or not os.access(os.path.join(d, "bin", "vhost"), os.X_OK):
            raise SystemExit("bench/ab: --build %s: expected NAME=DIR with DIR/bin/vhost" % b)
        builds.append((name, os.path.abspath(d)))
    src = a.sdk_src or source_of(builds[0][1])
    lib = a.sdk_lib or os.path.join(builds[0][1], "lib")
    out = os.path.join(HERE, "out", "ab")
    os.makedirs(out, exist_ok=True)
    top = gen.generate(a.n, out, src, lib, os.cpu_count())
    head = gen.rev_id(a.n)
    # (tool, vhost binary, settings file): each build without the gate, and
    # with it when it has one.
    runs = []
    for name, d in builds:
        vh = os.path.join(d, "bin", "vhost")
        off = ini_for(top, name, vh, True)
        runs.append((name, vh, off or ini_for(top, name, vh, False)))
        if off:
            runs.append((name + "+lint", vh, ini_for(top, name, vh, False)))
    load_before = report.loadavg()
    tools = [r[0] for r in runs] + ["psql"]
    runs = {r[0]: r for r in runs}
    times = {(name, op): [] for name in tools for op in ("up", "down")}
    for rnd in range(a.reps + 1):  # round 0 warms caches and is not counted
        order = tools[rnd % len(tools):] + tools[:rnd % len(tools)]
        for tool in order:
            fresh_db(tool == "psql")
            if tool == "psql":
                argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", DB, "-f"]
                up = timed(argv + [os.path.join(top, "sql", "upgrade.sql")], "psql upgrade")
            else:
                vh = [runs[tool][1], "-q", "-c", runs[tool][2], "--dsn", "dbname=" + DB]
                up = timed(vh + ["upgrade", "head"], tool + " upgrade head")
            if state(DB) != head:
                raise SystemExit("bench/ab: %s left %r after upgrade, not %s" % (tool, state(DB), head))
            admin(DB, "VACUUM")
            if tool == "psql":
                down = timed(argv + [os.path.join(top, "sql", "downgrade.sql")], "psql downgrade")
            else:
                down = timed(vh + ["downgrade", "base"], tool + " downgrade base")
            if state(DB) != "":
                raise SystemExit("bench/ab: %s left %r after downgrade base" % (tool, state(DB)))
            if rnd:
                times[(tool, "up")].append(up)
                times[(tool, "down")].append(down)
        sys.stderr.write("bench/ab: round %d of %d done\n" % (rnd, a.reps))
    load_after = report.loadavg()
    med = {k: statistics.median(v) for k, v in times.items()}
    base = builds[0][0]
    print("%d revisions, %d rounds (medians; load average %s before, %s after)\n"
          % (a.n, a.reps, load_before, load_after))
    print("| build | upgrade head | vs %s | vs psql -f | downgrade base | vs %s | vs psql -f |"
          % (base, base))
    print("|---|---|---|---|---|---|---|")
    for tool in tools:
        u, d = med[(tool, "up")], med[(tool, "down")]
        print("| %s | %.3f s | %.2fx | %.2fx | %.3f s | %.2fx | %.2fx |"
              % (tool, u, u / med[(base, "up")], u / med[("psql", "up")],
                 d, d / med[(base, "down")], d / med[("psql", "down")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
