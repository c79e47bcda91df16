#!/usr/bin/env bash
# Install everything vidalloc needs on a Debian machine. Idempotent: a second run only checks.
#   Debian packages (apt, directly as root or through sudo), the Python venv under $BUILD/venv
#   with pinned packages, and newlib-nano for the firmware's exact -march/-mabi.
set -euo pipefail
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

PKGS=(verilator iverilog yosys nextpnr-ice40 fpga-icestorm gcc-riscv64-unknown-elf
      newlib-source libcmocka-dev z3 boolector openfpgaloader clang libclang-rt-14-dev
      pkg-config python3-venv make g++ xz-utils afl++)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: Debian packages present"
fi

# Python venv with pinned packages; re-synced only when requirements.txt changes.
venv="$BUILD/venv"
stamp="$venv/.stamp-requirements"
if [ ! -x "$venv/bin/python" ]; then
  echo "deps: creating $venv"
  python3 -m venv "$venv"
fi
if [ ! -f "$stamp" ] || ! cmp -s tools/requirements.txt "$stamp"; then
  echo "deps: installing Python packages (tools/requirements.txt)"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tools/requirements.txt
  cp tools/requirements.txt "$stamp"
else
  echo "deps: Python venv up to date"
fi

# newlib-nano for the firmware ABI (built once; the script stamps it).
BUILD="$BUILD" tools/build-newlib.sh
