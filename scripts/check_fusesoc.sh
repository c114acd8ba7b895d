#!/usr/bin/env bash
# Checks tame.core the way a user of the IP would meet it: its file list must still be
# rtl/files.f, and FuseSoC (pinned, from PyPI, installed by scripts/setup.sh fusesoc
# when missing) runs the core's lint target, Verilator --lint-only -Wall on
# tame_ctr_crypt. Passes only when FuseSoC accepts the core file and the lint is clean
# (FuseSoC exits non-zero when Verilator does).
#   scripts/check_fusesoc.sh [BUILD_ROOT]     (default build/fusesoc)
set -euo pipefail
cd "$(dirname "$0")/.."
build_root=$(realpath -m "${1:-build/fusesoc}")

# tame.core lists the RTL by hand; it must be rtl/files.f, in that order.
core_files=$(sed -n 's/^ *- \(rtl\/[^:[:space:]]*\.sv\)$/\1/p' tame.core)
list_files=$(grep -v '^\s*#' rtl/files.f | grep -v '^\s*$')
if [ "$core_files" != "$list_files" ]; then
  echo "check_fusesoc: tame.core's rtl fileset is not rtl/files.f (in order):" >&2
  diff <(echo "$list_files") <(echo "$core_files") >&2 || true
  exit 1
fi

scripts/setup.sh fusesoc >&2
command -v fusesoc >/dev/null || { echo "check_fusesoc: fusesoc not on PATH after setup" >&2; exit 1; }

rm -rf "$build_root/tame_ip_tame_0.1.0"   # this core's previous build only
# --cores-root .: the only library is this repository; nothing is fetched.
if fusesoc --cores-root . run --build-root "$build_root" --target lint tame:ip:tame; then
  echo "check_fusesoc: tame:ip:tame lint target: clean"
else
  echo "check_fusesoc: tame:ip:tame lint target: FAILED" >&2
  exit 1
fi
