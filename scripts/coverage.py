#!/usr/bin/env python3
"""make coverage: Verilator line and toggle coverage of the RTL over the whole test suite.

make coverage builds a tree of its own (build/coverage, CMake option TAME_COVERAGE=ON:
every model built with --coverage-line --coverage-toggle), runs ctest in it, and each
simulation writes its counts to build/coverage/coverage/raw/<pid>-<n>.dat when it ends
(sim/harness/coverage.cpp). This script merges those files and reports, per RTL file:

  - line coverage: Verilator's line points (every block of statements, and each side of
    every if and case branch), covered when some test reached it at least once;
  - toggle coverage: one point per bit of every signal up to 256 bits wide, covered when
    the bit changed at least once.

A point counts once however many instances, configurations and tests share it: it is
covered when any of them hit it. Left out, and said so in the report:
  - the generated register block (rtl/ta/gen/), which scripts/gen_regs.sh writes;
  - simulation-only code, the lines inside `ifndef SYNTHESIS (assertions and checks).

Writes <out>/report.json, <out>/report.md, <out>/merged.dat and an annotated copy of
each source (<out>/annotated, lines never reached marked by Verilator with %000000),
and with --docs the tables into docs/verification.md between its coverage markers.
Python 3 standard library, and verilator_coverage for the merged file and annotation.
"""

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from doc_section import replace_section

REPO = Path(__file__).resolve().parent.parent
GENERATED = "rtl/ta/gen/"
TARGET = 90.0   # a block under this much line coverage is listed with its misses


def parse_dat(path):
    """Yields (fields, count) for every point of a Verilator coverage file."""
    for line in path.read_text(errors="replace").splitlines():
        m = re.match(r"^C '(.*)' (\d+)$", line)
        if not m:
            continue
        fields = {}
        for item in m.group(1).split("\x01"):
            if "\x02" in item:
                k, v = item.split("\x02", 1)
                fields[k] = v
        yield fields, int(m.group(2))


def sim_only_lines(path):
    """Lines of a source inside `ifndef SYNTHESIS ... `endif (nesting counted)."""
    lines, depth, inside = set(), 0, 0
    for n, text in enumerate(path.read_text().splitlines(), 1):
        t = text.strip()
        if t.startswith("`ifdef") or t.startswith("`ifndef"):
            depth += 1
            if t.startswith("`ifndef SYNTHESIS") and not inside:
                inside = depth
        if inside:
            lines.add(n)
        if t.startswith("`endif"):
            if inside == depth:
                inside = 0
            depth -= 1
    return lines


def relative(f):
    p = Path(f)
    try:
        return str(p.resolve().relative_to(REPO))
    except ValueError:
        return f


def collect(raw_files):
    """Points keyed by kind, file, line, column and comment, with their summed counts."""
    points = defaultdict(int)
    for path in raw_files:
        for fields, count in parse_dat(path):
            page = fields.get("page", "")
            kind = page.split("/", 1)[0]
            kind = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle"}.get(kind)
            if kind is None:
                continue
            key = (kind, relative(fields.get("f", "?")), int(fields.get("l", "0") or 0),
                   fields.get("n", ""), fields.get("o", ""), fields.get("S", ""))
            points[key] += count
    return points


def summarise(points):
    sim_only = {}
    files = defaultdict(lambda: {"line": [0, 0], "toggle": [0, 0], "missed": []})
    excluded = defaultdict(int)
    for (kind, f, line, _col, comment, _lines), count in sorted(points.items()):
        if f.startswith(GENERATED):
            excluded["generated"] += 1
            continue
        if f not in sim_only:
            src = REPO / f
            sim_only[f] = sim_only_lines(src) if src.exists() else set()
        if line in sim_only[f]:
            excluded["simulation-only"] += 1
            continue
        entry = files[f]
        entry[kind][1] += 1
        if count > 0:
            entry[kind][0] += 1
        elif kind == "line":
            entry["missed"].append(f"{line} {comment}")
    return files, dict(excluded)


def pct(covered, total):
    return 100.0 * covered / total if total else 100.0


def markdown(report):
    out = ["| RTL file | line points | line % | toggle points | toggle % |",
           "|---|---:|---:|---:|---:|"]
    for f, e in sorted(report["files"].items()):
        lc, lt = e["line"]
        tc, tt = e["toggle"]
        flag = " (under 90)" if lt and pct(lc, lt) < TARGET else ""
        out.append(f"| `{f}` | {lc}/{lt} | {pct(lc, lt):.1f}{flag} | {tc}/{tt} | {pct(tc, tt):.1f} |")
    s = report["summary"]
    out.append(f"| **all** | {s['line'][0]}/{s['line'][1]} | **{pct(*s['line']):.1f}** | "
               f"{s['toggle'][0]}/{s['toggle'][1]} | **{pct(*s['toggle']):.1f}** |")
    return out


def misses(report):
    out = []
    for f, e in sorted(report["files"].items()):
        lc, lt = e["line"]
        if lt and pct(lc, lt) < TARGET:
            out.append(f"- `{f}`, lines never reached: " + ", ".join(e["missed"]))
    return out


def header(report):
    ex = report["excluded"]
    return [f"From `make coverage` on {report['date']} (commit {report['commit']}): "
            f"{report['raw_files']} simulations "
            f"of the `make test` suite (ctest {report['ctest']}), merged.",
            "",
            f"Left out: the generated register block `{GENERATED}` "
            f"({ex.get('generated', 0)} points) and simulation-only code inside "
            f"`` `ifndef SYNTHESIS `` ({ex.get('simulation-only', 0)} points)."]


BEGIN, END = "<!-- coverage-results begin -->", "<!-- coverage-results end -->"


def update_docs(path, report):
    body = header(report) + [""] + markdown(report)
    missed = misses(report)
    if missed:
        body += ["", f"Files under {TARGET:.0f} % line coverage, and what they miss:", ""] + missed
    replace_section(path, BEGIN, END, body, "coverage")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw", default="build/coverage/coverage/raw",
                    help="folder of the simulations' .dat files")
    ap.add_argument("--out", default="build/coverage/coverage", help="where the report goes")
    ap.add_argument("--ctest", default="", help="ctest's summary line, for the report")
    ap.add_argument("--docs", help="write the tables into this markdown file")
    args = ap.parse_args()

    raw = sorted(Path(args.raw).glob("*.dat"))
    if not raw:
        print(f"coverage: no .dat files in {args.raw}: was the suite run in a coverage build?",
              file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    files, excluded = summarise(collect(raw))
    summary = {k: [sum(e[k][0] for e in files.values()), sum(e[k][1] for e in files.values())]
               for k in ("line", "toggle")}
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                            text=True, cwd=REPO).stdout.strip() or "unknown"
    report = {"date": datetime.date.today().isoformat(), "commit": commit, "raw_files": len(raw),
              "ctest": args.ctest or "not given", "excluded": excluded,
              "summary": summary, "files": files}
    (out / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    text = ["# RTL coverage", ""] + header(report) + [""] + markdown(report)
    missed = misses(report)
    if missed:
        text += ["", f"Under {TARGET:.0f} % line coverage:", ""] + missed
    (out / "report.md").write_text("\n".join(text) + "\n")

    # The merged counts and the annotated sources, for reading a block line by line.
    tool = shutil.which("verilator_coverage")
    if tool:
        merged = out / "merged.dat"
        subprocess.run([tool, "--write", str(merged)] + [str(p) for p in raw], check=True,
                       capture_output=True)
        annotated = out / "annotated"
        shutil.rmtree(annotated, ignore_errors=True)
        subprocess.run([tool, "--annotate", str(annotated), "--annotate-min", "1", str(merged)],
                       check=True, capture_output=True, cwd=REPO)

    print("\n".join(markdown(report)))
    print(f"coverage: line {pct(*summary['line']):.1f} %, toggle {pct(*summary['toggle']):.1f} % "
          f"over {len(raw)} simulations; report in {out / 'report.md'}")
    if args.docs:
        update_docs(Path(args.docs), report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
