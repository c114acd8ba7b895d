#!/usr/bin/env python3
"""The command-line contract of `tame-sim ctr` and `tame-sim line` (spec section 6),
checked from outside: output equal to `openssl enc -aes-{128,256}-ctr` for random keys,
IVs, nonces, addresses and lengths (a counter that carries past its low 64 bits
included), and for bad input one line on stderr, a non-zero exit and no output file.
Usage: test_tame_sim_cli.py TAME_SIM [SEED]"""
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from tame_contract import LINE_BYTES, LINE_NONCE_BITS, LINE_SHIFT  # noqa: E402 (generated)

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


def run(args, sub="ctr"):
    return subprocess.run([sim, sub, *args], capture_output=True, text=True)


def openssl_ctr(cipher, key, iv, data):
    return subprocess.run(["openssl", "enc", cipher, "-K", key, "-iv", iv], input=data,
                          capture_output=True, check=True).stdout


def expect_refusal(name, args, sub, tmp):
    out = os.path.join(tmp, "should-not-exist")
    r = run(args + ["--out", out], sub)
    lines = r.stderr.strip().splitlines()
    leftovers = [f for f in os.listdir(tmp) if f.startswith("should-not-exist")]
    check(r.returncode != 0 and len(lines) == 1 and not leftovers,
          f"{sub} {name}: exit {r.returncode}, stderr {lines}, left {leftovers}")


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
        expect_refusal(name, args, "ctr", tmp)
    r = run(["--key-hex", good_key, "--iv-hex", good_iv, "--in", plain, "--out", os.path.join(tmp, "no-dir", "x")])
    check(r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1, "output in a missing directory")

    # tame-sim line: line i at address A + LINE_BYTES*i with nonce N + i, one openssl enc per line.
    for key_len in (16, 32):
        cipher = f"-aes-{key_len * 8}-ctr"
        for n_lines in (1, 2, 37):
            key = rng.randbytes(key_len).hex()
            nonce = rng.choice([rng.getrandbits(LINE_NONCE_BITS) - n_lines, 0, 1]) % (1 << LINE_NONCE_BITS)
            nonce = min(nonce, (1 << LINE_NONCE_BITS) - n_lines)
            addr = rng.randrange(0, (1 << 48) - LINE_BYTES * n_lines) & ~(LINE_BYTES - 1)
            data = rng.randbytes(LINE_BYTES * n_lines)
            with open(plain, "wb") as f:
                f.write(data)
            args = ["--key-hex", key, "--nonce-hex", f"{nonce:016x}", "--addr-hex", f"{addr:016x}", "--in", plain]
            r = run(args + ["--out", rtl], "line")
            want = b"".join(
                openssl_ctr(cipher, key, f"{nonce + i:016x}{(addr >> LINE_SHIFT) + i:014x}00",
                            data[LINE_BYTES * i:LINE_BYTES * (i + 1)])
                for i in range(n_lines))
            got = open(rtl, "rb").read() if r.returncode == 0 else b""
            check(got == want, f"line {cipher} {n_lines} lines nonce {nonce:x} addr {addr:x}: {r.stderr.strip()}")
            r = run(["--key-hex", key, "--nonce-hex", f"{nonce:016x}", "--addr-hex", f"{addr:016x}", "--in", rtl,
                     "--out", ref, "--decrypt"], "line")
            check(r.returncode == 0 and open(ref, "rb").read() == data, f"line --decrypt round trip {cipher}")

    with open(plain, "wb") as f:
        f.write(rng.randbytes(100))   # not a whole number of lines
    good = ["--key-hex", "00" * 32, "--nonce-hex", "01", "--addr-hex", "40"]
    lines_ok = os.path.join(tmp, "lines")
    with open(lines_ok, "wb") as f:
        f.write(rng.randbytes(128))
    line_bad = {
        "partial line": good + ["--in", plain],
        "unaligned address": ["--key-hex", "00" * 32, "--nonce-hex", "01", "--addr-hex", "41", "--in", lines_ok],
        "key of 20 bytes": ["--key-hex", "00" * 20, "--nonce-hex", "01", "--addr-hex", "40", "--in", lines_ok],
        "nonce of 9 bytes": ["--key-hex", "00" * 32, "--nonce-hex", "01" * 9, "--addr-hex", "40", "--in", lines_ok],
        "nonce not hex": ["--key-hex", "00" * 32, "--nonce-hex", "xyz", "--addr-hex", "40", "--in", lines_ok],
        "nonce wraps": ["--key-hex", "00" * 32, "--nonce-hex", "ff" * 8, "--addr-hex", "40", "--in", lines_ok],
        "missing input": good + ["--in", os.path.join(tmp, "nope")],
        "odd nonce": ["--key-hex", "00" * 32, "--nonce-hex", "abc", "--addr-hex", "40", "--in", lines_ok],
        "a device as input": good + ["--in", "/dev/zero"],
    }
    for name, args in line_bad.items():
        expect_refusal(name, args, "line", tmp)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
