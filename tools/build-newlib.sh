#!/usr/bin/env bash
# Build newlib-nano from Debian's newlib-source tarball for exactly the firmware's
# -march/-mabi, into $BUILD/newlib/install. Built once: a stamp named after the ABI records
# the configuration, and a second run with the same configuration returns at once.
#
#   BUILD=build FW_ARCH=rv32i FW_ABI=ilp32 RV_PREFIX=riscv64-unknown-elf- tools/build-newlib.sh
#
# The noisy configure/make output goes to $BUILD/newlib/build-<arch>-<abi>.log; on failure
# the log's tail is printed.
set -euo pipefail

BUILD=${BUILD:-build}
FW_ARCH=${FW_ARCH:-rv32i}
FW_ABI=${FW_ABI:-ilp32}
RV_PREFIX=${RV_PREFIX:-riscv64-unknown-elf-}
NEWLIB_TARBALL=${NEWLIB_TARBALL:-/usr/src/newlib/newlib-3.3.0.tar.xz}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p "$BUILD"
out=$(cd "$BUILD" && pwd)/newlib
abi="$FW_ARCH-$FW_ABI"
stamp="$out/stamp-$abi"
log="$out/build-$abi.log"
src="$out/src"
obj="$out/obj-$abi"
install="$out/install"
target=$(basename "${RV_PREFIX%-}")   # riscv64-unknown-elf

cflags="-march=$FW_ARCH -mabi=$FW_ABI -Os -ffunction-sections -fdata-sections"
cfg_args=(
  --target="$target"
  --prefix="$install"
  --disable-multilib
  --disable-nls
  --enable-newlib-nano-malloc
  --enable-newlib-nano-formatted-io
  --enable-newlib-reent-small
  --disable-newlib-supplied-syscalls
  --disable-newlib-io-float
  --disable-newlib-fvwrite-in-streamio
  --disable-newlib-fseek-optimization
  --disable-newlib-wide-orient
  --disable-newlib-unbuf-stream-opt
  --enable-newlib-global-atexit
  --enable-lite-exit
  --enable-target-optspace
)
# What the stamp records: a change to any of it (or to the toolchain) rebuilds.
config="tarball=$NEWLIB_TARBALL
cc=$("${RV_PREFIX}gcc" --version | head -n 1)
cflags=$cflags
args=${cfg_args[*]}"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$config" ] && [ -f "$install/$target/lib/libc.a" ]; then
  echo "  NEWLIB  up to date ($abi, $install)"
  [ "$stamp" -nt "$0" ] || touch "$stamp"   # newer than this script, so make stops asking
  exit 0
fi

[ -f "$NEWLIB_TARBALL" ] || { echo "newlib: $NEWLIB_TARBALL not found (apt-get install newlib-source)" >&2; exit 1; }
command -v "${RV_PREFIX}gcc" >/dev/null || { echo "newlib: ${RV_PREFIX}gcc not found" >&2; exit 1; }

# Called from make: newlib's own make must not inherit our jobserver or command-line variables.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

start=$(date +%s)
# One ABI per install tree: a different configuration replaces it.
rm -rf "$src" "$obj" "$install" "$out"/stamp-*
mkdir -p "$src" "$obj"
: >"$log"

fail() {
  echo "newlib: $1 failed; last lines of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
}

echo "  NEWLIB  extracting $(basename "$NEWLIB_TARBALL")"
tar -xJf "$NEWLIB_TARBALL" -C "$src" --strip-components=1 >>"$log" 2>&1 || fail "extract"

echo "  NEWLIB  configure ($abi, nano)"
(cd "$obj" && "$src/configure" "${cfg_args[@]}" \
   CC_FOR_TARGET="${RV_PREFIX}gcc" AR_FOR_TARGET="${RV_PREFIX}ar" \
   AS_FOR_TARGET="${RV_PREFIX}as" LD_FOR_TARGET="${RV_PREFIX}ld" \
   NM_FOR_TARGET="${RV_PREFIX}nm" RANLIB_FOR_TARGET="${RV_PREFIX}ranlib" \
   CFLAGS_FOR_TARGET="$cflags") >>"$log" 2>&1 || fail "configure"

# Only the C library: the firmware brings its own start-up and system calls (no libgloss).
echo "  NEWLIB  make -j$JOBS (log: $log)"
make -C "$obj" -j"$JOBS" all-target-newlib >>"$log" 2>&1 || fail "make"
echo "  NEWLIB  install"
make -C "$obj" install-target-newlib >>"$log" 2>&1 || fail "install"

[ -f "$install/$target/lib/libc.a" ] || fail "install (no libc.a)"
rm -rf "$src" "$obj"   # keep the build tree small; the install and the log stay
printf '%s\n' "$config" >"$stamp"
echo "  NEWLIB  done in $(( $(date +%s) - start )) s: $install/$target/{include,lib}"
