"""bench/report.py - turns the benchmark's results into a CSV file, the
results section of docs/benchmarks.md (between the `results:begin` and
`results:end` markers; the prose around it is written by hand) and SVG
plots drawn with gnuplot.
"""
import csv
import datetime
import os
import platform
import re
import subprocess
import tempfile

FIELDS = ["n", "tool", "op", "status", "median_s", "min_s", "max_s", "runs", "client_cpu_s",
          "server_cpu_s", "peak_rss_kib", "note"]
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
TOOLS = ("vhost", "alembic", "psql", "floor")
NAMES = {"vhost": "vhost", "alembic": "Alembic", "psql": "psql", "floor": "single query"}
OPS = (("history", "history (no database)"), ("heads", "heads (no database)"),
       ("current", "current"), ("upgrade", "upgrade head (from base)"),
       ("downgrade", "downgrade base (from head)"))


def sh(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine_info(bin_dir):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
        cpu = m.group(1) if m else cpu
    with open("/proc/meminfo") as f:
        mem = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1)) // 1024
    py = "/usr/bin/python3"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": "%s, %d cores" % (cpu, os.cpu_count()),
        "memory": "%d MiB" % mem,
        "os": "%s %s" % (platform.system(), platform.release()),
        "postgresql": sh(["psql", "-X", "-At", "-c", "SHOW server_version"]),
        "cc": sh(["cc", "--version"]).split("\n")[0],
        "vhost": sh([os.path.join(bin_dir, "vhost"), "--version"]),
        "alembic": sh([py, "-c", "import alembic, sqlalchemy, psycopg2; print('alembic',"
                       " alembic.__version__, '/ SQLAlchemy', sqlalchemy.__version__,"
                       " '/ psycopg2', psycopg2.__version__.split()[0])"]),
        "python": sh([py, "--version"]),
        "load_before": loadavg(),
    }


def index(rows):
    return {(int(r["n"]), r["tool"], r["op"]): r for r in rows}


def med(r):
    return float(r["median_s"]) if r and r["status"] == "ok" and r["median_s"] else None


def fmt_time(r, notes):
    if not r:
        return "-"
    if r["status"] != "ok":
        notes.append(r["note"])
        return "not run [%d]" % len(notes)
    s = float(r["median_s"])
    text = "%.3f" % s if s < 10 else "%.1f" % s
    if r["note"]:
        notes.append(r["note"])
        text += " [%d]" % len(notes)
    return text


def ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def markdown(rows, machine, quick):
    ix = index(rows)
    ns = sorted({int(r["n"]) for r in rows})
    notes = []
    out = []
    out.append("Measured %s%s. Times are medians in seconds of the timed runs after a "
               "warm-up; the run counts and spread are in the CSV." % (
                   machine["date"], " (quick mode: fewer runs)" if quick else ""))
    out.append("")
    out.append("| Machine | |\n|---|---|")
    for k in ("cpu", "memory", "os", "postgresql", "cc", "vhost", "alembic", "python"):
        out.append("| %s | %s |" % (k, machine.get(k, "")))
    out.append("| load average (1/5/15 min) | %s before, %s after |" % (
        machine["load_before"], machine.get("load_after", "?")))
    out.append("")
    out.append("| operation | N | vhost | Alembic | psql | single query | vhost/psql | "
               "vhost/single query | Alembic/vhost |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for op, label in OPS:
        for n in ns:
            cells = [fmt_time(ix.get((n, t, op)), notes) for t in TOOLS]
            v, a, p, f = (med(ix.get((n, t, op))) for t in TOOLS)
            out.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                label, n, *cells, ratio(v, p), ratio(v, f), ratio(a, v)))
    out.append("")
    out.append("psql is `psql -X -q -c` for current and `psql -X -q -f` for upgrade and "
               "downgrade; single query is `bench/pgone`, which sends the same text in one "
               "simple query.")
    out.append("")
    out.append("Peak resident memory (MiB, `/usr/bin/time -v` of the warm-up run):")
    out.append("")
    out.append("| operation | N | vhost | Alembic | psql | single query |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for op, label in OPS:
        for n in ns:
            cells = []
            for t in TOOLS:
                r = ix.get((n, t, op))
                cells.append("%.1f" % (int(r["peak_rss_kib"]) / 1024)
                             if r and r["peak_rss_kib"] != "" else "-")
            out.append("| %s | %d | %s |" % (label, n, " | ".join(cells)))
    out.append("")
    out.append("CPU seconds of upgrade and downgrade (medians; client = the tool's process, "
               "server = the private cluster's backends, 10 ms resolution):")
    out.append("")
    out.append("| operation | N | " + " | ".join("%s client | %s server" % (NAMES[t], NAMES[t])
                                                 for t in TOOLS) + " |")
    out.append("|---|---:|" + "---:|" * (2 * len(TOOLS)))
    for op, label in OPS[3:]:
        for n in ns:
            cells = []
            for t in TOOLS:
                r = ix.get((n, t, op))
                ok = r and r["status"] == "ok"
                cells.append(r["client_cpu_s"] if ok and r.get("client_cpu_s") else "-")
                cells.append(r["server_cpu_s"] if ok and r.get("server_cpu_s") else "-")
            out.append("| %s | %d | %s |" % (label, n, " | ".join(cells)))
    out.append("")
    out.extend(targets(ix, ns))
    if notes:
        out.append("")
        out.append("Notes:")
        out.append("")
        for i, n in enumerate(notes, 1):
            out.append("%d. %s" % (i, n))
    return "\n".join(out) + "\n"


def targets(ix, ns):
    """The issue's targets, each with the numbers it was judged on."""
    out = ["Targets (issue 8):", ""]

    def line(ok, text):
        out.append("- %s %s" % ("met:" if ok else ("**missed**:" if ok is False else "not measured:"),
                                text))

    n = 1000 if 1000 in ns else max(ns)
    v, p, f = (med(ix.get((n, t, "upgrade"))) for t in ("vhost", "psql", "floor"))
    line(None if v is None or p is None else v <= p,
         "`vhost upgrade head` over %d revisions no slower than `psql -f` (%s s vs %s s)" % (
             n, v, p))
    line(None if v is None or f is None else v <= 1.3 * f,
         "... and within 1.3x of the single query (%s)" % ratio(v, f))
    n = max(ns)
    h = med(ix.get((n, "vhost", "history")))
    line(None if h is None else h < 0.1, "`vhost history` over %d revisions under 0.1 s (%s s)" % (n, h))
    for n in ns:
        c, pc = med(ix.get((n, "vhost", "current"))), med(ix.get((n, "psql", "current")))
        line(None if c is None or pc is None else c <= 0.6 * pc,
             "`vhost current` (N=%d) within 0.6x of `psql -c` (%s)" % (n, ratio(c, pc)))
    n = max(ns)
    peak = max([int(r["peak_rss_kib"]) for (rn, t, _), r in ix.items()
                if rn == n and t == "vhost" and r["peak_rss_kib"] != ""] or [0])
    line(peak < 64 * 1024 if peak else None,
         "vhost's peak memory with %d revisions under 64 MiB (%.1f MiB)" % (n, peak / 1024))
    return out


def plot(rows, op, title, path):
    ix = index(rows)
    ns = sorted({int(r["n"]) for r in rows})
    tools = [t for t in TOOLS if any(med(ix.get((n, t, op))) for n in ns)]
    if len(ns) < 2 or not tools:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as d:
        for n in ns:
            d.write("%d %s\n" % (n, " ".join("%g" % med(ix.get((n, t, op)))
                                             if med(ix.get((n, t, op))) else "NaN" for t in tools)))
    styles = {"vhost": "lw 2 lc rgb '#1f77b4' pt 7", "alembic": "lw 2 lc rgb '#d62728' pt 5",
              "psql": "lw 2 lc rgb '#2ca02c' pt 9", "floor": "lw 1 lc rgb '#777777' pt 1"}
    cmds = ["set terminal svg size 640,420 dynamic font 'sans,11'",
            "set output '%s'" % path, "set title '%s'" % title,
            "set logscale xy", "set xlabel 'revisions (N)'", "set ylabel 'seconds (median)'",
            "set xrange [%g:%g]" % (ns[0] * 0.7, ns[-1] * 1.4),
            "set key top left", "set grid", "set datafile missing 'NaN'",
            "set xtics (%s)" % ", ".join("'%d' %d" % (n, n) for n in ns),
            "plot " + ", ".join("'%s' using 1:%d with linespoints %s title '%s'" % (
                d.name, i + 2, styles[t], NAMES[t]) for i, t in enumerate(tools))]
    subprocess.run(["gnuplot"], input="\n".join(cmds) + "\n", text=True, check=True)
    os.unlink(d.name)


def write_all(rows, machine, a):
    quick = a.quick
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    if a.doc:
        text = open(a.doc).read() if os.path.exists(a.doc) else "%s\n%s\n" % (BEGIN, END)
        if BEGIN not in text or END not in text:
            text += "\n%s\n%s\n" % (BEGIN, END)
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(a.doc, "w") as f:
            f.write(head + BEGIN + "\n" + markdown(rows, machine, quick) + END + tail)
    if a.svg_prefix:
        plot(rows, "upgrade", "upgrade head from base", a.svg_prefix + "upgrade.svg")
        plot(rows, "history", "history (no database)", a.svg_prefix + "history.svg")


if __name__ == "__main__":
    # Redraws the plots from a CSV this module wrote:
    #   report.py CSV SVG_PREFIX
    import sys

    with open(sys.argv[1]) as f:
        saved = list(csv.DictReader(f))
    plot(saved, "upgrade", "upgrade head from base", sys.argv[2] + "upgrade.svg")
    plot(saved, "history", "history (no database)", sys.argv[2] + "history.svg")
