#!/usr/bin/env python3
"""Side-by-side benchmark harness (bench/PROTOCOL.md).

For every workload, run and contender it starts the contender's server role, waits until the
socket path exists, starts the client role, waits for both and reads the line
``RESULT <workload> <value> <unit>`` from the process the protocol names. Each figure is the
median of the runs; each is also shown as a ratio to the C contender's figure of the same
invocation. A run that fails shows ``err`` in the log (with the tail of its stderr) and the
harness goes on.

Usually started by ``bench/run``; it can be run on its own once everything is built:

    python3 bench/harness.py [--quick | --short] [--runs N] [--contenders c,jdk,usocket] \
        [--workloads W1,W3] [--markdown BENCHMARKS.md]
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
JAR = os.path.join(BENCH, "target", "benchmarks.jar")
C_BINARY = os.path.join(BENCH, "target", "contender-c")
LIBUV_BINARY = os.path.join(BENCH, "target", "contender-libuv")
NODE_CONTENDER = os.path.join(BENCH, "node", "contender.js")
JVM_FLAGS = ["-Xms1g", "-Xmx1g"]
# W5 only: the whole heap resident from the start, so RSS growth is memory outside the heap.
W5_JVM_FLAGS = ["-XX:+AlwaysPreTouch"]
EXTRA_CLASSPATH = ["/usr/share/java/junixsocket-common.jar"]

CONTENDERS = ["c", "libuv", "jdk", "jdk-fresh", "usocket", "usocket-onread", "netty", "junixsocket", "npm"]
JAVA_CONTENDERS = {"jdk", "jdk-fresh", "usocket", "usocket-onread", "netty", "junixsocket"}
WORKLOADS = ["W1", "W2", "W2w", "W3", "W4", "W5", "W6"]

# workload: (title, unit shown, which role prints, higher is better, full param, quick param)
SPEC = {
    "W1": ("W1 stream", "MB/s", "server", True, 8 << 30, 256 << 20),
    "W2": ("W2 fd passing", "msgs/s", "server", True, 600_000, 20_000),
    "W2w": ("W2w fd windowed", "msgs/s", "server", True, 600_000, 20_000),
    "W3": ("W3 ping-pong", "µs/rt", "client", False, 200_000, 10_000),
    "W4": ("W4 connect", "conn/s", "client", True, 40_000, 2_000),
    "W5": ("W5 idle memory", "B/conn heap+native", "server", False, 10_000, 1_000),
    # W6's param is not a size: the harness passes its CLOCK_MONOTONIC reading (ns) taken just
    # before it starts the server process (see one_run).
    "W6": ("W6 cold start", "ms", "client", False, 0, 0),
}
# Short-run mode (--short): no warm-up share (BENCH_SHORT=1 in the contenders' environment: the
# clock starts after the first unit of work) and W1 sends 1 GiB; the other params stay full.
SHORT_PARAMS = {"W1": 1 << 30}

SPREAD_NOTE = ("Run by run: each figure divided by the figure of the contender named in the column "
               "(the JDK's channel, or C for fd passing) in the same run; the median of those ratios and, "
               "in parentheses, the lowest and the highest (for W3 and W6 lower is better). "
               "The spread is this machine's noise: ratios of the same code move that much between runs.")

BEGIN = "<!-- bench:table:begin (bench/run rewrites this block) -->"
END = "<!-- bench:table:end -->"


class RunError(Exception):
    pass


def log(msg, logfile=None):
    print(msg, flush=True)
    if logfile:
        logfile.write(msg + "\n")
        logfile.flush()


def command(contender, workload):
    """The command line of a contender, without role, workload, path and param; None if missing."""
    if contender == "c":
        return [C_BINARY] if os.access(C_BINARY, os.X_OK) else None
    if contender == "libuv":
        return [LIBUV_BINARY] if os.access(LIBUV_BINARY, os.X_OK) else None
    if contender == "npm":
        node = shutil.which("node")
        return [node, "--expose-gc", NODE_CONTENDER] if node and os.path.exists(NODE_CONTENDER) else None
    if contender in JAVA_CONTENDERS:
        if not os.path.exists(JAR):
            return None
        cp = ":".join([JAR] + [p for p in EXTRA_CLASSPATH if os.path.exists(p)])
        flags = JVM_FLAGS + (W5_JVM_FLAGS if workload == "W5" else [])
        return ["java"] + flags + ["-cp", cp, "io.usocket.bench.contenders.Main", contender]
    return None


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:]).rstrip()
    except OSError:
        return ""


def parse_result(path, workload):
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "RESULT" and parts[1] == workload:
                return parts[2]
    return None


def kill(proc):
    if proc and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()


def one_run(contender, workload, param, timeout, workdir, short=False):
    """Runs one server/client pair; returns the RESULT value string ('n/a' allowed) or raises RunError."""
    cmd = command(contender, workload)
    env = dict(os.environ)
    env.pop("BENCH_SHORT", None)
    if short:
        env["BENCH_SHORT"] = "1"
    # W6 polls for the socket path every millisecond (it is part of what W6 measures); the
    # steady-state workloads start their clocks later and poll every 5 ms.
    poll = 0.001 if workload == "W6" else 0.005
    path = os.path.join(workdir, "s.sock")
    if os.path.lexists(path):
        os.unlink(path)
    files = {}
    for role in ("server", "client"):
        for stream in ("out", "err"):
            files[role, stream] = os.path.join(workdir, "%s.%s" % (role, stream))

    def start(role):
        with open(files[role, "out"], "w") as out, open(files[role, "err"], "w") as err:
            return subprocess.Popen(cmd + [role, workload, path, str(param)], stdout=out, stderr=err,
                                    cwd=ROOT, start_new_session=True, env=env)

    server = client = None
    deadline = time.monotonic() + timeout
    try:
        if workload == "W6":
            # W6: the clock starts now, just before the server process is started; the client
            # reports CLOCK_MONOTONIC - param when it holds the server's first message.
            param = time.monotonic_ns()
        server = start("server")
        while not os.path.exists(path):
            if server.poll() is not None:
                value = parse_result(files["server", "out"], workload)
                if value == "n/a":
                    return "n/a"
                raise RunError("server exited (%s) before listening\n%s" % (server.returncode, tail(files["server", "err"])))
            if time.monotonic() > deadline:
                raise RunError("server did not listen within %ds" % timeout)
            time.sleep(poll)
        client = start("client")
        # Wait for both; a role that fails ends the run at once (its peer may wait forever).
        while True:
            codes = {role: proc.poll() for proc, role in ((server, "server"), (client, "client"))}
            for role, code in codes.items():
                if code not in (None, 0):
                    raise RunError("%s exited with %s\n%s" % (role, code, tail(files[role, "err"])))
            if all(code == 0 for code in codes.values()):
                break
            if time.monotonic() > deadline:
                waiting = " and the ".join(role for role, code in codes.items() if code is None)
                raise RunError("timeout after %ds waiting for the %s" % (timeout, waiting))
            time.sleep(0.01)
        printer = SPEC[workload][2]
        value = parse_result(files[printer, "out"], workload)
        if value is None:
            raise RunError("no RESULT line from the %s\n%s" % (printer, tail(files[printer, "err"])))
        return value
    finally:
        kill(client)
        kill(server)


def number(workload, value):
    """The comparable number of a RESULT value: W5 sums heap+native."""
    if workload == "W5":
        heap, _, nat = value.partition("+")
        return float(heap) + float(nat)
    return float(value)


def median_value(workload, values):
    """The median run's value (for W5, the run whose heap+native total is the median)."""
    ordered = sorted(values, key=lambda v: number(workload, v))
    if workload == "W5":
        return ordered[(len(ordered) - 1) // 2]
    return statistics.median(float(v) for v in ordered)


def fmt(workload, value):
    if isinstance(value, str):
        return value
    if workload in ("W1", "W2", "W2w", "W4"):
        return "{:,.0f}".format(value)
    return "{:.1f}".format(value)


def summarize(results, runs):
    """{contender: {workload: (display, number or None, failed runs)}}"""
    table = {}
    for contender, per in results.items():
        table[contender] = {}
        for workload, values in per.items():
            ok = [v for v in values if v not in ("err", "n/a")]
            fails = sum(1 for v in values if v == "err")
            if not values:
                table[contender][workload] = ("not run", None, 0)
            elif ok:
                m = median_value(workload, ok)
                table[contender][workload] = (fmt(workload, m), number(workload, str(m)) if workload == "W5" else m, fails)
            elif all(v == "n/a" for v in values):
                table[contender][workload] = ("n/a", None, 0)
            else:
                table[contender][workload] = ("err", None, fails)
    return table


def run_ratios(results, contender, workload, reference="c"):
    """Each run's figure divided by the reference contender's figure of the same run."""
    mine = results.get(contender, {}).get(workload, [])
    theirs = results.get(reference, {}).get(workload, [])
    ratios = []
    for v, c in zip(mine, theirs):
        if v in ("err", "n/a") or c in ("err", "n/a"):
            continue
        cv = number(workload, c)
        if cv > 0:
            ratios.append(number(workload, v) / cv)
    return ratios


def ratio(results, contender, workload):
    """The median over runs of (figure / C's figure of the same run); None without a pair."""
    ratios = run_ratios(results, contender, workload)
    return statistics.median(ratios) if ratios else None


# The spread table: each workload against the contender its target names (bench/README.md,
# BENCHMARKS.md "Targets"): fd passing against C, the rest against the JDK's own channel.
SPREAD_REFERENCE = {"W1": "jdk", "W2": "c", "W2w": "c", "W3": "jdk", "W4": "jdk", "W6": "jdk"}


def render_spread(results, workloads):
    """Run by run: the median, lowest and highest of figure / reference figure of the same run.

    The contenders take turns within a run, so a ratio within one run compares figures taken a
    few seconds apart; how far those ratios spread over the runs is the noise the medians hide.
    """
    shown = [w for w in workloads if w in SPREAD_REFERENCE
             and any(v not in ("err", "n/a") for v in results.get(SPREAD_REFERENCE[w], {}).get(w, []))]
    if not shown:
        return None
    head = ["contender"] + ["%s (÷ %s)" % (SPEC[w][0], SPREAD_REFERENCE[w]) for w in shown]
    rows = []
    for contender in CONTENDERS:
        if contender not in results:
            continue
        row = [contender]
        for w in shown:
            r = run_ratios(results, contender, w, SPREAD_REFERENCE[w]) if contender != SPREAD_REFERENCE[w] else []
            row.append("%.2f× (%.2f–%.2f)" % (statistics.median(r), min(r), max(r)) if r else "")
        if any(row[1:]):
            rows.append(row)
    return table_text(head, rows)


def table_text(head, rows):
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(s.ljust(widths[i]) for i, s in enumerate(r)) + " |"
    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def render(table, results, workloads, runs):
    head = ["contender"] + ["%s (%s)" % (SPEC[w][0], SPEC[w][1]) for w in workloads]
    rows = []
    for contender in CONTENDERS:
        row = [contender]
        for w in workloads:
            display, num, fails = table.get(contender, {}).get(w, ("not run", None, 0))
            r = ratio(results, contender, w) if num is not None else None
            if r is not None:
                display += " (%.2f×)" % r
            if fails and num is not None:
                display += " [%d/%d err]" % (fails, runs)
            row.append(display)
        rows.append(row)
    return table_text(head, rows)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for l in f:
                if l.startswith("model name"):
                    model = l.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    except OSError:
        java = ["java: not found"]
    node = shutil.which("node")
    nodev = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip() if node else "none"
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "java": java,
        "node": nodev,
    }


def write_markdown(path, block):
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN in text and END in text:
        start = text.index(BEGIN) + len(BEGIN)
        end = text.index(END)
        text = text[:start] + "\n" + block + "\n" + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + BEGIN + "\n" + block + "\n" + END + "\n"
    with open(path, "w") as f:
        f.write(text)


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft >= needed, soft


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    ap.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    ap.add_argument("--short", action="store_true", default=os.environ.get("BENCH_SHORT_RUN", "") not in ("", "0"),
                    help="short-run mode: no warm-up share, W1 1 GiB (bench/PROTOCOL.md)")
    ap.add_argument("--contenders", default=os.environ.get("BENCH_CONTENDERS", ",".join(CONTENDERS)))
    ap.add_argument("--workloads", default=os.environ.get("BENCH_WORKLOADS", ",".join(WORKLOADS)))
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("BENCH_TIMEOUT", "0")),
                    help="seconds per run (default 90, quick 20); after a timeout the remaining runs of "
                         "that contender and workload are skipped")
    ap.add_argument("--markdown", default=None,
                    help="file whose table block to rewrite (default: BENCHMARKS.md when every workload ran, not in quick mode)")
    ap.add_argument("--command", default=os.environ.get("BENCH_COMMAND", "python3 bench/harness.py " + " ".join(sys.argv[1:])))
    ap.add_argument("--log", default=os.path.join(BENCH, "target", "bench.log"))
    args = ap.parse_args()
    if args.quick and "BENCH_RUNS" not in os.environ and "--runs" not in sys.argv:
        args.runs = 1
    contenders = [c for c in args.contenders.split(",") if c]
    workloads = [w for w in args.workloads.split(",") if w]
    for c in contenders:
        if c not in CONTENDERS:
            sys.exit("unknown contender %s (known: %s)" % (c, ", ".join(CONTENDERS)))
    for w in workloads:
        if w not in SPEC:
            sys.exit("unknown workload %s (known: %s)" % (w, ", ".join(WORKLOADS)))
    timeout = args.timeout or (20 if args.quick else 90)
    if args.quick and args.short:
        sys.exit("--quick and --short exclude each other")
    params = {w: SPEC[w][5] if args.quick else SHORT_PARAMS.get(w, SPEC[w][4]) if args.short else SPEC[w][4]
              for w in workloads}
    # By default only a full run of every workload rewrites BENCHMARKS.md's table.
    default_md = None if args.quick or args.short or set(workloads) != set(WORKLOADS) else os.path.join(ROOT, "BENCHMARKS.md")
    markdown = args.markdown if args.markdown is not None else default_md

    os.makedirs(os.path.dirname(args.log), exist_ok=True)
    logfile = open(args.log, "w")
    if "W5" in workloads:
        ok, limit = raise_fd_limit(params["W5"] + 200)
        if not ok:
            log("warning: open-file limit %d is below W5's %d connections + margin" % (limit, params["W5"]), logfile)

    results = {c: {w: [] for w in workloads} for c in contenders}
    missing = [c for c in contenders if command(c, "W1") is None]
    for c in missing:
        log("%s: contender program missing, skipped" % c, logfile)
    active = [c for c in contenders if c not in missing]
    started = time.monotonic()
    load_before = os.getloadavg()
    workdir = tempfile.mkdtemp(prefix="usocket-bench-")
    try:
        for w in workloads:
            hung = set()
            for r in range(args.runs):
                # The order turns by one each run, so no contender always runs first, last or
                # right after the same other one (the machine's state drifts within a run).
                turn = r % len(active) if active else 0
                for c in active[turn:] + active[:turn]:
                    if c in hung:
                        results[c][w].append("err")
                        log("%-4s run %d/%d  %-12s err              (skipped: timed out before)" % (w, r + 1, args.runs, c), logfile)
                        continue
                    t0 = time.monotonic()
                    try:
                        value = one_run(c, w, params[w], timeout, workdir, args.short)
                        note = ""
                    except RunError as e:
                        value = "err"
                        note = "\n    " + str(e).replace("\n", "\n    ")
                        if str(e).startswith("timeout") or "did not listen" in str(e):
                            hung.add(c)
                    results[c][w].append(value)
                    log("%-4s run %d/%d  %-12s %-16s (%.1f s)%s" % (w, r + 1, args.runs, c, value,
                                                                  time.monotonic() - t0, note), logfile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    load_after = os.getloadavg()
    load_text = "load average %.1f before, %.1f after (1 min)" % (load_before[0], load_after[0])

    table = summarize({c: results[c] for c in active}, args.runs)
    for c in missing:
        table[c] = {w: ("missing", None, 0) for w in workloads}
    text = render(table, {c: results[c] for c in active}, workloads, args.runs)
    spread = render_spread({c: results[c] for c in active}, workloads) if args.runs > 1 else None
    m = machine()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick (smoke test)" if args.quick else "short (no warm-up share)" if args.short else "full"
    params_text = ", ".join("%s=%s" % (w, "{:,}".format(params[w])) for w in workloads if w != "W6")
    log("", logfile)
    log(text, logfile)
    log("", logfile)
    log("median of %d run(s), %s mode, params %s; (×) = median of figure / C's figure of the same run; harness time %.0f s; %s"
        % (args.runs, mode, params_text, elapsed, load_text), logfile)
    if spread:
        log("", logfile)
        log(spread, logfile)
        log("", logfile)
        log(SPREAD_NOTE, logfile)

    # One file per mode, so a quick or short run does not overwrite the last full run's figures.
    results_name = "results-quick.json" if args.quick else "results-short.json" if args.short else "results.json"
    with open(os.path.join(BENCH, "target", results_name), "w") as f:
        json.dump({"machine": m, "when": when, "loadavg": [load_before, load_after], "runs": args.runs, "quick": args.quick,
                   "short": args.short, "params": params,
                   "results": results}, f, indent=1)

    if markdown:
        block = "\n".join([
            "Measured %s with `%s` (%s mode, median of %d run%s per figure; harness time %.0f s)."
            % (when, args.command, mode, args.runs, "" if args.runs == 1 else "s", elapsed),
            "",
            "Machine: %s cores (`nproc`), %s, Linux %s; %s; node %s; %s."
            % (m["nproc"], m["cpu"], m["kernel"], " / ".join(m["java"][:1] + m["java"][1:2]), m["node"], load_text),
            "",
            "Params: %s. In parentheses: the median over runs of the figure divided by C's figure of the same run "
            "(↑ higher is better for W1, W2, W2w, W4; ↓ lower is better for W3, W5 and W6). "
            "`n/a`: the contender cannot do the workload; `err`: every run failed; `[k/N err]`: k runs failed, "
            "the median is of the others; `not run` / `missing`: not selected / program not built." % params_text,
            "",
            text,
        ] + (["", SPREAD_NOTE, "", spread] if spread else []))
        write_markdown(markdown, block)
        log("table written to %s" % os.path.relpath(markdown, os.getcwd()), logfile)


if __name__ == "__main__":
    main()
