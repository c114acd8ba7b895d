#!/usr/bin/env python3
"""The fault campaign's report (make faults): reads the JSON that tame-faults wrote and
writes the table per target class as Markdown, next to the JSON (report.md) and, with
--docs, into docs/verification.md between the fault-results markers.

    scripts/faults.py build/faults/report.json [--docs docs/verification.md]
"""
import argparse
import datetime
import json
import platform
import re
import subprocess
import sys
from pathlib import Path

from doc_section import replace_section

REPO = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- fault-results begin -->", "<!-- fault-results end -->"


def field(report, name):
    if name not in report:
        sys.exit(f"faults.py: the report has no field '{name}'")
    return report[name]


def markdown(report, commit):
    outcomes = field(report, "outcomes")
    lines = [
        f"From `make faults` on {datetime.date.today().isoformat()} (commit {commit}, "
        f"{platform.machine()}): {field(report, 'runs')} runs of a {field(report, 'pages')}-page boot "
        f"({field(report, 'flow_cycles')} cycles without a fault), seed {field(report, 'seed')}, "
        f"in {field(report, 'seconds'):.0f} s.",
        "",
        "| target class | registers | bits | runs | " + " | ".join(outcomes) + " |",
        "|---|---:|---:|---:|" + "---:|" * len(outcomes),
    ]
    for row in field(report, "classes"):
        counts = [str(row["outcomes"].get(k, 0)) for k in outcomes]
        lines.append(f"| {row['class']} | {row['registers']} | {row['bits']} | {row['runs']} | " + " | ".join(counts) + " |")
    totals = field(report, "totals")
    lines.append(f"| **all** | | | {field(report, 'runs')} | " +
                 " | ".join(f"**{totals.get(k, 0)}**" for k in outcomes) + " |")
    # The registers behind the silent and the worse outcomes, most frequent first.
    worst = {}
    for run in field(report, "not_masked"):
        if run["outcome"] in ("leak", "nonce reused", "wrong data", "other key", "error, keys kept"):
            # g_rk_round[4], g_lane[1], g_core[0]: one name per kind of register
            target = re.sub(r"\[\d+\]", "[*]", run["target"].removeprefix("dut.tame_top."))
            key = (run["outcome"], target)
            worst[key] = worst.get(key, 0) + 1
    if worst:
        lines += ["", "Where the silent and worse outcomes came from (`[*]`: any instance):", "",
                  "| outcome | register | runs |", "|---|---|---:|"]
        for (outcome, target), n in sorted(worst.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| {outcome} | `{target}` | {n} |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--docs", type=Path, help="the page whose fault-results section to rewrite")
    args = ap.parse_args()
    report = json.loads(args.report.read_text())
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                            text=True, cwd=REPO).stdout.strip() or "unknown"
    lines = markdown(report, commit)
    (args.report.parent / "report.md").write_text("\n".join(["# Fault campaign", ""] + lines) + "\n")
    print("\n".join(lines))
    if args.docs:
        replace_section(args.docs, BEGIN, END, lines, "faults.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
