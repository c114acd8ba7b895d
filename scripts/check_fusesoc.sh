#!/usr/bin/env bash
# Checks tame.core the way a user of the IP would meet it: it must still be what
# scripts/gen_core.py makes of rtl/files.f and rtl/configs.json, and FuseSoC (pinned,
# from PyPI, installed by scripts/setup.sh fusesoc when missing) runs the core's three
# targets on tame_ctr_crypt: lint (Verilator --lint-only -Wall), sim (the Verilator
# model library) and synth (Yosys synth_ecp5).
# Passes only when FuseSoC accepts the core file and every target succeeds (FuseSoC
# exits non-zero when its tool does). make test runs it (ctest fusesoc.core).
#   scripts/check_fusesoc.sh [BUILD_ROOT]     (default build/fusesoc)
set -euo pipefail
cd "$(dirname "$0")/.."
build_root=$(realpath -m "${1:-build/fusesoc}")

# tame.core is generated (make core); a stale one is not what the rest of the project builds.
python3 scripts/gen_core.py --check

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
