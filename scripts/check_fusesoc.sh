#!/usr/bin/env bash
# Checks tame.core the way a user of the IP would meet it: its file list must still be
# rtl/files.f, and FuseSoC (pinned, from PyPI, installed by scripts/setup.sh fusesoc
# when missing) runs the core's three targets on tame_ctr_crypt: lint (Verilator
# --lint-only -Wall), sim (the Verilator model library) and synth (Yosys synth_ecp5).
# Passes only when FuseSoC accepts the core file and every target succeeds (FuseSoC
# exits non-zero when its tool does). make test runs it (ctest fusesoc.core).
#   scripts/check_fusesoc.sh [BUILD_ROOT]     (default build/fusesoc)
set -euo pipefail
cd "$(dirname "$0")/.."
build_root=$(realpath -m "${1:-build/fusesoc}")

# tame.core lists the RTL by hand; it must be rtl/files.f, in that order (its filesets
# rtl and sbox_rom_portable; the vendor builds under rtl/fpga/ are swapped in).
core_files=$(sed -n 's/^ *- \(rtl\/[^:[:space:]]*\.sv\)$/\1/p' tame.core | grep -v '^rtl/fpga/')
list_files=$(grep -v '^\s*#' rtl/files.f | grep -v '^\s*$')
if [ "$core_files" != "$list_files" ]; then
  echo "check_fusesoc: tame.core's rtl fileset is not rtl/files.f (in order):" >&2
  diff <(echo "$list_files") <(echo "$core_files") >&2 || true
  exit 1
fi

scripts/setup.sh fusesoc >&2
command -v fusesoc >/dev/null || { echo "check_fusesoc: fusesoc not on PATH after setup" >&2; exit 1; }

rm -rf "$build_root/tame_ip_tame_0.1.0"   # this core's previous build only
# --cores-root .: the only library is this repository; nothing is fetched. Each target
# as a user of the IP would run it: lint; the Verilator model library (sim, --build:
# the core has no testbench to run); and synthesis to an ECP5 netlist, which reads the
# block-RAM S-box build. MaxKeyBits=128 keeps the last two quick.
status=0
run_target() {  # $1 = label; the rest: fusesoc run arguments
  local label=$1; shift
  if fusesoc --cores-root . run --build-root "$build_root" "$@" tame:ip:tame "${params[@]}" \
       > "$build_root/$label.log" 2>&1; then
    echo "check_fusesoc: tame:ip:tame $label: ok"
  else
    tail -n 30 "$build_root/$label.log" >&2
    echo "check_fusesoc: tame:ip:tame $label: FAILED (log: $build_root/$label.log)" >&2
    status=1
  fi
}
mkdir -p "$build_root"
params=()
run_target lint --target lint
params=(--MaxKeyBits=128)
run_target sim --build --target sim
run_target synth --target synth
if [ $status -eq 0 ]; then
  # The netlist must hold the S-boxes as block RAM with the output register on.
  netlist=$(find "$build_root" -path '*synth*' -name 'tame_ip_tame_0.1.0.json' | head -n 1)
  if [ -z "$netlist" ] || ! grep -q '"OUTREG"' "$netlist"; then
    echo "check_fusesoc: the synth target's netlist has no DP16KD with REGMODE OUTREG" >&2
    status=1
  else
    echo "check_fusesoc: synth netlist has DP16KD S-boxes with the output register"
  fi
fi
exit $status
