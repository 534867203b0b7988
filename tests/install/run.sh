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
