#!/usr/bin/env python3
"""Checks what `make sim` left in DEMO_DIR with openssl alone (issue 5's checks):
the sealed payload equals `openssl enc` of the plaintext under k_img; every DRAM record
decrypts under k_mem to the right plaintext, with no nonce used twice; M1's signature
verifies with `openssl pkeyutl` under the key in ta-cert.pem; ta-cert.pem verifies
against ca-cert.pem. Prints one line per check; exits non-zero if any fails.
Usage: check_demo.py DEMO_DIR"""
import json
import os
import subprocess
import sys
import tempfile

from tame_contract import DRAM_RECORD_BYTES, LINE_BYTES, LINE_SHIFT, PAGE_BYTES

demo = sys.argv[1]
failed = 0


def report(ok, what):
    global failed
    print(f"check: {'ok  ' if ok else 'FAIL'} {what}")
    failed += 0 if ok else 1


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True)


secrets = json.load(open(f"{demo}/secrets.json"))
k_img, k_mem = secrets["k_img"], secrets["k_mem"]
page0 = int(secrets["page0_addr"], 16)
plain = open(f"{demo}/plain.img", "rb").read()
sealed = open(f"{demo}/vm.tame", "rb").read()
header, payload = sealed[:PAGE_BYTES], sealed[PAGE_BYTES:]   # the header fills the first page
cipher = {1: "-aes-128-ctr", 2: "-aes-256-ctr"}[int.from_bytes(header[10:12], "big")]
nonce = header[24:32].hex()
padded = plain + bytes(-len(plain) % PAGE_BYTES)

r = openssl("enc", cipher, "-K", k_img, "-iv", nonce + "00" * 8, "-nopad", data=padded)
report(r.returncode == 0 and r.stdout == payload, f"sealed payload equals openssl enc {cipher} of plain.img under k_img")

dram = open(f"{demo}/dram.bin", "rb").read()
records = [dram[i:i + DRAM_RECORD_BYTES] for i in range(0, len(dram), DRAM_RECORD_BYTES)]
addrs = [int.from_bytes(r[:8], "big") for r in records]
nonces = [int.from_bytes(r[8:16], "big") for r in records]
report(len(dram) % DRAM_RECORD_BYTES == 0 and len(records) == len(padded) // LINE_BYTES,
       f"dram.bin holds {len(records)} {DRAM_RECORD_BYTES}-byte records, one per line")
report(addrs == sorted(addrs) and len(set(addrs)) == len(addrs), "records sorted by address, each address once")
report(len(set(nonces)) == len(nonces), "no nonce used twice")
# One openssl process per record is slow (about 5 ms each): openssl enc checks 256
# records spread over the image, and Python's AES-CTR (the cryptography package) all.
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

mem_cipher = "-aes-256-ctr" if len(k_mem) == 64 else "-aes-128-ctr"


def line_ok(rec, a, n, use_openssl):
    iv = f"{n:016x}{a >> LINE_SHIFT:014x}00"
    if use_openssl:
        out = openssl("enc", mem_cipher, "-K", k_mem, "-iv", iv, "-nopad", data=rec[16:]).stdout
    else:
        dec = Cipher(algorithms.AES(bytes.fromhex(k_mem)), modes.CTR(bytes.fromhex(iv))).decryptor()
        out = dec.update(rec[16:]) + dec.finalize()
    off = a - page0
    return off >= 0 and out == padded[off:off + LINE_BYTES]


step = max(1, len(records) // 256)
bad = sum(not line_ok(r, a, n, True) for r, a, n in list(zip(records, addrs, nonces))[::step])
report(bad == 0, f"{len(records[::step])} DRAM records spread over the image decrypt with openssl enc under k_mem ({bad} wrong)")
bad = sum(not line_ok(r, a, n, False) for r, a, n in zip(records, addrs, nonces))
report(bad == 0, f"all {len(records)} DRAM records decrypt under k_mem to the image's lines ({bad} wrong)")

with tempfile.TemporaryDirectory() as tmp:
    m1 = open(f"{demo}/m1.bin", "rb").read()
    pub = openssl("x509", "-in", f"{demo}/ta-cert.pem", "-pubkey", "-noout").stdout
    open(f"{tmp}/pub.pem", "wb").write(pub)
    open(f"{tmp}/msg", "wb").write(b"TAME-M1-v1" + m1[:216])
    open(f"{tmp}/sig", "wb").write(m1[216:280])
    r = openssl("pkeyutl", "-verify", "-pubin", "-inkey", f"{tmp}/pub.pem", "-rawin", "-in", f"{tmp}/msg",
                "-sigfile", f"{tmp}/sig")
    report(r.returncode == 0, "M1's signature verifies with openssl pkeyutl under the key in ta-cert.pem")
r = openssl("verify", "-CAfile", f"{demo}/ca-cert.pem", f"{demo}/ta-cert.pem")
report(r.returncode == 0, "ta-cert.pem verifies against ca-cert.pem with openssl verify")
rep = json.load(open(f"{demo}/report.json"))
report(rep["mismatches"] == 0, f"report.json: {rep['dram_writes']} DRAM writes, {rep['l2_reads']} L2 reads, 0 mismatches")
sys.exit(1 if failed else 0)
