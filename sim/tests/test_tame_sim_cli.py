#!/usr/bin/env python3
"""The command-line contract of `tame-sim ctr` (spec section 6), checked from outside:
output equal to `openssl enc -aes-{128,256}-ctr` for random keys, IVs and lengths (a
counter that carries past its low 64 bits included), and for bad input one line on
stderr, a non-zero exit and no output file. Usage: test_tame_sim_cli.py TAME_SIM [SEED]"""
import os
import random
import subprocess
import sys
import tempfile

sim = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else int.from_bytes(os.urandom(4), "big")
print(f"[   seed   ] {seed}")
rng = random.Random(seed)
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAILED: {what}")


def run(args):
    return subprocess.run([sim, "ctr", *args], capture_output=True, text=True)


with tempfile.TemporaryDirectory() as tmp:
    plain, rtl, ref = (os.path.join(tmp, n) for n in ("plain", "rtl", "ref"))
    lengths = [0, 1, 15, 16, 17, 4095, 4096, 4097, 65537, rng.randrange(1, 300000)]
    for key_len in (16, 32):
        cipher = f"-aes-{key_len * 8}-ctr"
        for n in lengths:
            key = rng.randbytes(key_len).hex()
            iv = rng.randbytes(16)
            if n == 65537:  # the low 64 bits wrap inside the file: OpenSSL carries
                iv = iv[:8] + bytes.fromhex("ffffffffffffffe0")
            iv = iv.hex()
            with open(plain, "wb") as f:
                f.write(rng.randbytes(n))
            r = run(["--key-hex", key, "--iv-hex", iv, "--in", plain, "--out", rtl])
            subprocess.run(["openssl", "enc", cipher, "-K", key, "-iv", iv, "-in", plain, "-out", ref], check=True)
            same = r.returncode == 0 and open(rtl, "rb").read() == open(ref, "rb").read()
            check(same, f"{cipher} length {n} key {key} iv {iv}: {r.stderr.strip()}")

    with open(plain, "wb") as f:
        f.write(rng.randbytes(100))
    good_key, good_iv = "00" * 16, "00" * 16
    bad_cases = {
        "key of 15 bytes": ["--key-hex", "00" * 15, "--iv-hex", good_iv, "--in", plain],
        "key of 24 bytes": ["--key-hex", "00" * 24, "--iv-hex", good_iv, "--in", plain],
        "key not hex": ["--key-hex", "zz" + "00" * 15, "--iv-hex", good_iv, "--in", plain],
        "key odd digits": ["--key-hex", "0" * 31, "--iv-hex", good_iv, "--in", plain],
        "iv of 8 bytes": ["--key-hex", good_key, "--iv-hex", "00" * 8, "--in", plain],
        "iv not hex": ["--key-hex", good_key, "--iv-hex", "g" * 32, "--in", plain],
        "missing input": ["--key-hex", good_key, "--iv-hex", good_iv, "--in", os.path.join(tmp, "nope")],
        "input is a directory": ["--key-hex", good_key, "--iv-hex", good_iv, "--in", tmp],
        "missing option": ["--key-hex", good_key, "--in", plain],
    }
    for name, args in bad_cases.items():
        out = os.path.join(tmp, "should-not-exist")
        r = run(args + ["--out", out])
        lines = r.stderr.strip().splitlines()
        leftovers = [f for f in os.listdir(tmp) if f.startswith("should-not-exist")]
        check(r.returncode != 0 and len(lines) == 1 and not leftovers,
              f"{name}: exit {r.returncode}, stderr {lines}, left {leftovers}")
    r = run(["--key-hex", good_key, "--iv-hex", good_iv, "--in", plain, "--out", os.path.join(tmp, "no-dir", "x")])
    check(r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1, "output in a missing directory")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
