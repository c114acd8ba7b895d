#!/usr/bin/env python3
"""The RTL configurations of rtl/configs.json, for the shell and Python tools.

    scripts/configs.py lint     one line per configuration: TOP [NAME=VALUE ...]
    scripts/configs.py models   one line per Verilated model: MODEL TOP TRACE [NAME=VALUE ...]
    scripts/configs.py files FAMILY   rtl/files.f with FAMILY's vendor builds swapped in
Python tools import load() instead.
"""
import json
import pathlib
import sys

PATH = pathlib.Path(__file__).resolve().parent.parent / "rtl" / "configs.json"


def load():
    """Every configuration, as dicts with top, params, and model/trace/synth if set."""
    with open(PATH, encoding="utf-8") as f:
        return json.load(f)["configs"]


def vendor_builds(family):
    """{portable file: vendor file} for a family such as ecp5."""
    with open(PATH, encoding="utf-8") as f:
        return json.load(f)["vendor_builds"][family]


def rtl_files(family=None, root=PATH.parent.parent):
    """rtl/files.f in order, with a family's vendor builds in place when one is named."""
    lines = (root / "rtl" / "files.f").read_text(encoding="utf-8").splitlines()
    files = [l.strip() for l in lines if l.strip() and not l.strip().startswith("#")]
    swap = vendor_builds(family) if family else {}
    return [swap.get(f, f) for f in files]


def params_text(params):
    return " ".join(f"{k}={v}" for k, v in params.items())


def main(argv):
    if len(argv) == 3 and argv[1] == "files":
        print("\n".join(rtl_files(argv[2])))
        return 0
    if len(argv) != 2 or argv[1] not in ("lint", "models"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for c in load():
        if argv[1] == "lint":
            print(f"{c['top']} {params_text(c['params'])}".strip())
        elif "model" in c:
            trace = "trace" if c.get("trace") else "notrace"
            print(f"{c['model']} {c['top']} {trace} {params_text(c['params'])}".strip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
