"""bench/fleet.py - the fleet benchmark of issue 15: a schema-per-tenant
fleet of T tenants (default 1,000) x the benchmark's 20-revision chain
(gen.py) on the local server.

Run it through `bench/run --fleet`, which builds vhost and starts the
private cluster. Measured, each from every tenant at base (a fresh
database with T empty schemas, made untimed):

  fleet       vhost upgrade --fleet tenants -j 4, all T tenants
  nothing     the same command again, nothing left to do (the probe)
  loop        `vhost --schema tenant_i upgrade head`, one tenant after the
              other: the shell loop teams write today; a sample of S tenants
              (default 100), extrapolated to T
  alembic     the same loop with Alembic (env.py sets search_path and
              version_table_schema per tenant), 20 tenants, extrapolated
  psql        the floor: `psql -f` of each tenant's script (the version
              table's DDL, then per revision BEGIN; DDL; version-table
              change; COMMIT), 4 at a time with xargs -P 4

Times are medians over --reps runs (the loops' samples run once each rep).
After every run the catalog is checked: every tenant measured must have the
head's column and its version table at head. The peak RSS of the fleet run
(the parent and its largest child, as wait4 reports) comes from
/usr/bin/time -v. Results go between the fleet markers of
docs/benchmarks.md (or --doc) and to docs/bench-fleet.svg.
"""
import argparse
import os
import statistics
import subprocess
import sys

import gen
import measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = "/usr/bin/python3"
DB = "bench_fleet"
N = 20
BEGIN = "<!-- fleet:begin (bench/fleet.py rewrites this part) -->"
END = "<!-- fleet:end -->"

ALEMBIC_ENV = """from logging.config import fileConfig
import os

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

schema = os.environ["BENCH_SCHEMA"]
engine = create_engine("postgresql+psycopg2:///" + os.environ["BENCH_DB"],
                       poolclass=pool.NullPool,
                       connect_args={"options": "-c search_path=" + schema})
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None,
                      version_table="alembic_version", version_table_schema=schema,
                      transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
"""


def log(msg):
    sys.stderr.write("bench-fleet: %s\n" % msg)
    sys.stderr.flush()


def psql(db, sql):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("bench-fleet: psql %s: %s" % (db, r.stderr.strip()))
    return r.stdout.strip()


def tenant(i):
    return "tenant_%04d" % i


def reset(t):
    """A fresh database with t empty tenant schemas (untimed)."""
    psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB)
    psql("postgres", "CREATE DATABASE %s" % DB)
    psql(DB, "".join("CREATE SCHEMA %s;\n" % tenant(i) for i in range(1, t + 1)))


def at_head(count):
    """Problem text unless `count` tenants (the first ones) are at head."""
    head = gen.rev_id(N)
    cols = psql(DB, "SELECT count(*) FROM information_schema.columns "
                    "WHERE table_schema LIKE 'tenant\\_%%' AND column_name = 'c%05d'" % N)
    vers = psql(DB, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relname = 'alembic_version' AND n.nspname LIKE 'tenant\\_%'")
    if int(cols) != count or int(vers) != count:
        return "%s tenants have the head's column and %s a version table, expected %d" % (
            cols, vers, count)
    probe = psql(DB, "SELECT count(*) FROM pg_namespace n WHERE n.nspname LIKE 'tenant\\_%%' AND "
                     "to_regclass(format('%%I.alembic_version', n.nspname)) IS NOT NULL AND "
                     "(xpath('/table/row/v/text()', query_to_xml(format('SELECT version_num AS v "
                     "FROM %%I.alembic_version', n.nspname), false, false, '')))[1]::text = '%s'"
                 % head)
    if int(probe) != count:
        return "%s version tables at head, expected %d" % (probe, count)
    return None


def timed(argv, env=None, time_v=False):
    r = measure.run(argv, dict(os.environ, **(env or {})), time_v=time_v)
    if not r.ok:
        raise SystemExit("bench-fleet: %s failed (exit %d):\n%s%s" % (
            " ".join(argv[:6]), r.code, r.out[-1500:], r.err[-1500:]))
    return r


def write_tree(top, vhost_bin):
    """vhost.ini with the fleet, Alembic's tenant env.py, the psql script."""
    d = os.path.join(HERE, "out", "fleet")
    os.makedirs(os.path.join(d, "alembic"), mode=0o755, exist_ok=True)
    gen.write(os.path.join(d, "vhost.ini"), (
        "; Generated by bench/fleet.py\n[vhost]\nplugin_dir = %s\nversion_table = alembic_version\n"
        "\n[database]\ndbname = %s\n\n[fleet.tenants]\nschemas_query = SELECT nspname FROM "
        "pg_namespace WHERE nspname LIKE 'tenant\\_%%' ORDER BY 1\njobs = 4\n")
        % (os.path.join(top, "plugins"), DB))
    gen.write(os.path.join(d, "alembic.ini"), gen.ALEMBIC_INI)
    gen.write(os.path.join(d, "alembic", "env.py"), ALEMBIC_ENV)
    versions = os.path.join(d, "alembic", "versions")
    if not os.path.islink(versions):
        os.symlink(os.path.join(top, "alembic", "versions"), versions)
    up, _ = gen.psql_scripts(N)
    gen.write(os.path.join(d, "tenant.sql"), (
        "SET search_path TO :\"schema\";\n"
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));\n") + up)
    return d


def from_base(name, t, s, shell, env=None):
    """Runs `shell` (taking the first s of t tenants from base) on a fresh
    database, checks them, and returns its time extrapolated to t."""
    reset(t)
    r = timed(["bash", "-c", shell], env=env)
    problem = at_head(s)
    if problem:
        raise SystemExit("bench-fleet: %s: %s" % (name, problem))
    log("%s: %d tenants in %.2f s -> %.1f s for %d" % (name, s, r.seconds, r.seconds * t / s, t))
    return r.seconds * t / s


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def svg(path, rows, t):
    """A horizontal bar chart of (label, seconds), linear axis, for t tenants."""
    w, bar, left = 720, 26, 300
    top = max(s for _, s in rows) or 1
    h = 40 + len(rows) * (bar + 10)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="13">' % (w, h),
           ('<text x="10" y="20" font-weight="bold">Fleet of {:,} tenant schemas x 20 '
            'revisions: wall time (s)</text>').format(t)]
    for k, (label, s) in enumerate(rows):
        y = 34 + k * (bar + 10)
        bw = max(1, (w - left - 80) * s / top)
        out.append('<text x="10" y="%d">%s</text>' % (y + 18, label))
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (
            left, y, bw, bar, "#2b6cb0" if label.startswith("vhost --fleet") else "#a0aec0"))
        out.append('<text x="%.1f" y="%d">%.2f</text>' % (left + bw + 6, y + 18, s))
    out.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--lib-dir", required=True)
    ap.add_argument("--tenants", type=int, default=1000)
    ap.add_argument("--loop-sample", type=int, default=100)
    ap.add_argument("--alembic-sample", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--doc", default=None)
    ap.add_argument("--svg", default=None)
    a = ap.parse_args()
    t = a.tenants
    top = gen.generate(N, os.path.join(HERE, "out"), ROOT, a.lib_dir, os.cpu_count())
    d = write_tree(top, os.path.join(a.bin_dir, "vhost"))
    vhost = [os.path.join(a.bin_dir, "vhost"), "-c", os.path.join(d, "vhost.ini"), "-q"]
    res = {k: [] for k in ("fleet", "nothing", "loop", "alembic", "psql")}
    rss = []
    for rep in range(a.reps):
        reset(t)
        r = timed(vhost + ["upgrade", "--fleet", "tenants", "-j", "4"], time_v=True)
        problem = at_head(t)
        if problem:
            raise SystemExit("bench-fleet: fleet: " + problem)
        res["fleet"].append(r.seconds)
        rss.append(r.rss_kib)
        for _ in range(3):
            r = timed(vhost + ["upgrade", "--fleet", "tenants"])
            if r.out.count("nothing to do") != t:
                raise SystemExit("bench-fleet: the second run did not find %d targets with "
                                 "nothing to do" % t)
            res["nothing"].append(r.seconds)
        log("rep %d: fleet %.2f s (%.0f MiB), nothing to do %.3f s" % (
            rep + 1, res["fleet"][-1], rss[-1] / 1024.0, res["nothing"][-1]))

        s = min(a.loop_sample, t)
        res["loop"].append(from_base("vhost loop", t, s, (
            "for i in $(seq -f %%04g 1 %d); do %s --schema tenant_$i upgrade head || exit 1; done"
            % (s, " ".join(vhost)))))
        s = min(a.alembic_sample, t)
        res["alembic"].append(from_base("alembic loop", t, s, (
            "for i in $(seq -f %%04g 1 %d); do BENCH_SCHEMA=tenant_$i %s -m alembic -c %s "
            "upgrade head 2>/dev/null || exit 1; done") % (s, PY, os.path.join(d, "alembic.ini")),
            env={"BENCH_DB": DB}))
        res["psql"].append(from_base("psql -f 4 at a time", t, t, (
            "set -o pipefail; seq -f %%04g 1 %d | xargs -P 4 -I{} psql -X -q -v ON_ERROR_STOP=1 "
            "-d %s -v schema=tenant_{} -f %s") % (t, DB, os.path.join(d, "tenant.sql"))))
    psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB)

    m = {k: median(v) for k, v in res.items()}
    peak = max(rss) / 1024.0
    lines = [
        BEGIN,
        "",
        "%d tenant schemas in one database, the %d-revision chain, `-j 4`, medians of %d runs "
        "(`bench/run --fleet`; %s):" % (t, N, a.reps, os.uname().nodename),
        "",
        "| run | time (s) | vs `vhost --fleet -j 4` |",
        "|---|---:|---:|",
        "| `vhost upgrade --fleet tenants -j 4` | %.2f | 1.00 |" % m["fleet"],
        "| (a) `vhost upgrade` per tenant, sequential loop (%d tenants, x%g) | %.1f | %.2f |" % (
            min(a.loop_sample, t), t / min(a.loop_sample, t), m["loop"], m["loop"] / m["fleet"]),
        "| (b) Alembic per tenant, sequential loop (%d tenants, x%g) | %.1f | %.2f |" % (
            min(a.alembic_sample, t), t / min(a.alembic_sample, t), m["alembic"],
            m["alembic"] / m["fleet"]),
        "| (c) `psql -f` per tenant, 4 at a time | %.2f | %.2f |" % (m["psql"],
                                                                  m["psql"] / m["fleet"]),
        "| the same fleet again, nothing to do | %.3f | %.3f |" % (m["nothing"],
                                                                   m["nothing"] / m["fleet"]),
        "",
        "Targets (issue 15): at least 5x faster than (a): **%.1fx**; within 1.5x of (c): "
        "**%.2fx** of its time; nothing to do under 1 s: **%.3f s**; peak RSS under 64 MiB: "
        "**%.1f MiB** (the parent and its largest child, `/usr/bin/time -v`)." % (
            m["loop"] / m["fleet"], m["fleet"] / m["psql"], m["nothing"], peak),
        "",
        END,
    ]
    block = "\n".join(lines)
    print(block)
    if a.doc:
        with open(a.doc) as f:
            text = f.read()
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n## Fleets (issue 15)\n\n" + block + "\n"
        with open(a.doc, "w") as f:
            f.write(text)
    if a.svg:
        svg(a.svg, [("vhost --fleet -j 4", m["fleet"]),
                    ("(c) psql -f, 4 at a time", m["psql"]),
                    ("(a) vhost loop (extrapolated)", m["loop"]),
                    ("(b) Alembic loop (extrapolated)", m["alembic"]),
                    ("vhost --fleet, nothing to do", m["nothing"])], t)


if __name__ == "__main__":
    main()
