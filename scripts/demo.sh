#!/usr/bin/env bash
# make sim: the whole TAME flow on this machine, through the RTL.
#   1. a demo manufacturer CA and trust anchor (tame manufacture),
#   2. a key service: its keys, a policy allowing that CA, CPU model and image, and the
#      server on a free loopback port,
#   3. a default image (a real file from this machine: a kernel image if readable)
#      sealed for that key service,
#   4. tame-sim boot: the RTL trust anchor obtains the image key through the key
#      service, and the image is booted page by page through the RTL into DRAM and read
#      back by the cores, every line checked against the model,
#   5. scripts/check_demo.py checks the results with openssl alone.
# Everything stays in BUILD/demo/ (or OUT). The server is stopped however the script ends.
#   scripts/demo.sh [BUILD [OUT]]    DEMO_BYTES=N sets the image size (default 3 MiB + 1000)
set -euo pipefail
build=${1:-build}
demo=${2:-$build/demo}
tame="$build/app/tame"
sim="$build/sim/tame-sim"
rm -rf "$demo"
mkdir -p "$demo"

src=""
for f in /boot/vmlinuz-*; do [ -r "$f" ] && { src=$f; break; }; done
[ -n "$src" ] || src=$(command -v verilator_bin || command -v bash)
head -c "${DEMO_BYTES:-$((3 * 1024 * 1024 + 1000))}" "$src" > "$demo/plain.img"

echo "make sim: manufacturing a demo CA and trust anchor"
"$tame" manufacture ca --dir "$demo/ca" --manufacturer "TAME Demo Silicon" > /dev/null
"$tame" manufacture ta --ca "$demo/ca" --dir "$demo/ta" --cpu-model tame-demo-1 > /dev/null
cp "$demo/ca/ca-cert.pem" "$demo/ca-cert.pem"
cp "$demo/ta/ta-cert.pem" "$demo/ta-cert.pem"

echo "make sim: setting up a key service and sealing $(stat -c %s "$demo/plain.img") bytes of $src"
"$tame" keyservice init --dir "$demo/ks" > /dev/null
"$tame" seal --in "$demo/plain.img" --out "$demo/vm.tame" --ks-pub "$demo/ks/ks-public.pem" > /dev/null
"$tame" keyservice policy --dir "$demo/ks" allow-ca "$demo/ca-cert.pem" > /dev/null
"$tame" keyservice policy --dir "$demo/ks" allow-cpu-model tame-demo-1 > /dev/null
"$tame" keyservice policy --dir "$demo/ks" allow-image --image "$demo/vm.tame" > /dev/null

"$tame" keyservice serve --dir "$demo/ks" --listen 127.0.0.1:0 --log "$demo/keyservice.log" \
  > "$demo/keyservice.out" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 100); do
  url=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' \
        "$demo/keyservice.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "make sim: the key service did not start"; cat "$demo/keyservice.out"; exit 1; }
echo "make sim: key service at $url"

"$sim" boot --image "$demo/vm.tame" --ta "$demo/ta" --keyservice "$url" \
  --report "$demo/report.json" --dump-dram "$demo/dram.bin" --dump-messages "$demo" \
  --export-test-secrets "$demo/secrets.json"

python3 scripts/check_demo.py "$demo"
echo "make sim: files in $demo/: plain.img vm.tame ca-cert.pem ta-cert.pem m1.bin m2.bin dram.bin secrets.json report.json"
