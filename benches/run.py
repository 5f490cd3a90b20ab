#!/usr/bin/env python3
"""citris benchmark: citris (native and wasm) beside its peers, in one run.

Run it through `benches/run.sh`, which installs the peers first; see
benches/README.md.  This script only generates the corpora (if missing),
checks the tools on a small file, times them and writes the Markdown table.

    python3 benches/run.py [--sizes 1k,10k,100k] [--runs 3] [--runs-large 1]
                           [--timeout 300] [--tools citris,citris-wasm,...]
                           [--out benches/RESULTS.md]

Each measurement runs the tool as a child of GNU time (`/usr/bin/time -f %M`
gives the peak RSS; for the bibutils pipeline the larger of its two
processes), wall time measured around it; output goes to a file under
benches/data/out/ and its entries are counted.  The median of the runs is
reported; a run still going after --timeout seconds is killed (its whole
process group) and reported as "did not finish in 300 s", and the same job is
then skipped at the larger sizes.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
DATA = os.path.join(BENCH, "data")
OUTDIR = os.path.join(DATA, "out")
PEERS = os.path.join(BENCH, "peers")
VENV_PY = os.path.join(PEERS, "venv", "bin", "python")
PANDOC = None  # resolved in main()

SIZES = {"1k": 1000, "10k": 10000, "100k": 100000}

# Corpus variants (see gen_corpus.py):
#   real        realistic: 3% collapsed one-line records, wrapped abstracts,
#               non-standard vendor tags, ID on 25% of records
#   strict      the same records in strict RIS (no collapsed records, no
#               continuation lines, no non-standard tags), no ID tags
#   strict-ids  strict, and every record has a unique ID tag
VARIANTS = {
    "real": [],
    "strict": ["--strict", "--id-share", "0"],
    "strict-ids": ["--strict", "--id-share", "1"],
}


def corpus_path(size, variant):
    suffix = "" if variant == "real" else "-" + variant
    return os.path.join(DATA, "ris-%s%s.ris" % (size, suffix))


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kw).stdout.strip()


def load1():
    return os.getloadavg()[0]


def wait_calm(max_load, max_wait):
    """Wait (up to max_wait s) until the 1-minute load average is below max_load."""
    t0 = time.time()
    while load1() > max_load and time.time() - t0 < max_wait:
        time.sleep(3)
    return load1()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fmt_time(s):
    if s is None:
        return "—"
    if s < 0.1:
        return "%.1f ms" % (s * 1000)
    if s < 10:
        return "%.2f s" % s
    return "%.1f s" % s


def fmt_rate(x, unit):
    if x is None:
        return "—"
    if x >= 100:
        return "%.0f %s" % (x, unit)
    if x >= 10:
        return "%.1f %s" % (x, unit)
    return "%.2f %s" % (x, unit)


def fmt_mb(kb):
    if kb is None:
        return "—"
    mb = kb / 1024.0
    if mb >= 1024:
        return "%.2f GB" % (mb / 1024)
    return "%.0f MB" % mb


def fmt_count(n):
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


# --------------------------------------------------------------------------
# entry counters (a sanity check: how many records came out)
# --------------------------------------------------------------------------

def count_bibtex(path, _stderr):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"@") and not line[:8].lower().startswith(b"@comment") \
                    and not line[:9].lower().startswith(b"@preamble") \
                    and not line[:7].lower().startswith(b"@string"):
                n += 1
    return n


def count_json(path, _stderr):
    with open(path, "rb") as f:
        data = json.load(f)
    return len(data) if isinstance(data, list) else None


def count_lines(path, _stderr):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                n += 1
    return n


def count_ris(path, _stderr):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"ER  -"):
                n += 1
    return n


def count_stdout_int(path, _stderr):
    with open(path, "rb") as f:
        txt = f.read().strip()
    return int(txt) if txt.isdigit() else None


def count_none(_path, _stderr):
    return None


def count_stderr_read(_path, err_path):
    """`citris check` reports "N records read" on standard error."""
    with open(err_path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 4096))
        m = re.findall(rb"(\d+) records? read", f.read())
    return int(m[-1]) if m else None


COUNTERS = {"bibtex": count_bibtex, "csl-json": count_json, "apa": count_lines,
            "ris": count_ris, "parse": count_stderr_read, "cat": count_none}


# --------------------------------------------------------------------------
# one measurement
# --------------------------------------------------------------------------

class Result:
    def __init__(self):
        self.walls = []
        self.rss = []        # KB
        self.cpu = []        # user+sys s
        self.inner = []      # s, as the driver reports (bench-inner-ms)
        self.loads = []
        self.status = "ok"   # ok | timeout | failed | skipped
        self.note = ""
        self.entries = None

    @property
    def wall(self):
        return statistics.median(self.walls) if self.walls else None

    @property
    def peak_rss(self):
        return max(self.rss) if self.rss else None

    @property
    def cpu_med(self):
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def inner_med(self):
        return statistics.median(self.inner) if self.inner else None


def run_once(cmd, out_path, err_path, timeout, env=None):
    """Returns (status, wall, rss_kb, cpu_s, returncode)."""
    fd, tf = tempfile.mkstemp(prefix="citris-bench-time-")
    os.close(fd)
    full = ["/usr/bin/time", "-f", "%M %U %S", "-o", tf] + cmd
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             start_new_session=True, env=env, cwd=ROOT)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
            os.unlink(tf)
            return "timeout", None, None, None, None
        wall = time.perf_counter() - t0
    rss = cpu = None
    try:
        with open(tf) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
        # GNU time writes "Command exited with non-zero status N" first on failure
        m = re.match(r"^(\d+) ([\d.]+) ([\d.]+)$", lines[-1]) if lines else None
        if m:
            rss = int(m.group(1))
            cpu = float(m.group(2)) + float(m.group(3))
    finally:
        os.unlink(tf)
    return ("ok" if rc == 0 else "failed"), wall, rss, cpu, rc


def md_escape(s):
    return s.replace("|", "\\|")


def first_error_line(err_path):
    try:
        with open(err_path, "rb") as f:
            txt = f.read(200000).decode("utf-8", "replace")
    except OSError:
        return ""
    txt = txt.replace(ROOT + "/", "")
    lines = [ln.strip() for ln in txt.splitlines() if ln.strip()
             and not ln.startswith("bench-inner-ms") and not ln.startswith("Command exited")]
    # the most telling line is usually an "Error" line, else the first one
    for ln in lines:
        if "rror" in ln or "Traceback" in ln:
            idx = lines.index(ln)
            pick = ln
            if ln.startswith("Traceback"):
                pick = lines[-1]
            elif idx + 1 < len(lines) and (len(pick) < 60 or pick.endswith(":")):
                pick = pick + " " + lines[idx + 1]
            return md_escape(pick[:160])
    return md_escape(lines[0][:160]) if lines else ""


def inner_ms(err_path):
    try:
        with open(err_path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 4096))
            tail = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    m = re.findall(r"bench-inner-ms: ([\d.]+)", tail)
    return float(m[-1]) / 1000.0 if m else None


def measure(job, size, variant, runs, timeout, calm):
    res = Result()
    path = corpus_path(size, variant)
    os.makedirs(OUTDIR, exist_ok=True)
    tag = "%s-%s-%s-%s" % (job["tool"], job["op"], size, variant)
    tag = re.sub(r"[^A-Za-z0-9_.-]", "_", tag)
    out_path = os.path.join(OUTDIR, tag + ".out")
    err_path = os.path.join(OUTDIR, tag + ".err")
    cmd = job["cmd"](path)
    for i in range(runs):
        # wait for calm before the first run of a job only; later runs follow at once
        res.loads.append(wait_calm(*calm) if i == 0 else load1())
        status, wall, rss, cpu, rc = run_once(cmd, out_path, err_path, timeout, job.get("env"))
        if status == "timeout":
            res.status = "timeout"
            res.note = "did not finish in %d s" % timeout
            res.walls, res.rss, res.cpu, res.inner = [], [], [], []
            break
        if status == "failed":
            res.status = "failed"
            res.note = "failed (exit %s): %s" % (rc, first_error_line(err_path))
            break
        res.walls.append(wall)
        if rss is not None:
            res.rss.append(rss)
        if cpu is not None:
            res.cpu.append(cpu)
        im = inner_ms(err_path)
        if im is not None:
            res.inner.append(im)
        print("    run %d/%d: %s, %s peak, load %.2f" % (i + 1, runs, fmt_time(wall), fmt_mb(rss),
                                                         res.loads[-1]), flush=True)
    if res.status == "ok":
        try:
            res.entries = job.get("count", COUNTERS.get(job["op"], count_none))(out_path, err_path)
        except Exception as e:  # a malformed output is worth a note, not a crash
            res.note = "output not readable as %s: %s" % (job["op"], str(e)[:80])
    if job["op"] != "cat":
        # keep the disk tidy: the outputs of 100k runs are hundreds of MB
        if size == "100k" and os.path.exists(out_path):
            os.unlink(out_path)
    return res


# --------------------------------------------------------------------------
# tools
# --------------------------------------------------------------------------

def citris_help(binary):
    try:
        return sh([binary, "--help"]) + "\n" + sh([binary, "convert", "--help"])
    except OSError:
        return ""


def citris_ops(binary):
    """Which operations the citris CLI offers: probes its --help text."""
    helptext = citris_help(binary)
    ops = {}
    if not helptext:
        return ops, helptext
    for to in ("bibtex", "csl-json", "biblatex", "ris"):
        ops[to] = [binary, "convert", "--quiet", "--to", to]
    # a parse-only mode: `citris parse`, `convert --parse-only`, `--check` or `--to none`
    if re.search(r"^\s*(citris\s+)?parse\b", helptext, re.M):
        ops["parse"] = [binary, "parse", "--quiet"]
    elif "--parse-only" in helptext:
        ops["parse"] = [binary, "convert", "--quiet", "--parse-only"]
    elif re.search(r"--to\b[^\n]*\bnone\b", helptext):
        ops["parse"] = [binary, "convert", "--quiet", "--to", "none"]
    elif re.search(r"^\s*(citris\s+)?check\b", helptext, re.M):
        ops["parse"] = [binary, "check", "--quiet"]
    if re.search(r"^\s*(citris\s+)?format\b", helptext, re.M):
        ops["apa"] = [binary, "format", "--quiet", "--style", "apa"]
    return ops, helptext


def find_wasm_pkg(explicit):
    cands = [explicit] if explicit else [os.path.join(ROOT, "www", "pkg"),
                                         os.path.join(DATA, "pkg-node")]
    for c in cands:
        if not c or not os.path.isdir(c):
            continue
        wasm = [f for f in os.listdir(c) if f.endswith("_bg.wasm")
                and os.path.getsize(os.path.join(c, f)) > 0]
        if wasm and (os.path.exists(os.path.join(c, "package.json"))
                     or os.path.exists(os.path.join(c, "citris.js"))):
            return c
    return None


def build_jobs(args):
    jobs = []
    notes = []
    versions = {}
    node = shutil.which("node")

    # floor
    jobs.append({"tool": "cat (floor)", "op": "cat", "variants": ["real"],
                 "cmd": lambda p: ["cat", p], "vs": None})

    # citris native
    binary = args.citris
    if os.path.exists(binary):
        ops, helptext = citris_ops(binary)
        versions["citris"] = (sh([binary, "--version"]).splitlines() or ["?"])[0] + \
            " (commit %s%s)" % (sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
                                "+dirty" if sh(["git", "-C", ROOT, "status", "--porcelain",
                                               "--", "src", "Cargo.toml", "Cargo.lock"]) else "")
        for op in ("parse", "bibtex", "csl-json", "apa"):
            if op in ops:
                base = ops[op]
                variants = ["real", "strict", "strict-ids"] if op == "bibtex" else ["real", "strict"]
                jobs.append({"tool": "citris", "op": op, "variants": variants,
                             "cmd": (lambda b: lambda p: b + [p])(base), "vs": None,
                             "sizes": args.apa_sizes if op == "apa" else None})
            else:
                what = {"parse": "a parse-only mode", "apa": "`citris format --style apa`"}.get(op, op)
                notes.append("citris %s: not measured, the CLI has no %s yet." % (op, what))
    else:
        notes.append("citris native: not measured, %s is not built (`cargo build --release`)."
                     % os.path.relpath(binary, ROOT))

    # citris wasm under Node
    pkg = find_wasm_pkg(args.wasm_pkg)
    if pkg:
        # time a snapshot, so that a rebuild during the run cannot change it
        snap = os.path.join(DATA, "wasm-snapshot")
        shutil.rmtree(snap, ignore_errors=True)
        shutil.copytree(pkg, snap)
        versions["citris wasm"] = "package %s (%d bytes of wasm)" % (
            os.path.relpath(pkg, ROOT),
            sum(os.path.getsize(os.path.join(pkg, f)) for f in os.listdir(pkg) if f.endswith(".wasm")))
        pkg = snap
    if pkg and node:
        drv = os.path.join(BENCH, "drivers", "citris_wasm.mjs")
        for op in ("bibtex", "csl-json"):
            jobs.append({"tool": "citris wasm (Node)", "op": op, "variants": ["real"],
                         "cmd": (lambda o, drv=drv: lambda p: ["node", "--max-old-space-size=8192",
                                                               drv, pkg, o, p])(op),
                         "vs": ("citris", op)})
    else:
        notes.append("citris wasm: not measured, no wasm package (neither www/pkg from "
                     "`./build.sh build` nor benches/data/pkg-node) was built.")

    # citation.js
    cjs = os.path.join(PEERS, "npm", "node_modules", "@citation-js", "core")
    if node and os.path.isdir(cjs):
        drv = os.path.join(BENCH, "drivers", "citationjs.js")
        try:
            lock = json.load(open(os.path.join(BENCH, "package-lock.json")))
            pk = lock.get("packages", {})
            versions["citation.js"] = ", ".join(
                "%s %s" % (n.split("/")[-1], pk.get("node_modules/@citation-js/" + n, {}).get("version", "?"))
                for n in ("core", "plugin-ris", "plugin-bibtex", "plugin-csl")) + \
                " (Node %s)" % sh(["node", "--version"])
        except (OSError, ValueError):
            pass
        jobs.append({"tool": "citation.js", "op": "bibtex",
                     "variants": ["real", "strict", "strict-ids"],
                     "cmd": lambda p, drv=drv: ["node", "--max-old-space-size=8192", drv, "bibtex", p],
                     "vs": ("citris", "bibtex")})
        jobs.append({"tool": "citation.js", "op": "apa", "variants": ["real"],
                     "sizes": args.cjs_apa_sizes,
                     "cmd": lambda p, drv=drv: ["node", "--max-old-space-size=8192", drv, "apa", p],
                     "vs": ("citris", "apa")})
    else:
        notes.append("citation.js: not installed (benches/run.sh installs it with npm ci).")

    # pandoc (PyPI pypandoc-binary's bundled binary)
    if PANDOC:
        versions["pandoc"] = sh([PANDOC, "--version"]).splitlines()[0] + " (PyPI pypandoc-binary)"
        jobs.append({"tool": "pandoc", "op": "bibtex", "variants": ["real", "strict"],
                     "cmd": lambda p: [PANDOC, "-f", "ris", "-t", "bibtex", p],
                     "vs": ("citris", "bibtex")})
    else:
        notes.append("pandoc: not installed (benches/run.sh installs PyPI pypandoc-binary).")

    # bibutils
    if shutil.which("ris2xml") and shutil.which("xml2bib"):
        versions["bibutils"] = sh(["ris2xml", "-v"]).splitlines()[0] + " (Debian)"
        jobs.append({"tool": "bibutils", "op": "bibtex", "variants": ["real", "strict"],
                     "cmd": lambda p: ["sh", "-c", 'ris2xml "$1" 2>/dev/null | xml2bib 2>/dev/null',
                                       "sh", p],
                     "vs": ("citris", "bibtex")})
    else:
        notes.append("bibutils: not installed (benches/run.sh runs apt-get install bibutils).")

    # rispy, parse only
    if os.path.exists(VENV_PY):
        v = sh([VENV_PY, "-c", "import importlib.metadata as m; print(m.version('rispy'))"])
        if re.match(r"^\d", v):
            versions["rispy"] = v + " (Python %s)" % sh([VENV_PY, "-c", "import sys; print(sys.version.split()[0])"])
            drv = os.path.join(BENCH, "drivers", "rispy_parse.py")
            jobs.append({"tool": "rispy", "op": "parse", "variants": ["real", "strict"],
                         "cmd": lambda p, drv=drv: [VENV_PY, drv, p], "count": count_stdout_int,
                         "vs": ("citris", "parse")})
    if "rispy" not in versions:
        notes.append("rispy: not installed (benches/run.sh installs it into benches/peers/venv).")

    if args.tools:
        keep = set(t.strip() for t in args.tools.split(","))
        jobs = [j for j in jobs if j["tool"].split(" ")[0] in keep or j["tool"] in keep]
    return jobs, notes, versions


# --------------------------------------------------------------------------
# small-file check
# --------------------------------------------------------------------------

def check_tools(jobs):
    """Run each job once on the first 50 records of the 1k files."""
    print("== checking each tool on 50 records", flush=True)
    problems = []
    for job in jobs:
        for variant in job["variants"]:
            src = corpus_path("1k", variant)
            small = os.path.join(DATA, "check-%s.ris" % variant)
            if not os.path.exists(small):
                with open(src, "rb") as f:
                    txt = f.read().decode("utf-8")
                recs = txt.split("\n\n")[:50]
                with open(small, "wb") as f:
                    f.write(("\n\n".join(recs) + "\n\n").encode("utf-8"))
            out = os.path.join(OUTDIR, "check.out")
            err = os.path.join(OUTDIR, "check.err")
            os.makedirs(OUTDIR, exist_ok=True)
            status, wall, rss, cpu, rc = run_once(job["cmd"](small), out, err, 120, job.get("env"))
            n = None
            if status == "ok":
                try:
                    n = job.get("count", COUNTERS.get(job["op"], count_none))(out, err)
                except Exception:
                    n = None
            msg = "%-20s %-9s %-10s %-7s %s" % (job["tool"], job["op"], variant, status,
                                                 ("%s of 50 records out" % n) if n is not None else
                                                 first_error_line(err) if status != "ok" else "")
            print("  " + msg, flush=True)
            if status != "ok":
                problems.append(msg.strip())
    return problems


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def ensure_corpora(sizes):
    info = {}
    gen = os.path.join(BENCH, "gen_corpus.py")
    for size in sizes:
        for variant, extra in VARIANTS.items():
            path = corpus_path(size, variant)
            if not os.path.exists(path):
                print("== generating %s" % os.path.relpath(path, ROOT), flush=True)
                subprocess.run([sys.executable, gen, "--records", str(SIZES[size]), "--out", path]
                               + extra, check=True)
            info[(size, variant)] = (os.path.getsize(path), SIZES[size])
    return info


def verify_corpora(corpora):
    """Compare the corpora with benches/corpus.sha256 (the bytes this benchmark expects)."""
    manifest = os.path.join(BENCH, "corpus.sha256")
    expected = {}
    if os.path.exists(manifest):
        with open(manifest) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    expected[parts[1]] = parts[0]
    bad = []
    for (size, variant) in corpora:
        name = os.path.basename(corpus_path(size, variant))
        if name in expected and sha256(corpus_path(size, variant)) != expected[name]:
            bad.append(name)
    return bad


def machine_description():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = "%.0f GiB" % (kb / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    return "%d cores (`nproc`), %s, %s RAM, %s %s" % (os.cpu_count() or 0, cpu, mem,
                                                      platform.system(), platform.release())


def main():
    global PANDOC
    ap = argparse.ArgumentParser(description="citris benchmark (see benches/README.md)")
    ap.add_argument("--sizes", default="1k,10k,100k", help="comma list of 1k,10k,100k")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement below 100k (median)")
    ap.add_argument("--runs-large", type=int, default=1, help="runs per measurement at 100k")
    ap.add_argument("--timeout", type=int, default=300, help="seconds before a run is killed")
    ap.add_argument("--tools", default="",
                    help="only these tools (comma list: cat,citris,citris-wasm → 'citris wasm (Node)' "
                         "is selected by 'citris', citation.js,pandoc,bibutils,rispy)")
    ap.add_argument("--citris", default=os.path.join(ROOT, "target", "release", "citris"),
                    help="the native binary (default target/release/citris)")
    ap.add_argument("--wasm-pkg", default="", help="wasm-bindgen package directory "
                    "(default www/pkg, else benches/data/pkg-node)")
    ap.add_argument("--apa-sizes", default="1k,10k", help="sizes for `citris format --style apa`")
    ap.add_argument("--cjs-apa-sizes", default="1k", help="sizes for citation.js APA")
    ap.add_argument("--max-load", type=float, default=1.5,
                    help="before each run, wait until the 1-min load is below this ...")
    ap.add_argument("--max-wait", type=float, default=5,
                    help="... for at most this many seconds (before the first run of each job)")
    ap.add_argument("--no-check", action="store_true", help="skip the 50-record check")
    ap.add_argument("--no-extrapolate", action="store_true",
                    help="run a job at a larger size even when its time at a smaller size, "
                         "scaled linearly, already passes --timeout")
    ap.add_argument("--out", default=os.path.join(BENCH, "RESULTS.md"))
    ap.add_argument("--command", default="", help="the command line to quote in the results")
    ap.add_argument("--render-from", default="", metavar="JSON",
                    help="measure nothing: redo the Markdown (--out) from an earlier run's "
                         "benches/data/results.json")
    args = ap.parse_args()
    if args.render_from:
        render_from(args.render_from, args.out)
        return
    args.apa_sizes = [s for s in args.apa_sizes.split(",") if s]
    args.cjs_apa_sizes = [s for s in args.cjs_apa_sizes.split(",") if s]
    sizes = [s for s in args.sizes.split(",") if s]
    for s in sizes:
        if s not in SIZES:
            ap.error("unknown size %s" % s)
    if not os.path.exists("/usr/bin/time"):
        sys.exit("GNU time is missing: apt-get install -y time (benches/run.sh does it)")

    if os.path.exists(VENV_PY):
        PANDOC = sh([VENV_PY, "-c", "import pypandoc; print(pypandoc.get_pandoc_path())"]) or None
        if PANDOC and not os.path.exists(PANDOC):
            PANDOC = None

    if os.path.exists(args.citris):
        # time a snapshot, so that a rebuild during the run cannot mix two binaries
        os.makedirs(DATA, exist_ok=True)
        snap = os.path.join(DATA, "citris-snapshot")
        shutil.copy2(args.citris, snap)
        args.citris = snap

    started = datetime.now(timezone.utc)
    load_start = os.getloadavg()
    corpora = ensure_corpora(sorted(set(sizes) | {"1k"}, key=lambda s: SIZES[s]))
    jobs, notes, versions = build_jobs(args)
    bad = verify_corpora(corpora)
    if bad:
        notes.append("corpus files differ from benches/corpus.sha256 (delete benches/data/*.ris to "
                     "regenerate): %s" % ", ".join(bad))
        print("WARNING: " + notes[-1], flush=True)
    problems = [] if args.no_check else check_tools(jobs)

    results = {}  # (tool, op, size, variant) -> Result
    timed_out = set()
    loads_seen = []
    for size in sizes:
        runs = args.runs_large if size == "100k" else args.runs
        for job in jobs:
            if job.get("sizes") is not None and size not in job["sizes"]:
                continue
            for variant in job["variants"]:
                key = (job["tool"], job["op"], size, variant)
                if (job["tool"], job["op"], variant) in timed_out:
                    r = Result()
                    r.status = "skipped"
                    r.note = "not run: did not finish a smaller file in %d s" % args.timeout
                    results[key] = r
                    continue
                # Even at linear scaling from the largest smaller size measured, would it
                # pass the timeout?  Then it cannot finish: say so instead of waiting.
                prev = [s for s in sizes if SIZES[s] < SIZES[size]
                        and results.get((job["tool"], job["op"], s, variant)) is not None
                        and results[(job["tool"], job["op"], s, variant)].status == "ok"]
                if prev and not args.no_extrapolate:
                    p = prev[-1]
                    pw = results[(job["tool"], job["op"], p, variant)].wall
                    est = pw * SIZES[size] / SIZES[p]
                    if est > args.timeout:
                        r = Result()
                        r.status = "skipped"
                        r.note = ("not run: %s took %s, so %s would take ≥ %.0f s even if linear "
                                  "(> %d s)" % (p, fmt_time(pw), size, est, args.timeout))
                        results[key] = r
                        print("== %s %s on %s (%s): %s" % (job["tool"], job["op"], size, variant,
                                                         r.note), flush=True)
                        continue
                print("== %s %s on %s (%s), %d run(s)" % (job["tool"], job["op"], size, variant,
                                                         runs), flush=True)
                r = measure(job, size, variant, runs, args.timeout, (args.max_load, args.max_wait))
                results[key] = r
                loads_seen.extend(r.loads)
                if r.status == "timeout":
                    timed_out.add((job["tool"], job["op"], variant))
                if r.status != "ok":
                    print("    " + r.note, flush=True)
    finished = datetime.now(timezone.utc)
    load_end = os.getloadavg()

    md = render(args, sizes, jobs, results, corpora, notes, problems, versions, started, finished,
                load_start, load_end, loads_seen)
    with open(args.out, "w") as f:
        f.write(md)
    dump_json(os.path.join(DATA, "results.json"), args, sizes, jobs, results, corpora, notes,
              problems, versions, started, finished, load_start, load_end, loads_seen)
    print()
    print(md)
    print("written to %s" % os.path.relpath(args.out, ROOT))


def render(args, sizes, jobs, results, corpora, notes, problems, versions, started, finished,
           load_start, load_end, loads_seen, machine=None):
    L = []
    cmd = args.command or ("python3 benches/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:]))
    L.append("# citris benchmark results")
    L.append("")
    L.append("Generated by `benches/run.sh` (see [README.md](README.md)); do not edit by hand.")
    L.append("")
    L.append("- Command: `%s`" % cmd.strip())
    L.append("- When: %s to %s UTC" % (started.strftime("%Y-%m-%d %H:%M"), finished.strftime("%H:%M")))
    L.append("- Machine: %s" % (machine or machine_description()))
    if loads_seen:
        L.append("- Load (1-min average; the 2 cores are shared with other builds): %.2f / %.2f / %.2f "
                 "at the start, %.2f / %.2f / %.2f at the end; before the runs min %.2f, median %.2f, "
                 "max %.2f. Each job waited up to %.0f s for the load to fall below %.1f; compare "
                 "`cpu` with `wall` to see where a run was slowed by other work."
                 % (load_start + load_end + (min(loads_seen), statistics.median(loads_seen),
                                             max(loads_seen), args.max_wait, args.max_load)))
    L.append("- Runs: median of %d below 100k records, %d at 100k; a run is killed after %d s."
             % (args.runs, args.runs_large, args.timeout))
    for k in ("citris", "citris wasm", "citation.js", "pandoc", "bibutils", "rispy"):
        if k in versions:
            L.append("- %s: %s" % (k, versions[k]))
    L.append("")
    L.append("## Corpora")
    L.append("")
    L.append("Generated by `benches/gen_corpus.py` (seeded; same bytes on every run, checked "
             "against `benches/corpus.sha256`).")
    L.append("`real`: realistic library with 3% one-line collapsed records, wrapped abstracts, "
             "non-standard vendor tags, `ID` on 25% of records. `strict`: the same records in "
             "strict RIS that every peer can read, no `ID`. `strict-ids`: strict, every record "
             "with a unique `ID` (citation.js generates ids quadratically without them).")
    L.append("")
    L.append("| file | records | bytes | bytes/record |")
    L.append("| --- | ---: | ---: | ---: |")
    for (size, variant), (nbytes, nrec) in sorted(corpora.items(),
                                                   key=lambda kv: (SIZES[kv[0][0]], kv[0][1])):
        if size not in sizes:
            continue
        L.append("| `%s` | %d | %d (%.1f MB) | %.0f |" % (
            os.path.relpath(corpus_path(size, variant), BENCH), nrec, nbytes, nbytes / 1e6,
            nbytes / nrec))
    L.append("")

    # summary, issue-5 style
    L.append("## Summary")
    L.append("")
    L.append("Median wall time (MB/s from the wall time; user+system cpu time; peak RSS). "
             "`× citris` is the tool's wall time over citris' for the same operation on the same "
             "file.")
    L.append("")
    L.append("| tool, operation, corpus | " + " | ".join(
        "%s records" % fmt_count(SIZES[s]) for s in sizes) + " |")
    L.append("| --- | " + " | ".join("---" for _ in sizes) + " |")
    rows = []
    for job in jobs:
        for variant in job["variants"]:
            cells = []
            any_res = False
            for size in sizes:
                r = results.get((job["tool"], job["op"], size, variant))
                if r is None:
                    cells.append("—")
                    continue
                any_res = True
                cells.append(summary_cell(r, corpora[(size, variant)], ratio(job, r, results, size,
                                                                              variant)))
            if any_res:
                rows.append("| %s, %s, `%s` | %s |" % (job["tool"], OP_NAMES.get(job["op"], job["op"]),
                                                       variant, " | ".join(cells)))
    L.extend(rows)
    L.append("")

    # details
    L.extend(render_targets(sizes, results, corpora))
    L.append("## Details")
    L.append("")
    L.append("| corpus | tool | operation | wall (median) | cpu | inner | MB/s | records/s | peak RSS "
             "| × citris | entries out | runs | load |")
    L.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for job in jobs:
            for variant in job["variants"]:
                r = results.get((job["tool"], job["op"], size, variant))
                if r is None:
                    continue
                nbytes, nrec = corpora[(size, variant)]
                if r.status != "ok":
                    L.append("| %s `%s` | %s | %s | %s | | | | | | | | %d | %s |" % (
                        size, variant, job["tool"], OP_NAMES.get(job["op"], job["op"]), r.note,
                        len(r.loads), ("%.2f" % max(r.loads)) if r.loads else ""))
                    continue
                w = r.wall
                rat = ratio(job, r, results, size, variant)
                L.append("| %s `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %.2f |" % (
                    size, variant, job["tool"], OP_NAMES.get(job["op"], job["op"]), fmt_time(w),
                    fmt_time(r.cpu_med), fmt_time(r.inner_med) if r.inner else "",
                    fmt_rate(nbytes / 1e6 / w, ""), fmt_rate(nrec / w, ""), fmt_mb(r.peak_rss),
                    rat or "", r.entries if r.entries is not None else "", len(r.walls),
                    max(r.loads)))
    L.append("")
    L.append("Columns: `wall` is the median wall time of the whole process (start-up included); "
             "`cpu` user+system time; `inner` the time the driver measured inside the tool "
             "(citation.js: read, parse and format; citris wasm: the `convert` call alone), "
             "without Node start-up and module loading; `peak RSS` from `/usr/bin/time -f %M` "
             "(for bibutils the larger of `ris2xml` and `xml2bib`); `entries out` counts the "
             "entries in the output (BibTeX `@` lines, CSL-JSON array items, APA non-empty lines, "
             "rispy's record count) of the last run; `load` is the highest 1-min load average "
             "seen before a run.")
    L.append("")
    L.append("## Notes")
    L.append("")
    for n in notes:
        L.append("- " + n)
    for p in problems:
        L.append("- check on 50 records: `%s`" % re.sub(r"\s+", " ", p))
    for size in sizes:
        for job in jobs:
            for variant in job["variants"]:
                r = results.get((job["tool"], job["op"], size, variant))
                if r is not None and r.status != "ok":
                    L.append("- %s %s on %s `%s`: %s" % (job["tool"], OP_NAMES.get(job["op"], job["op"]),
                                                         size, variant, r.note))
    L.append("")
    return "\n".join(L)


def render_targets(sizes, results, corpora):
    """Issue 5's targets, checked against this run."""
    L = ["## Targets of issue 5 on this run", ""]
    L.append("| target | measured | met |")
    L.append("| --- | --- | --- |")

    def ok(key):
        r = results.get(key)
        return r if r is not None and r.status == "ok" and r.wall else None

    def row(target, measured, met):
        L.append("| %s | %s | %s |" % (target, measured, {True: "yes", False: "**no**",
                                                          None: "—"}[met]))

    big = [s for s in ("100k", "10k", "1k") if s in sizes]
    for op, goal in (("parse", 600.0), ("bibtex", 300.0), ("csl-json", 300.0)):
        for size in big[:1]:
            r = ok(("citris", op, size, "real"))
            if r:
                nbytes = corpora[(size, "real")][0]
                rate = nbytes / 1e6 / r.wall
                row("native %s ≥ %.0f MB/s (%s, `real`)" % (OP_NAMES[op], goal, size),
                    "%.0f MB/s (%s)" % (rate, fmt_time(r.wall)), rate >= goal)
    for size in big[:1]:
        worst = None
        for op in ("parse", "bibtex", "csl-json"):
            r = ok(("citris", op, size, "real"))
            if r and r.peak_rss:
                ratio_mem = r.peak_rss * 1024.0 / corpora[(size, "real")][0]
                if worst is None or ratio_mem > worst[0]:
                    worst = (ratio_mem, op, r.peak_rss)
        if worst:
            row("native peak memory ≤ 3× the input (%s)" % size,
                "%.1f× (%s, %s)" % (worst[0], OP_NAMES[worst[1]], fmt_mb(worst[2])), worst[0] <= 3.0)
    if "10k" in sizes and "100k" in sizes:
        for op in ("parse", "bibtex", "csl-json"):
            a, b = ok(("citris", op, "10k", "real")), ok(("citris", op, "100k", "real"))
            if a and b:
                f = b.wall / a.wall
                row("linear: 100k ≤ 11× 10k (%s)" % OP_NAMES[op], "%.1f×" % f, f <= 11.0)
    # ≥ 20× the fastest peer, per operation and size, on the same file
    for op in ("bibtex", "parse", "apa"):
        for size in sizes:
            best = None
            for (tool, top, tsize, variant), r in results.items():
                if top != op or tsize != size or tool.startswith("citris") or tool.startswith("cat"):
                    continue
                c = ok(("citris", op, size, variant))
                if r.status == "ok" and c:
                    sp = r.wall / c.wall
                    if best is None or sp < best[0]:
                        best = (sp, tool, variant)
            if best:
                row("≥ 20× the fastest peer, %s, %s" % (OP_NAMES[op], size),
                    "%.1f× (vs %s on `%s`)" % best, best[0] >= 20.0)
    r = None
    for size in big[:1]:
        for op in ("bibtex", "csl-json"):
            w, n = ok(("citris wasm (Node)", op, size, "real")), ok(("citris", op, size, "real"))
            if w and n:
                t = w.inner_med or w.wall
                row("wasm within 2× native, %s, %s (Node, `convert` call)" % (OP_NAMES[op], size),
                    "%.1f× (%s vs %s)" % (t / n.wall, fmt_time(t), fmt_time(n.wall)),
                    t / n.wall <= 2.0)
    a = ok(("citris", "apa", "10k", "real"))
    if a:
        row("10,000 references in APA in < 2 s natively", fmt_time(a.wall), a.wall < 2.0)
    else:
        row("10,000 references in APA in < 2 s natively", "not measured (no `citris format`)", None)
    L.append("")
    L.append("Walls here include process start-up; on a loaded machine they are upper bounds.")
    L.append("")
    return L


def dump_json(path, args, sizes, jobs, results, corpora, notes, problems, versions, started,
              finished, load_start, load_end, loads_seen):
    """Everything the table is made of, so that `--render-from` can redo the Markdown."""
    rows = []
    for (tool, op, size, variant), r in sorted(results.items()):
        nbytes, nrec = corpora[(size, variant)]
        rows.append({"tool": tool, "op": op, "size": size, "variant": variant, "bytes": nbytes,
                     "records": nrec, "status": r.status, "note": r.note, "walls": r.walls,
                     "cpu": r.cpu, "inner": r.inner, "rss_kb": r.rss, "loads": r.loads,
                     "entries": r.entries})
    meta = {"command": args.command, "runs": args.runs, "runs_large": args.runs_large,
            "timeout": args.timeout, "max_load": args.max_load, "max_wait": args.max_wait,
            "sizes": sizes, "notes": notes, "problems": problems, "versions": versions,
            "started": started.isoformat(), "finished": finished.isoformat(),
            "load_start": list(load_start), "load_end": list(load_end), "loads_seen": loads_seen,
            "machine": machine_description(),
            "corpora": [[size, variant, nbytes, nrec]
                        for (size, variant), (nbytes, nrec) in corpora.items()]}
    jl = [{"tool": j["tool"], "op": j["op"], "variants": j["variants"], "vs": j.get("vs")}
          for j in jobs]
    with open(path, "w") as f:
        json.dump({"meta": meta, "jobs": jl, "rows": rows}, f, indent=1)


def render_from(path, out):
    """Re-render the Markdown of an earlier run from its JSON (benches/data/results.json)."""
    with open(path) as f:
        d = json.load(f)
    m = d["meta"]
    args = argparse.Namespace(command=m["command"], runs=m["runs"], runs_large=m["runs_large"],
                              timeout=m["timeout"], max_load=m["max_load"], max_wait=m["max_wait"])
    corpora = {(c[0], c[1]): (c[2], c[3]) for c in m["corpora"]}
    jobs = [{"tool": j["tool"], "op": j["op"], "variants": j["variants"],
             "vs": tuple(j["vs"]) if j["vs"] else None} for j in d["jobs"]]
    results = {}
    for row in d["rows"]:
        r = Result()
        r.walls, r.cpu, r.inner, r.rss, r.loads = (row["walls"], row["cpu"], row["inner"],
                                                   row["rss_kb"], row["loads"])
        r.status, r.note, r.entries = row["status"], row["note"], row["entries"]
        results[(row["tool"], row["op"], row["size"], row["variant"])] = r
    md = render(args, m["sizes"], jobs, results, corpora, m["notes"], m["problems"], m["versions"],
                datetime.fromisoformat(m["started"]), datetime.fromisoformat(m["finished"]),
                tuple(m["load_start"]), tuple(m["load_end"]), m["loads_seen"],
                machine=m.get("machine"))
    with open(out, "w") as f:
        f.write(md)
    print(md)


OP_NAMES = {"bibtex": "RIS → BibTeX", "csl-json": "RIS → CSL-JSON", "parse": "parse only",
            "apa": "APA bibliography", "cat": "read (`cat`)"}


def ratio(job, r, results, size, variant):
    vs = job.get("vs")
    if not vs or r.status != "ok":
        return None
    base = results.get((vs[0], vs[1], size, variant))
    if base is None or base.status != "ok" or not base.wall:
        return None
    return "%.1f×" % (r.wall / base.wall) if r.wall / base.wall < 100 else "%.0f×" % (r.wall / base.wall)


def summary_cell(r, corpus, rat):
    nbytes, _ = corpus
    if r.status == "timeout":
        return "did not finish in %s" % r.note.split(" in ", 1)[-1]
    if r.status != "ok":
        return r.note if len(r.note) < 90 else r.note[:87] + "…"
    w = r.wall
    s = "%s (%s MB/s; cpu %s; %s)" % (fmt_time(w), fmt_rate(nbytes / 1e6 / w, "").strip(),
                                       fmt_time(r.cpu_med), fmt_mb(r.peak_rss))
    if rat:
        s += ", %s citris" % rat
    return s


if __name__ == "__main__":
    main()
