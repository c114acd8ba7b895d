#!/usr/bin/env python3
"""make lint: the marks that declare key material in the RTL.

A signal that can hold key material carries /*verilator public_flat_rd*/ at its
declaration; the secret inspection (sim/harness/secrets.hpp) reads exactly those
signals, so the mark is what puts a register under the zeroize and reset tests.
This check enforces the rule that makes the marks hard to forget:
  - a marked declaration declares one signal, with logic, and nothing else is public;
  - every register (name ending _q) of 32 bits or more whose name has the
    word key or rk in it carries the mark (flags such as key_fresh_q are narrower).
Generated files (rtl/ta/gen/) and vendor builds (rtl/fpga/) hold no key register.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MARK = "/*verilator public_flat_rd*/"
DECL = re.compile(r"^\s*logic\s*(\[(?P<msb>[^:\]]+):(?P<lsb>[^\]]+)\])?\s*(?P<names>[^;]*);")
KEY_WORD = re.compile(r"(^|_)(key|rk)(_|\d|$)")


def width(msb, lsb):
    if msb is None:
        return 1
    try:
        return int(msb) - int(lsb) + 1
    except (TypeError, ValueError):
        return 32  # a parameterised width: treat as wide


def main():
    problems, marks = [], 0
    for path in sorted((ROOT / "rtl").rglob("*.sv")):
        rel = path.relative_to(ROOT)
        if rel.parts[1] in ("gen", "fpga") or "gen" in rel.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("//", 1)[0]
            if "verilator public" in code and MARK not in code:
                problems.append(f"{rel}:{n}: only {MARK} (key material) may make a signal public")
            m = DECL.match(code)
            if not m:
                continue
            names = m.group("names").replace(MARK, " ")
            names = [re.sub(r"\[.*?\]", "", x).strip() for x in names.split(",")]
            names = [x for x in names if x]
            if MARK in code:
                marks += 1
                if len(names) != 1:
                    problems.append(f"{rel}:{n}: a marked declaration declares one signal")
                continue
            for name in names:  # registers are named *_q, memories mem (docs/conventions.md)
                if (name.endswith("_q") or name == "mem") and KEY_WORD.search(name) \
                        and width(m.group("msb"), m.group("lsb")) >= 32:
                    problems.append(f"{rel}:{n}: '{name}' looks like a key register but has no {MARK}")
    for p in problems:
        print(f"lint: {p}")
    if marks == 0:
        print("lint: no key register is marked: the secret inspection would see nothing")
        return 1
    print(f"lint: key-material marks: {marks} declarations, {'clean' if not problems else 'FAILED'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
