#!/bin/sh
# Checks the public test vectors against vectors/SHA256SUMS.
# Usage: scripts/check_vectors.sh [DIR]   (DIR defaults to the repository's vectors/)
set -eu
sums=$(cd "$(dirname "$0")/../vectors" && pwd)/SHA256SUMS
cd "${1:-$(dirname "$sums")}"
sha256sum --quiet --strict -c "$sums"
echo "vectors: every file matches SHA256SUMS"
