#!/usr/bin/env bash
# Generates the trust anchor's register block, C header and HTML reference from the one
# SystemRDL description (rtl/ta/rdl/tame_ta_regs.rdl) with PeakRDL, and the rest of the
# hardware/software contract it declares (command and error codes, interface constants)
# with scripts/gen_contract.py:
#   rtl/ta/gen/tame_ta_regs_pkg.sv, rtl/ta/gen/tame_ta_regs.sv   (peakrdl regblock)
#   rtl/ta/gen/tame_ta_regs.h                                    (peakrdl c-header)
#   rtl/ta/gen/tame_contract_pkg.sv                              (gen_contract.py)
#   model/include/tame/contract.hpp                              (gen_contract.py)
#   scripts/tame_contract.py, docs/ta-registers.md               (gen_contract.py)
#   build/regs-html/                                             (peakrdl html)
# Everything but the HTML is committed; `make lint` regenerates them into a
# scratch folder and fails if they differ. The HTML (8 MB with its scripts and fonts)
# is built, not committed: `make regs` writes it. Two edits follow generation, both for
# Yosys 0.23 (what make synth runs), and neither changes a bit of the logic:
#  - PeakRDL declares its structs unpacked, which Yosys's front end rejects; with no
#    register arrays in the map every member is a packed vector, so the structs are
#    marked packed;
#  - it declares the temporaries of each always_comb "automatic", which Yosys 0.23
#    rejects; every one is assigned before it is read, so a plain variable is the same.
#   scripts/gen_regs.sh [--no-html] [OUT_ROOT]   (default: the repository)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
html=1
if [ "${1:-}" = "--no-html" ]; then html=0; shift; fi
out=${1:-$root}
rdl="$root/rtl/ta/rdl/tame_ta_regs.rdl"
mkdir -p "$out/rtl/ta/gen"

peakrdl regblock "$rdl" -o "$out/rtl/ta/gen" --cpuif axi4-lite-flat --default-reset arst_n
sed -i 's/struct {/struct packed {/g' "$out/rtl/ta/gen/tame_ta_regs_pkg.sv" "$out/rtl/ta/gen/tame_ta_regs.sv"
sed -i 's/^\(\s*\)automatic logic/\1logic/' "$out/rtl/ta/gen/tame_ta_regs.sv"
peakrdl c-header "$rdl" -o "$out/rtl/ta/gen/tame_ta_regs.h"
python3 "$root/scripts/gen_contract.py" "$rdl" "$out"
if [ $html -eq 1 ]; then peakrdl html "$rdl" -o "$out/build/regs-html"; fi
