#!/usr/bin/env bash
# make sim: runs the RTL disk crypt block over a default image and checks it three ways:
# against the golden model as it streams (tame-sim --check), against `openssl enc`
# byte for byte, and by decrypting it back through the RTL. Leaves everything in
# BUILD/demo/. (When the whole boot flow exists, this becomes the boot demo.)
set -euo pipefail
build=${1:-build}
demo="$build/demo"
sim="$build/sim/tame-sim"
mkdir -p "$demo"

# The default image: 4 MiB and an odd tail of a real file from this machine (a kernel
# image when there is one), so the data is not a pattern and the length is not a
# multiple of 16.
src=$(ls /boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
[ -n "$src" ] || src=$(command -v verilator_bin || command -v bash)
head -c $((4 * 1024 * 1024 + 1000)) "$src" > "$demo/plain.img"
size=$(stat -c %s "$demo/plain.img")

key=$(openssl rand -hex 32)
iv="$(openssl rand -hex 8)0000000000000000"   # spec section 2: ctr_nonce || block index 0
echo "make sim: $size bytes from $src, AES-256-CTR, key $key (a demo key), iv $iv"

"$sim" ctr --key-hex "$key" --iv-hex "$iv" --in "$demo/plain.img" --out "$demo/image.ctr" --check --stats
openssl enc -aes-256-ctr -K "$key" -iv "$iv" -in "$demo/plain.img" -out "$demo/image.openssl"
cmp -s "$demo/image.ctr" "$demo/image.openssl" || { echo "make sim: RTL output differs from openssl enc"; exit 1; }
"$sim" ctr --key-hex "$key" --iv-hex "$iv" --in "$demo/image.ctr" --out "$demo/image.back"
cmp -s "$demo/image.back" "$demo/plain.img" || { echo "make sim: decrypting through the RTL did not give the image back"; exit 1; }
echo "make sim: the RTL's ciphertext equals openssl enc -aes-256-ctr and the model; it decrypts back to the image"
echo "make sim: files in $demo/: plain.img, image.ctr (RTL), image.openssl, image.back"
