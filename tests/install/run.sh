#!/usr/bin/env bash
# Install the build tree into a temporary prefix, then build and run a consumer that finds it
# through find_package(tokenlens CONFIG) and through pkg-config.
set -euo pipefail
build=$1 src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cmake -S "$src/consumer" -B "$tmp/b" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/b" >/dev/null
want="S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"
for exe in consumer_cmake consumer_static consumer_pc; do
  out=$(LD_LIBRARY_PATH="$libdir" "$tmp/b/$exe")
  case "$out" in
    *" $want") echo "ok: $exe -> $out" ;;
    *) echo "FAIL: $exe printed '$out'"; exit 1 ;;
  esac
done
# The public headers compile on their own, in C11 and as C++ would see them.
for h in "$tmp"/prefix/include/tokenlens/*.h; do
  echo "#include \"$h\"" | cc -std=c11 -Wall -Werror -fsyntax-only -I"$tmp/prefix/include" -x c - \
    || { echo "FAIL: $h does not compile alone"; exit 1; }
done
echo "ok: every public header compiles alone"

# ---- pkg-config --static, multiarch libdir, version macros (issue 16) ----
# --static is complete: with the shared library gone, `-ltokenlens` finds the archive and
# Requires.private/Libs.private bring in everything it needs.
mkdir -p "$tmp/static"
cp -a "$tmp/prefix" "$tmp/static/prefix"
slib=$(ls -d "$tmp"/static/prefix/lib*/ | head -1)
rm -f "$slib"/libtokenlens.so*
[ -f "$slib/libtokenlens.a" ] || { echo "FAIL: no libtokenlens.a in the installed libdir"; exit 1; }
# shellcheck disable=SC2046
cc -o "$tmp/static/consumer" "$src/consumer/main.c" \
  $(PKG_CONFIG_PATH="$slib/pkgconfig" pkg-config --static --cflags --libs tokenlens) \
  || { echo "FAIL: a consumer does not link with pkg-config --static"; exit 1; }
if readelf -d "$tmp/static/consumer" | grep -q 'libtokenlens'; then
  echo "FAIL: the --static consumer still needs libtokenlens.so"; exit 1
fi
out=$("$tmp/static/consumer")
case "$out" in *" $want") echo "ok: pkg-config --static consumer -> $out" ;; *) echo "FAIL: static consumer printed '$out'"; exit 1 ;; esac
# Debian's layout: prefix /usr, libdir lib/x86_64-linux-gnu. The .pc, placed there, must
# point back at /usr/include and /usr/lib/x86_64-linux-gnu (relocated under $tmp/usr here).
ma="lib/x86_64-linux-gnu"
mkdir -p "$tmp/usr/$ma/pkgconfig"
cmake -DTL_PC_OUT="$tmp/usr/$ma/pkgconfig/tokenlens.pc" -DTL_PC_LIBDIR="$ma" -DTL_PC_INCLUDEDIR=include \
  -DTL_PC_VERSION=0.0.0 -P "$src/../../cmake/TokenlensPkgConfig.cmake"
for v in "libdir $tmp/usr/$ma" "includedir $tmp/usr/include" "prefix $tmp/usr"; do
  set -- $v
  got=$(PKG_CONFIG_PATH="$tmp/usr/$ma/pkgconfig" pkg-config --variable="$1" tokenlens)
  got=$(realpath -m "$got")
  [ "$got" = "$2" ] || { echo "FAIL: multiarch .pc: $1 is '$got', want '$2'"; exit 1; }
done
echo "ok: the .pc is right under a multiarch libdir ($ma)"
# TL_VERSION_NUMBER / TL_VERSION_CHECK against the installed version.
ver=$(sed -nE 's/^#define TL_VERSION_STRING "([0-9.]+)"/\1/p' "$tmp/prefix/include/tokenlens/version.h")
IFS=. read -r vM vm vp <<<"$ver"
cat > "$tmp/v.c" <<C
#include <tokenlens/version.h>
#if TL_VERSION_NUMBER != ($vM * 65536 + $vm * 256 + $vp)
#error TL_VERSION_NUMBER is not 0xMMmmpp
#endif
#if !TL_VERSION_CHECK(0, 0, 0) || !TL_VERSION_CHECK($vM, $vm, $vp)
#error TL_VERSION_CHECK refuses an older or equal version
#endif
#if TL_VERSION_CHECK($vM, $vm, $((vp + 1))) || TL_VERSION_CHECK($vM, $((vm + 1)), 0) || TL_VERSION_CHECK($((vM + 1)), 0, 0)
#error TL_VERSION_CHECK accepts a newer version
#endif
int main(void) { return 0; }
C
cc -std=c11 -Wall -Werror -I"$tmp/prefix/include" -o "$tmp/v" "$tmp/v.c" || { echo "FAIL: version macros"; exit 1; }
echo "ok: TL_VERSION_NUMBER and TL_VERSION_CHECK ($ver)"
