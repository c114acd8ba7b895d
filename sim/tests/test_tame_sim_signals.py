#!/usr/bin/env python3
"""tame-sim leaves nothing behind (spec section 6.3): SIGINT and SIGTERM at chosen points
of `tame-sim ctr` (a large --in), `tame-sim line` and `tame-sim boot` leave no output and
no .partial-* file, or (a signal after the last rename) every output whole; a boot whose
output cannot be made is refused before a key is asked for; a boot that the key service
refuses leaves nothing, not even m1.bin. The key service is `tame keyservice serve` on a
free loopback port, set up as scripts/demo.sh does.
Usage: test_tame_sim_signals.py TAME_SIM TAME [SEED]"""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sim, tame = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else int.from_bytes(os.urandom(4), "big")
print(f"[   seed   ] {seed}")
rng = random.Random(seed)
passed = failed = 0
SIGS = (signal.SIGINT, signal.SIGTERM)


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAILED: {what}")


def ok(*args):
    r = subprocess.run([tame, *args], capture_output=True, text=True)
    check(r.returncode == 0, f"tame {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def no_leftovers(d, keep, what):
    """Nothing in folder d but the names in keep: no output, no .partial-* file."""
    left = sorted(set(os.listdir(d)) - set(keep))
    check(not left, f"{what}: left behind {left}")


def fresh(d):
    subprocess.run(["rm", "-rf", d], check=True)
    os.mkdir(d)


def interrupt(args, watch, sig, at_bytes=0, after_s=0.0, what=""):
    """Starts `tame-sim args`, waits until a file starting with `watch` (a temporary
    output) holds at least at_bytes, then after_s seconds more, and sends sig. True if
    the signal came while the command ran; it must then die of it."""
    proc = subprocess.Popen([sim, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    if after_s:
        try:
            proc.wait(timeout=after_s)
        except subprocess.TimeoutExpired:
            pass
    if proc.poll() is not None:
        err = proc.stderr.read().decode().strip()
        check(proc.returncode == 0, f"{what}: finished before the signal with exit {proc.returncode}: {err}")
        return False
    proc.send_signal(sig)
    proc.wait(timeout=30)
    check(proc.returncode in (-sig, 0), f"{what}: exit {proc.returncode}, want death by signal {sig}")
    return proc.returncode == -sig


def stream_signals(sub, args, out_bytes, work, tries):
    """SIGINT/SIGTERM into ctr or line while its output grows: once as soon as the
    temporary output exists, then at random points of it."""
    hits = 0
    for i in range(tries):
        fresh(work)
        sig = SIGS[i % 2]
        at = 0 if i == 0 else rng.randrange(out_bytes)
        what = f"{sub}, signal {sig} at {at / (1 << 20):.1f} MiB"
        if interrupt([sub, *args, "--out", f"{work}/out"], f"{work}/out.partial-", sig, at, what=what):
            hits += 1
            done = os.path.exists(f"{work}/out")  # a signal after the rename
            if done:
                check(os.path.getsize(f"{work}/out") == out_bytes, f"{what}: the output is whole")
            no_leftovers(work, ["out"] if done else [], what)
        else:
            no_leftovers(work, ["out"], f"{what} (finished first)")
    print(f"tame-sim {sub} of {out_bytes >> 20} MiB: {hits} of {tries} signals landed while it ran")
    check(hits >= tries // 2, f"signals landed inside tame-sim {sub} {hits} times of {tries}")


class Server:
    def __init__(self, ks_dir, log):
        self.log = log
        self.proc = subprocess.Popen([tame, "keyservice", "serve", "--dir", ks_dir, "--listen", "127.0.0.1:0",
                                      "--log", log], stdout=subprocess.PIPE, text=True)
        self.url = json.loads(self.proc.stdout.readline())["url"]

    def lines(self):
        return len(open(self.log).read().splitlines())

    def stop(self):
        self.proc.terminate()  # SIGTERM to this child only
        self.proc.communicate(timeout=20)


with tempfile.TemporaryDirectory() as tmp:
    work = f"{tmp}/work"

    # ---- tame-sim ctr: 64 MiB, mostly sparse (about 2 s at 30 MB/s)
    big = f"{tmp}/big.raw"
    with open(big, "wb") as f:
        f.write(rng.randbytes(1 << 20))
        f.truncate(64 << 20)
    stream_signals("ctr", ["--key-hex", rng.randbytes(32).hex(), "--iv-hex", rng.randbytes(16).hex(),
                           "--in", big], 64 << 20, work, 4)

    # ---- tame-sim line: 24 MiB of lines (about 1.5 s at 18 MB/s)
    lines = f"{tmp}/lines.raw"
    with open(lines, "wb") as f:
        f.write(rng.randbytes(1 << 20))
        f.truncate(24 << 20)
    stream_signals("line", ["--key-hex", rng.randbytes(32).hex(), "--nonce-hex", "0000000000000001",
                            "--addr-hex", "0000000000001000", "--in", lines], 24 << 20, work, 4)

    # ---- tame-sim boot against a running key service
    ok("manufacture", "ca", "--dir", f"{tmp}/ca", "--manufacturer", "Signal Test Silicon")
    ok("manufacture", "ta", "--ca", f"{tmp}/ca", "--dir", f"{tmp}/ta", "--cpu-model", "sig-1")
    ks = f"{tmp}/ks"
    ok("keyservice", "init", "--dir", ks)
    plain = f"{tmp}/plain"
    with open(plain, "wb") as f:
        f.write(rng.randbytes(768 << 10))  # about 1.5 s through the top
    ok("seal", "--in", plain, "--out", f"{tmp}/sealed", "--ks-pub", f"{ks}/ks-public.pem", "--quiet")
    ok("seal", "--in", plain, "--out", f"{tmp}/unlisted", "--ks-pub", f"{ks}/ks-public.pem", "--quiet")
    for args in (["allow-ca", f"{tmp}/ca/ca-cert.pem"], ["allow-cpu-model", "sig-1"],
                 ["allow-image", "--image", f"{tmp}/sealed"]):
        ok("keyservice", "policy", "--dir", ks, *args)
    server = Server(ks, f"{tmp}/decisions.log")
    try:
        outputs = ["report.json", "dram.bin", "msgs", "secrets.json"]

        def boot(image=f"{tmp}/sealed", **change):
            opts = {"--report": f"{work}/report.json", "--dump-dram": f"{work}/dram.bin",
                    "--dump-messages": f"{work}/msgs", "--export-test-secrets": f"{work}/secrets.json"}
            opts.update(change)
            args = ["boot", "--image", image, "--ta", f"{tmp}/ta", "--keyservice", server.url, "--quiet"]
            for k, v in opts.items():
                args += [k, v]
            return args

        # A whole run: every output, and how long it takes.
        fresh(work)
        t0 = time.monotonic()
        r = subprocess.run([sim, *boot()], capture_output=True, text=True)
        took = time.monotonic() - t0
        check(r.returncode == 0, f"boot: exit {r.returncode}: {r.stderr.strip()}")
        no_leftovers(work, outputs, "a whole boot")
        check(sorted(os.listdir(f"{work}/msgs")) == ["m1.bin", "m2.bin"], "a whole boot: m1.bin and m2.bin")
        check(oct(os.stat(f"{work}/secrets.json").st_mode & 0o777) == "0o600", "secrets.json is 0600")
        print(f"tame-sim boot of {os.path.getsize(plain) >> 10} KiB: {took:.1f} s")

        # Outputs that cannot be made: refused before the key service hears of it.
        os.mkdir(f"{tmp}/adir")
        bad = {"--report": f"{tmp}/adir", "--dump-dram": "/proc/x", "--export-test-secrets": f"{tmp}/no/x",
               "--trace": f"{tmp}/adir", "--dump-messages": big}
        for opt, path in bad.items():
            fresh(work)
            before = server.lines()
            r = subprocess.run([sim, *boot(**{opt: path})], capture_output=True, text=True)
            err = r.stderr.strip().splitlines()
            check(r.returncode == 1 and len(err) == 1 and opt in err[0], f"boot {opt} {path}: exit {r.returncode}, {err}")
            check(server.lines() == before, f"boot {opt} {path}: refused before the key request")
            no_leftovers(work, [], f"boot {opt} {path}")
        check(not os.path.exists(f"{tmp}/no"), "no folder made for a refused output")

        # Refused by the key service (image not allowed): nothing, not even m1.bin.
        fresh(work)
        r = subprocess.run([sim, *boot(image=f"{tmp}/unlisted")], capture_output=True, text=True)
        check(r.returncode == 1 and "image-not-allowed" in r.stderr, f"unlisted image: {r.returncode} {r.stderr.strip()}")
        no_leftovers(work, [], "a boot the key service refused")

        # Signals: as soon as the first temporary output exists (before the key request),
        # then at random points of the run.
        hits, tries = 0, 6
        for i in range(tries):
            fresh(work)
            sig = SIGS[i % 2]
            after = 0.0 if i == 0 else rng.uniform(0, took)
            what = f"boot, signal {sig} after {after:.2f} s"
            if interrupt(boot(), f"{work}/report.json.partial-", sig, 0, after, what):
                hits += 1
                done = os.path.exists(f"{work}/report.json")
                keep = outputs if done else ["msgs"]  # a signal leaves the folder it made, empty
                if os.path.isdir(f"{work}/msgs") and not done:
                    no_leftovers(f"{work}/msgs", [], f"{what}: messages")
                no_leftovers(work, keep, what)
            else:
                no_leftovers(work, outputs, f"{what} (finished first)")
        print(f"tame-sim boot: {hits} of {tries} signals landed while it ran")
        check(hits >= tries // 2, f"signals landed inside tame-sim boot {hits} times of {tries}")

        # --trace: one page, a signal while the waveform is being written.
        one = f"{tmp}/one"
        with open(one, "wb") as f:
            f.write(rng.randbytes(4096))
        ok("seal", "--in", one, "--out", f"{tmp}/one.tame", "--ks-pub", f"{ks}/ks-public.pem", "--quiet")
        ok("keyservice", "policy", "--dir", ks, "allow-image", "--image", f"{tmp}/one.tame")
        for sig in SIGS:
            fresh(work)
            what = f"boot --trace, signal {sig}"
            if interrupt(boot(image=f"{tmp}/one.tame", **{"--trace": f"{work}/wave.fst"}),
                         f"{work}/wave.fst.partial-", sig, 0, 0.3, what):
                done = os.path.exists(f"{work}/report.json")
                if os.path.isdir(f"{work}/msgs") and not done:
                    no_leftovers(f"{work}/msgs", [], f"{what}: messages")
                no_leftovers(work, outputs + ["wave.fst"] if done else ["msgs"], what)
            else:
                no_leftovers(work, outputs + ["wave.fst"], f"{what} (finished first)")
    finally:
        server.stop()

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
