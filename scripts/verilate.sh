#!/usr/bin/env bash
# Builds one Verilated model in two steps, and says how far it has got. CMake calls it
# (sim/CMakeLists.txt), one model per entry of rtl/configs.json with a "model" name.
#   scripts/verilate.sh translate MDIR PREFIX -- VERILATOR_ARGS...
#       Verilator writes the model's C++ (and its header, which the harness needs).
#   scripts/verilate.sh compile MDIR PREFIX JOBS OPT_FAST
#       Verilator's own makefile compiles it into PREFIX__ALL.a. The library has one
#       fixed name, so a build after an RTL edit links the first time, whatever files
#       Verilator writes this time.
set -euo pipefail
usage() { echo "usage: $0 translate MDIR PREFIX -- VERILATOR_ARGS... | compile MDIR PREFIX JOBS OPT_FAST" >&2; exit 2; }
[ $# -ge 3 ] || usage
step=$1 mdir=$2 prefix=$3
shift 3
mkdir -p "$mdir"
log="$mdir/verilate.log"
start=$SECONDS

case "$step" in
  translate)
    [ "${1:-}" = "--" ] || usage
    shift
    echo "verilate: $prefix: translating the RTL (Verilator)"
    if ! verilator --cc --Mdir "$mdir" --prefix "$prefix" "$@" > "$log" 2>&1; then
      cat "$log" >&2
      echo "verilate: $prefix: Verilator failed" >&2
      exit 1
    fi
    # CMake waits on the header: make it newer than anything it was made from.
    touch "$mdir/$prefix.h" "$mdir/$prefix.mk" ;;
  compile)
    [ $# -eq 2 ] || usage
    jobs=$1 opt_fast=$2
    # Hot code with OPT_FAST; code run once (construction, initial values) at -O0, where
    # optimising costs build time and gains nothing.
    make_args=(-C "$mdir" -f "$prefix.mk" "OPT_FAST=$opt_fast" OPT_SLOW=-O0 OPT_GLOBAL=-O2 "${prefix}__ALL.a")
    total=$(make -n "${make_args[@]}" 2>/dev/null | grep -c -- ' -c -o ' || true)
    echo "verilate: $prefix: compiling $total C++ files"
    set +e
    # (without the -s that a CMake build passes down, which would hide the compile lines)
    env -u MAKEFLAGS -u MFLAGS make -j "$jobs" "${make_args[@]}" 2>&1 | tee -a "$log" | awk -v p="$prefix" -v n="$total" '
      / -c -o / { done++; step = (n > 0) ? int(4 * done / n) : 4
                  if (step > shown) { shown = step; printf "verilate: %s: %d of %d C++ files\n", p, done, n; fflush() } }
      /error/ { print }'
    status=${PIPESTATUS[0]}
    set -e
    [ "$status" -eq 0 ] || { echo "verilate: $prefix: the C++ build failed (log: $log)" >&2; exit 1; }
    # Verilator's archive step can fail and still leave make's status at 0 (seen after an
    # interrupted build left stale object lists): check that the library defines the model.
    # (grep reads all of nm's output: with -q it would stop early, and pipefail would
    # then see nm killed by SIGPIPE)
    if ! nm -C --defined-only "$mdir/${prefix}__ALL.a" 2>/dev/null | grep -c " ${prefix}::eval_step()" > /dev/null; then
      rm -f "$mdir/${prefix}__ALL.a"
      echo "verilate: $prefix: the library ${prefix}__ALL.a is missing or incomplete (log: $log)" >&2
      exit 1
    fi
    touch "$mdir/${prefix}__ALL.a"
    echo "verilate: $prefix: compiled in $((SECONDS - start)) s" ;;
  *) usage ;;
esac
