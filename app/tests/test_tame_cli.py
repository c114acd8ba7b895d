#!/usr/bin/env python3
"""The `tame` command line from outside (spec sections 2, 4 and 6), checked with tools
that share no code with it: `openssl verify`, `openssl x509 -text`, `openssl pkeyutl`,
`openssl enc`, and an independent HPKE implementation (pyhpke) that opens C1 under
ks-private.pem and C2 under the TA's key. Every bad input gives one line on stderr, a
non-zero exit and no output file.
Usage: test_tame_cli.py TAME GROUP [SEED]
  GROUP: manufacture, seal, boot, signals, umask, hex or crash"""
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pyhpke import AEADId, CipherSuite, KDFId, KEMId, KEMKey

tame, group = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else int.from_bytes(os.urandom(4), "big")
print(f"[   seed   ] {seed}")
rng = random.Random(seed)
suite = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES128_GCM)
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAILED: {what}")


def run(*args, **kw):
    return subprocess.run([tame, *args], capture_output=True, text=True, **kw)


def ok(*args):
    r = run(*args)
    check(r.returncode == 0, f"tame {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def refused(name, args, want=None, out=None):
    """One line on stderr naming `want`, a non-zero exit, no file at `out`."""
    r = run(*args)
    lines = r.stderr.strip().splitlines()
    left = []
    if out:
        d, base = os.path.split(out)
        left = [f for f in os.listdir(d or ".") if f.startswith(base)]
    good = r.returncode != 0 and len(lines) == 1 and not left and (want is None or want in lines[0])
    check(good, f"{name}: exit {r.returncode}, stderr {lines}, want {want!r}, left {left}")


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def hkdf(ikm, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(ikm)


def ta_kem_pem(uds):
    key = x25519.X25519PrivateKey.from_private_bytes(hkdf(uds, b"TAME-TA-kem-v1"))
    return key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())


def open_c1(sealed, ks_private_pem):
    """K_img from C1 with pyhpke, base mode, info and aad of spec section 2."""
    h = sealed[:4096]
    klen = 16 if int.from_bytes(h[10:12], "big") == 1 else 32
    ctx = suite.create_recipient_context(h[96:128], KEMKey.from_pem(ks_private_pem),
                                         info=b"TAME-C1-v1" + h[32:64])
    return ctx.open(h[128:128 + klen + 16], aad=h[:96])


def openssl_payload(plain, key, nonce_hex):
    cipher = "-aes-128-ctr" if len(key) == 16 else "-aes-256-ctr"
    padded = plain + b"\0" * (-len(plain) % 4096)
    return openssl("enc", cipher, "-K", key.hex(), "-iv", nonce_hex + "0" * 16, "-nopad", data=padded)


def mode(path):
    return os.stat(path).st_mode & 0o777


def setup_world(tmp, cpu_model="acme-x1", uds=None):
    ok("manufacture", "ca", "--dir", f"{tmp}/ca", "--manufacturer", "Acme Silicon")
    extra = ["--uds-hex", uds.hex()] if uds else []
    ok("manufacture", "ta", "--ca", f"{tmp}/ca", "--dir", f"{tmp}/ta", "--cpu-model", cpu_model, *extra)
    ok("keyservice", "init", "--dir", f"{tmp}/ks")


def group_manufacture(tmp):
    uds = bytes(rng.randrange(256) for _ in range(32))
    setup_world(tmp, uds=uds)
    check(mode(f"{tmp}/ca/ca-key.pem") == 0o600, "ca-key.pem is 0600")
    check(mode(f"{tmp}/ta/uds.bin") == 0o600, "uds.bin is 0600")
    check(open(f"{tmp}/ta/uds.bin", "rb").read() == uds, "uds.bin holds the UDS")
    info = json.load(open(f"{tmp}/ta/ta.json"))
    v = subprocess.run(["openssl", "verify", "-CAfile", f"{tmp}/ta/ca-cert.pem", f"{tmp}/ta/ta-cert.pem"],
                       capture_output=True, text=True)
    check(v.returncode == 0 and v.stdout.strip().endswith(": OK"), f"openssl verify: {v.stdout} {v.stderr}")
    v = subprocess.run(["openssl", "verify", "-CAfile", f"{tmp}/ca/ca-cert.pem", f"{tmp}/ca/ca-cert.pem"],
                       capture_output=True, text=True)
    check(v.returncode == 0, "the CA certificate verifies as a root")
    text = openssl("x509", "-in", f"{tmp}/ta/ta-cert.pem", "-noout", "-text").decode()
    check("Subject: O = Acme Silicon" in text, "x509 -text shows the manufacturer")
    check("1.3.6.1.4.1.32473.1.1" in text and "acme-x1" in text, "x509 -text shows the CPU model")
    check("CA:FALSE" in text and "Signature Algorithm: ED25519" in text, "TA certificate profile")
    parsed = openssl("x509", "-in", f"{tmp}/ta/ta-cert.pem", "-noout", "-text", "-certopt", "ext_parse").decode()
    after = parsed.split("1.3.6.1.4.1.32473.1.2:")[1]
    dump = "".join(re.findall(r"^\s+00[0-9a-f]0 - ((?:[0-9a-f]{2}[ -]){15}[0-9a-f]{2})", after, re.M))
    shown = bytes.fromhex(dump.replace("-", " ").replace(" ", ""))
    pk_kem = x25519.X25519PrivateKey.from_private_bytes(hkdf(uds, b"TAME-TA-kem-v1")).public_key()
    check(shown.hex() == info["pk_kem"] ==
          pk_kem.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex(),
          f"ext_parse shows the X25519 key ({shown.hex()}) derived from the UDS")
    ca_text = openssl("x509", "-in", f"{tmp}/ca/ca-cert.pem", "-noout", "-text").decode()
    check("CA:TRUE" in ca_text and "Certificate Sign" in ca_text, "CA certificate profile")
    der = openssl("x509", "-in", f"{tmp}/ta/ta-cert.pem", "-outform", "DER")
    check(hashlib.sha256(der).hexdigest() == info["ta_cert_id"], "ta_cert_id = SHA-256(DER)")
    pub = openssl("x509", "-in", f"{tmp}/ta/ta-cert.pem", "-noout", "-pubkey")
    raw = serialization.load_pem_public_key(pub).public_bytes(serialization.Encoding.Raw,
                                                              serialization.PublicFormat.Raw)
    from cryptography.hazmat.primitives.asymmetric import ed25519
    sk_sig = ed25519.Ed25519PrivateKey.from_private_bytes(hkdf(uds, b"TAME-TA-sig-v1"))
    check(raw == sk_sig.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
          and raw.hex() == info["pk_sig"], "the subject key is the Ed25519 key derived from the UDS")
    refused("ta over an existing one", ["manufacture", "ta", "--ca", f"{tmp}/ca", "--dir", f"{tmp}/ta",
                                        "--cpu-model", "m"], "already exists")
    refused("ca over an existing one", ["manufacture", "ca", "--dir", f"{tmp}/ca", "--manufacturer", "X"],
            "already exists")
    refused("missing CA", ["manufacture", "ta", "--ca", f"{tmp}/none", "--dir", f"{tmp}/t2",
                           "--cpu-model", "m"], "does not exist")
    refused("bad CPU model", ["manufacture", "ta", "--ca", f"{tmp}/ca", "--dir", f"{tmp}/t3",
                              "--cpu-model", "two words"], "--cpu-model")
    refused("short UDS", ["manufacture", "ta", "--ca", f"{tmp}/ca", "--dir", f"{tmp}/t4",
                          "--cpu-model", "m", "--uds-hex", "00ff"], "--uds-hex")
    check(not os.path.exists(f"{tmp}/t4/uds.bin"), "no uds.bin after a refusal")


def group_seal(tmp):
    setup_world(tmp)
    ks = f"{tmp}/ks"
    check(mode(f"{ks}/ks-private.pem") == 0o600, "ks-private.pem is 0600")
    pub = openssl("pkey", "-in", f"{ks}/ks-private.pem", "-pubout").decode()
    check(pub == open(f"{ks}/ks-public.pem").read(), "ks-public.pem is the public half of ks-private.pem")
    check("X25519" in openssl("pkey", "-in", f"{ks}/ks-private.pem", "-noout", "-text").decode(),
          "ks-private.pem is an X25519 PKCS#8 key")
    refused("init over an existing one", ["keyservice", "init", "--dir", ks], "already exists")
    ks_priv = open(f"{ks}/ks-private.pem").read()
    ks_pub_raw = serialization.load_pem_public_key(pub.encode()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    for cipher in ("aes-128-ctr", "aes-256-ctr"):
        for n in (0, 1, 4095, 4096, 4097, rng.randrange(10000, 300000)):
            plain = os.urandom(n)
            open(f"{tmp}/plain", "wb").write(plain)
            ok("seal", "--in", f"{tmp}/plain", "--out", f"{tmp}/sealed", "--ks-pub", f"{ks}/ks-public.pem",
               "--cipher", cipher, "--quiet")
            sealed = open(f"{tmp}/sealed", "rb").read()
            j = json.loads(ok("inspect", f"{tmp}/sealed", "--json"))
            pages = -(-n // 4096)
            check(j["cipher_name"] == cipher and j["payload_length"] == n and j["pages"] == pages and
                  j["file_size"] == 4096 * (pages + 1) and j["ks_pub"] == ks_pub_raw.hex() and
                  j["ks_key_id"] == hashlib.sha256(ks_pub_raw).hexdigest() and
                  j["image_id"] == sealed[32:64].hex() and j["ctr_nonce"] == sealed[24:32].hex(),
                  f"inspect --json {cipher} {n}: {j}")
            k_img = open_c1(sealed, ks_priv)
            check(len(k_img) == (16 if cipher == "aes-128-ctr" else 32), "K_img length")
            check(openssl_payload(plain, k_img, sealed[24:32].hex()) == sealed[4096:],
                  f"{cipher} {n}: the payload is openssl enc of the plaintext under the K_img C1 holds")
    text = ok("inspect", f"{tmp}/sealed")
    check(sealed[32:64].hex() in text and "payload length" in text, "inspect as text")

    good = bytearray(sealed)
    def bad_image(name, mutate, want):
        b = bytearray(good)
        b = mutate(b) or b
        open(f"{tmp}/bad", "wb").write(bytes(b))
        refused(f"inspect {name}", ["inspect", f"{tmp}/bad"], want)
    bad_image("truncated header", lambda b: b[:4000], "image header: is 4000 bytes")
    bad_image("bad magic", lambda b: b.__setitem__(0, ord("X")), "image header magic")
    bad_image("bad version", lambda b: b.__setitem__(9, 2), "image header version")
    bad_image("bad cipher", lambda b: b.__setitem__(11, 3), "image header cipher")
    bad_image("bad page size", lambda b: b.__setitem__(13, 0x20), "image header page size")
    bad_image("reserved byte", lambda b: b.__setitem__(2000, 1), "image header reserved")
    bad_image("short payload", lambda b: b[:-1], "payload")
    bad_image("long payload", lambda b: b + b"\0" * 4096, "payload")
    b128 = bytearray(good)
    b128[11] = 1
    b128[170] = 1
    open(f"{tmp}/bad", "wb").write(bytes(b128))
    refused("inspect ct1 padding", ["inspect", f"{tmp}/bad"], "image header ct1")
    refused("inspect a missing file", ["inspect", f"{tmp}/nothing"])

    out = f"{tmp}/out.sealed"
    refused("seal a missing input", ["seal", "--in", f"{tmp}/nothing", "--out", out, "--ks-pub",
                                     f"{ks}/ks-public.pem"], "nothing", out)
    refused("seal a directory", ["seal", "--in", tmp, "--out", out, "--ks-pub", f"{ks}/ks-public.pem"],
            "--in: '" + tmp + "' is a directory", out)
    refused("seal into a directory", ["seal", "--in", f"{tmp}/plain", "--out", tmp, "--ks-pub",
                                      f"{ks}/ks-public.pem"], "--out: '" + tmp + "' is a directory")
    refused("seal from a device", ["seal", "--in", "/dev/zero", "--out", out, "--ks-pub",
                                   f"{ks}/ks-public.pem"], "--in: '/dev/zero' is not a regular file", out)
    refused("seal for an Ed25519 key", ["seal", "--in", f"{tmp}/plain", "--out", out, "--ks-pub",
                                        f"{tmp}/ca/ca-cert.pem"], "ca-cert.pem", out)
    openssl("x509", "-in", f"{tmp}/ca/ca-cert.pem", "-pubkey", "-noout", "-out", f"{tmp}/ed.pem")
    refused("seal for an Ed25519 public key", ["seal", "--in", f"{tmp}/plain", "--out", out, "--ks-pub",
                                               f"{tmp}/ed.pem"], "expected X25519", out)
    refused("seal with AES-192", ["seal", "--in", f"{tmp}/plain", "--out", out, "--ks-pub",
                                  f"{ks}/ks-public.pem", "--cipher", "aes-192-ctr"], "--cipher", out)

    refused("allow a TA certificate as a CA", ["keyservice", "policy", "--dir", ks, "allow-ca",
                                               f"{tmp}/ta/ta-cert.pem"], "not a CA")
    refused("revoke what is not there", ["keyservice", "policy", "--dir", ks, "revoke-cpu-model", "nope"],
            "not in the policy")
    refused("allow a short image id", ["keyservice", "policy", "--dir", ks, "allow-image", "abcd"], "image id")
    refused("policy without a store", ["keyservice", "policy", "--dir", f"{tmp}/none", "list"], "policy")
    ok("keyservice", "policy", "--dir", ks, "allow-ca", f"{tmp}/ca/ca-cert.pem")
    ok("keyservice", "policy", "--dir", ks, "allow-cpu-model", "acme-x1")
    ok("keyservice", "policy", "--dir", ks, "allow-image", "--image", f"{tmp}/sealed", "--note", "last")
    listing = json.loads(ok("keyservice", "policy", "--dir", ks, "list", "--json"))
    check(len(listing["cas"]) == 1 and listing["cpu_models"][0]["model"] == "acme-x1" and
          listing["images"][0] == {**listing["images"][0], "image_id": sealed[32:64].hex(), "note": "last"},
          f"policy list --json: {listing}")
    ok("keyservice", "policy", "--dir", ks, "revoke-image", sealed[32:64].hex())
    check(json.loads(ok("keyservice", "policy", "--dir", ks, "list", "--json"))["images"] == [],
          "revoke-image removes it")


class Server:
    def __init__(self, ks_dir, log):
        self.proc = subprocess.Popen([tame, "keyservice", "serve", "--dir", ks_dir, "--listen", "127.0.0.1:0",
                                      "--log", log], stdout=subprocess.PIPE, text=True)
        self.url = json.loads(self.proc.stdout.readline())["url"]

    def stop(self):
        self.proc.terminate()  # SIGTERM to this child only
        out, _ = self.proc.communicate(timeout=20)
        return self.proc.returncode, out


def group_boot(tmp):
    setup_world(tmp)
    ks = f"{tmp}/ks"
    ok("manufacture", "ta", "--ca", f"{tmp}/ca", "--dir", f"{tmp}/ta2", "--cpu-model", "acme-x2")
    plain = os.urandom(rng.randrange(100000, 400000))
    open(f"{tmp}/plain", "wb").write(plain)
    ok("seal", "--in", f"{tmp}/plain", "--out", f"{tmp}/sealed", "--ks-pub", f"{ks}/ks-public.pem")
    sealed = open(f"{tmp}/sealed", "rb").read()
    for args in (["allow-ca", f"{tmp}/ca/ca-cert.pem"], ["allow-cpu-model", "acme-x1"]):
        ok("keyservice", "policy", "--dir", ks, *args)
    refused("serve on a non-loopback address", ["keyservice", "serve", "--dir", ks, "--listen", "0.0.0.0:0"],
            "loopback")
    server = Server(ks, f"{tmp}/decisions.log")
    try:
        out = f"{tmp}/booted"
        # Not allowed yet: refused by name, no output.
        refused("boot an image not allowed", ["boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta",
                                              "--keyservice", server.url, "--out", out], "image-not-allowed", out)
        ok("keyservice", "policy", "--dir", ks, "allow-image", "--image", f"{tmp}/sealed")
        # Outputs that cannot be made fail before the key is asked for (the decision log
        # below has no line for them), and leave nothing.
        boot = ["boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta", "--keyservice", server.url]
        refused("boot with a DRAM dump that cannot be made", boot + ["--out", out, "--dram-dump", "/proc/x"],
                "--dram-dump: '/proc/x' cannot be created", out)
        refused("boot into a directory", boot + ["--out", tmp], f"--out: '{tmp}' is a directory")
        refused("boot into a missing folder", boot + ["--out", f"{tmp}/no/such"], "--out: ", f"{tmp}/no")
        refused("boot onto a device", boot + ["--out", "/dev/null"], "--out: '/dev/null' exists and is not")
        refused("boot with messages into a file", boot + ["--out", out, "--dump-messages", f"{tmp}/plain"],
                "--dump-messages", out)
        refused("boot on a CPU model not allowed", ["boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta2",
                                                    "--keyservice", server.url, "--out", out],
                "cpu-model-not-allowed", out)
        ok("boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta", "--keyservice", server.url, "--out", out,
           "--dump-messages", f"{tmp}/msgs", "--dram-dump", f"{tmp}/dram.bin", "--quiet")
        check(open(out, "rb").read() == plain, "tame boot returns the original image")
        check(os.stat(out).st_mode & 0o777 == 0o600, "the booted plaintext is 0600")
        pages = -(-len(plain) // 4096)
        check(os.path.getsize(f"{tmp}/dram.bin") == pages * 64 * 80, "the DRAM dump holds every line")
        dram = open(f"{tmp}/dram.bin", "rb").read()
        check(plain[:64] not in dram, "DRAM holds no plaintext line")
        m1 = open(f"{tmp}/msgs/m1.bin", "rb").read()
        m2 = open(f"{tmp}/msgs/m2.bin", "rb").read()
        check(len(m1) == 280 and len(m2) == 120 and m1[:8] == b"TAKR\x01\x01\x00\x01" and
              m2[:8] == b"TAKR\x01\x02\x00\x01", "m1.bin and m2.bin have the spec's sizes and prefixes")
        info = json.load(open(f"{tmp}/ta/ta.json"))
        check(m1[8:40].hex() == info["ta_cert_id"] and m1[72:104] == sealed[32:64] and
              m1[136:216] == sealed[96:176], "M1 names the TA and copies the header's C1")
        # The M1 signature under the key in the TA certificate, checked by openssl.
        openssl("x509", "-in", f"{tmp}/ta/ta-cert.pem", "-noout", "-pubkey", "-out", f"{tmp}/ta-pub.pem")
        open(f"{tmp}/m1.msg", "wb").write(b"TAME-M1-v1" + m1[:216])
        open(f"{tmp}/m1.sig", "wb").write(m1[216:])
        v = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", f"{tmp}/ta-pub.pem", "-rawin",
                            "-in", f"{tmp}/m1.msg", "-sigfile", f"{tmp}/m1.sig"], capture_output=True, text=True)
        check(v.returncode == 0 and "Signature Verified Successfully" in v.stdout, f"openssl pkeyutl: {v.stdout}")
        open(f"{tmp}/m1.msg", "wb").write(b"TAME-M1-v1" + m1[:40] + bytes([m1[40] ^ 1]) + m1[41:216])
        v = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", f"{tmp}/ta-pub.pem", "-rawin",
                            "-in", f"{tmp}/m1.msg", "-sigfile", f"{tmp}/m1.sig"], capture_output=True, text=True)
        check(v.returncode != 0, "a changed M1 does not verify")
        # C2 with pyhpke in auth mode, under the TA's key derived from uds.bin.
        check(m2[8:40] == hashlib.sha256(m1).digest(), "m1_digest = SHA-256(M1)")
        _, ta_pem = ta_kem_pem(open(f"{tmp}/ta/uds.bin", "rb").read())
        ctx = suite.create_recipient_context(m2[40:72], KEMKey.from_pem(ta_pem), info=b"TAME-C2-v1" + m2[8:40],
                                             pks=KEMKey.from_pem(open(f"{ks}/ks-public.pem").read()))
        k2 = ctx.open(m2[72:72 + 48], aad=m2[:8] + m2[8:40])
        check(k2 == open_c1(sealed, open(f"{ks}/ks-private.pem").read()), "C2 holds the K_img of C1")
        # Still serving after refusals; a second boot works.
        ok("boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta", "--keyservice", server.url, "--out",
           f"{tmp}/booted2", "--quiet")
        check(open(f"{tmp}/booted2", "rb").read() == plain, "a second boot")
    finally:
        rc, log = server.stop()
    check(rc == 0, f"serve stops cleanly on SIGTERM (exit {rc})")
    decisions = [json.loads(l) for l in log.splitlines() if '"decision"' in l]
    check([d["decision"] for d in decisions] == ["refused", "refused", "granted", "granted"] and
          decisions[0]["reason"] == "image-not-allowed" and decisions[1]["reason"] == "cpu-model-not-allowed",
          f"the decision log: {decisions}")
    check(open(f"{tmp}/decisions.log").read().count('"decision"') == 4, "--log gets the same lines")
    refused("boot with no key service", ["boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta",
                                         "--keyservice", server.url, "--out", f"{tmp}/b3"],
            "cannot reach " + server.url + ": no connection (nothing listens there", f"{tmp}/b3")
    refused("boot with a bad URL", ["boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta",
                                    "--keyservice", "ftp://x", "--out", f"{tmp}/b4"], "--keyservice", f"{tmp}/b4")


def no_leftovers(d, keep, what):
    """Nothing in folder d but the names in keep: no output, no .partial-* file."""
    left = sorted(set(os.listdir(d)) - set(keep))
    check(not left, f"{what}: left behind {left}")


def interrupt(args, watch, sig, at_bytes, what):
    """Starts `tame args`, waits until a file starting with `watch` (its temporary output)
    holds at least at_bytes, and sends sig: a chosen point of the work. True if the signal
    came while the command ran; the command must then die of it."""
    proc = subprocess.Popen([tame, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    d, base = os.path.split(watch)
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 60:
        sizes = []
        for f in os.listdir(d):
            if f.startswith(base):
                try:
                    sizes.append(os.path.getsize(os.path.join(d, f)))
                except OSError:
                    pass
        if sizes and max(sizes) >= at_bytes:
            break
        time.sleep(0.001)
    if proc.poll() is not None:
        proc.wait()
        return False
    proc.send_signal(sig)
    proc.wait(timeout=30)
    check(proc.returncode in (-sig, 0), f"{what}: exit {proc.returncode}, want death by signal {sig}")
    return proc.returncode == -sig


def group_signals(tmp):
    """SIGINT and SIGTERM at random points of tame seal and tame boot leave no file."""
    setup_world(tmp)
    ks = f"{tmp}/ks"
    work = f"{tmp}/work"
    os.mkdir(work)
    big = f"{tmp}/big.raw"
    with open(big, "wb") as f:  # 256 MiB, mostly sparse: sealing it takes about 2 s
        f.write(os.urandom(1 << 20))
        f.truncate(256 << 20)
    seal = ["seal", "--in", big, "--out", f"{work}/sealed", "--ks-pub", f"{ks}/ks-public.pem", "--quiet"]
    hits = 0
    for i in range(6):
        sig = (signal.SIGINT, signal.SIGTERM)[i % 2]
        at = 0 if i == 0 else rng.randrange(256 << 20)
        delay = at / (1 << 20)  # MiB written when the signal is sent
        if interrupt(seal, f"{work}/sealed.partial-", sig, at, f"seal, signal {sig} at {delay:.0f} MiB"):
            hits += 1
            done = os.path.exists(f"{work}/sealed")  # a signal after the rename
            no_leftovers(work, ["sealed"] if done else [], f"seal interrupted by signal {sig} at {delay:.0f} MiB")
        else:  # it finished first: its output, and nothing else
            no_leftovers(work, ["sealed"], f"seal finished before signal {sig} at {delay:.0f} MiB")
        for f in os.listdir(work):
            os.remove(os.path.join(work, f))
    print(f"seal of 256 MiB: {hits} of 6 signals landed while it ran")
    check(hits >= 3, f"signals landed inside seal {hits} times of 6")

    # A 24 MiB image to boot, allowed by a running key service.
    plain = f"{tmp}/plain"
    with open(plain, "wb") as f:
        f.write(os.urandom(24 << 20))
    ok("seal", "--in", plain, "--out", f"{tmp}/sealed", "--ks-pub", f"{ks}/ks-public.pem", "--quiet")
    for args in (["allow-ca", f"{tmp}/ca/ca-cert.pem"], ["allow-cpu-model", "acme-x1"],
                 ["allow-image", "--image", f"{tmp}/sealed"]):
        ok("keyservice", "policy", "--dir", ks, *args)
    server = Server(ks, f"{tmp}/decisions.log")
    hits = 0
    try:
        boot = ["boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta", "--keyservice", server.url,
                "--out", f"{work}/booted", "--dram-dump", f"{work}/dram.bin", "--dump-messages",
                f"{work}/msgs", "--quiet"]
        for i in range(6):
            subprocess.run(["rm", "-rf", work])
            os.mkdir(work)
            sig = (signal.SIGINT, signal.SIGTERM)[i % 2]
            # The first signal comes as soon as the output exists: before the key request.
            at = 0 if i == 0 else rng.randrange(24 << 20)
            delay = at / (1 << 20)
            if interrupt(boot, f"{work}/booted.partial-", sig, at, f"boot, signal {sig} at {delay:.1f} MiB"):
                hits += 1
                # The messages folder is made at the start; a signal leaves it, empty.
                if os.path.isdir(f"{work}/msgs") and not os.path.exists(f"{work}/booted"):
                    no_leftovers(f"{work}/msgs", [], f"boot messages after signal {sig} at {delay:.1f} MiB")
                # Either nothing, or (a signal after the last rename) every output, whole.
                done = os.path.exists(f"{work}/booted")
                if done:
                    check(open(f"{work}/booted", "rb").read() == open(plain, "rb").read(),
                          f"boot signalled after it finished: the output is whole")
                no_leftovers(work, ["msgs"] + (["booted", "dram.bin"] if done else []),
                             f"boot interrupted by signal {sig} at {delay:.1f} MiB")
            else:
                no_leftovers(work, ["msgs", "booted", "dram.bin"], f"boot finished before signal {sig}")
                check(open(f"{work}/booted", "rb").read() == open(plain, "rb").read(), "boot output whole")
        print(f"boot of 24 MiB: {hits} of 6 signals landed while it ran")
        check(hits >= 3, f"signals landed inside boot {hits} times of 6")
    finally:
        server.stop()


def group_umask(tmp):
    """Under umask 000 every file and folder still gets its explicit mode, and the key
    service starts on what init made."""
    os.umask(0)
    setup_world(tmp)
    ks = f"{tmp}/ks"
    open(f"{tmp}/plain", "wb").write(os.urandom(10000))
    ok("seal", "--in", f"{tmp}/plain", "--out", f"{tmp}/sealed", "--ks-pub", f"{ks}/ks-public.pem", "--quiet")
    for args in (["allow-ca", f"{tmp}/ca/ca-cert.pem"], ["allow-cpu-model", "acme-x1"],
                 ["allow-image", "--image", f"{tmp}/sealed"]):
        ok("keyservice", "policy", "--dir", ks, *args)
    want = {"ca": 0o700, "ta": 0o700, "ks": 0o700,
            "ca/ca-key.pem": 0o600, "ca/ca-cert.pem": 0o644,
            "ta/uds.bin": 0o600, "ta/ta-cert.pem": 0o644, "ta/ca-cert.pem": 0o644, "ta/ta.json": 0o644,
            "ks/ks-private.pem": 0o600, "ks/ks-public.pem": 0o644, "ks/policy.db": 0o600,
            "sealed": 0o644}
    server = Server(ks, f"{tmp}/ks/decisions.log")
    try:
        ok("boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta", "--keyservice", server.url,
           "--out", f"{tmp}/booted", "--dump-messages", f"{tmp}/msgs", "--quiet")
        want.update({"booted": 0o600, "msgs/m1.bin": 0o644, "msgs/m2.bin": 0o644})
    finally:
        server.stop()
    for name, m in want.items():
        check(mode(f"{tmp}/{name}") == m, f"umask 000: {name} is {oct(mode(f'{tmp}/{name}'))}, want {oct(m)}")
    for name in os.listdir(ks):  # SQLite's -wal and -shm, the log
        check(mode(f"{ks}/{name}") & 0o022 == 0, f"umask 000: ks/{name} is {oct(mode(f'{ks}/{name}'))}")
    os.chmod(f"{ks}/policy.db", 0o666)
    refused("serve on a store others can write", ["keyservice", "serve", "--dir", ks, "--listen", "127.0.0.1:0"],
            f"{ks}/policy.db: is writable by group or others")


def group_hex(tmp):
    """One hex parser: odd lengths, stray characters and wrong sizes are refused with the
    option's name."""
    ok("manufacture", "ca", "--dir", f"{tmp}/ca", "--manufacturer", "Acme Silicon")
    ta = ["manufacture", "ta", "--ca", f"{tmp}/ca", "--dir", f"{tmp}/ta", "--cpu-model", "x"]
    refused("odd --uds-hex", ta + ["--uds-hex", "abc"], "--uds-hex: odd number of hex digits (3)", f"{tmp}/ta")
    refused("--uds-hex with a space", ta + ["--uds-hex", "ab cd"], "--uds-hex: not a hex digit ' ' at position 2",
            f"{tmp}/ta")
    refused("short --uds-hex", ta + ["--uds-hex", "abcd"], "--uds-hex: ", f"{tmp}/ta")
    ok("keyservice", "init", "--dir", f"{tmp}/ks")
    refused("odd image id", ["keyservice", "policy", "--dir", f"{tmp}/ks", "allow-image", "a" * 63],
            "image id: odd number of hex digits (63)")
    refused("image id with a g", ["keyservice", "policy", "--dir", f"{tmp}/ks", "allow-image", "g" * 64],
            "image id: not a hex digit 'g' at position 0")


def group_crash(tmp):
    """kill -9 of the service in the middle of boots, and of policy commands in the middle
    of their writes, then a restart: the store passes SQLite's integrity check, keeps what
    was committed, and boots work."""
    import sqlite3
    setup_world(tmp)
    ks = f"{tmp}/ks"
    plain = os.urandom(200000)
    open(f"{tmp}/plain", "wb").write(plain)
    ok("seal", "--in", f"{tmp}/plain", "--out", f"{tmp}/sealed", "--ks-pub", f"{ks}/ks-public.pem", "--quiet")
    for args in (["allow-ca", f"{tmp}/ca/ca-cert.pem"], ["allow-cpu-model", "acme-x1"],
                 ["allow-image", "--image", f"{tmp}/sealed"]):
        ok("keyservice", "policy", "--dir", ks, *args)
    boot = ["boot", "--image", f"{tmp}/sealed", "--ta", f"{tmp}/ta", "--out", f"{tmp}/booted", "--quiet"]
    for round in range(3):
        server = Server(ks, f"{tmp}/decisions.log")
        boots = [subprocess.Popen([tame, *boot[:-3], "--out", f"{tmp}/b{round}-{i}", "--quiet",
                                   "--keyservice", server.url], stderr=subprocess.DEVNULL) for i in range(4)]
        writers = [subprocess.Popen([tame, "keyservice", "policy", "--dir", ks, "allow-image",
                                     os.urandom(32).hex(), "--note", f"crash {round} {i}"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(8)]
        time.sleep(rng.uniform(0.0, 0.05))
        server.proc.kill()  # SIGKILL, this child only
        server.proc.wait()
        for w in writers[::2]:
            w.kill()
        for p in boots + writers:
            p.wait()
        for i in range(4):  # a boot that lost its key service left no output
            out = f"{tmp}/b{round}-{i}"
            check(not os.path.exists(out) or open(out, "rb").read() == plain, f"crash round {round}: boot {i}")
            check(not [f for f in os.listdir(tmp) if f.startswith(f"b{round}-{i}.partial")],
                  f"crash round {round}: boot {i} left a temporary file")
        db = sqlite3.connect(f"{ks}/policy.db")
        check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"crash round {round}: integrity")
        db.close()
        server = Server(ks, f"{tmp}/decisions.log")
        try:
            ok(*boot[:-3], "--out", f"{tmp}/after{round}", "--keyservice", server.url, "--quiet")
            check(open(f"{tmp}/after{round}", "rb").read() == plain, f"crash round {round}: boot after restart")
        finally:
            server.stop()
    listing = json.loads(ok("keyservice", "policy", "--dir", ks, "list", "--json"))
    check(listing["cas"] and listing["cpu_models"] and
          any(i["image_id"] == open(f"{tmp}/sealed", "rb").read()[32:64].hex() for i in listing["images"]),
          "the policy committed before the crashes is all there")


with tempfile.TemporaryDirectory() as tmp:
    {"manufacture": group_manufacture, "seal": group_seal, "boot": group_boot, "signals": group_signals,
     "umask": group_umask, "hex": group_hex, "crash": group_crash}[group](tmp)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
