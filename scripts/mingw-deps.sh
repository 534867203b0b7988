#!/usr/bin/env bash
# Cross-build the libraries Debian does not ship for mingw-w64 (cmocka, jansson, expat) from
# Debian's own source packages, into a cache folder outside the repository:
#   ${TL_MINGW_PREFIX:-$HOME/.cache/tokenlens/mingw-x86_64}
# Idempotent: a library already installed there is not rebuilt. Needs deb-src enabled
# (scripts/deps.sh --all does that) and gcc-mingw-w64-x86-64.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${TL_MINGW_PREFIX:-$HOME/.cache/tokenlens/mingw-x86_64}
work=${TL_MINGW_WORK:-$HOME/.cache/tokenlens/mingw-src}
mkdir -p "$prefix" "$work"
toolchain="$here/cmake/mingw-w64-x86_64.cmake"

fetch_source() { # $1 = source package; leaves the unpacked tree's path in $srcdir
  local pkg=$1 v
  cd "$work"
  srcdir=$(find "$work" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n1)
  [ -n "$srcdir" ] && return 0
  # The newest version listed can be missing from a mirror (security pool lag): try each.
  for v in $(apt-cache showsrc "$pkg" | awk '/^Version:/{print $2}' | sort -rV | uniq); do
    if apt-get source -qq "$pkg=$v" >/dev/null 2>&1; then break; fi
  done
  srcdir=$(find "$work" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n1)
  [ -n "$srcdir" ] || { echo "mingw-deps: could not fetch Debian source of $pkg (is deb-src enabled?)" >&2; exit 1; }
}

build_cmake() { # $1 = package, $2 = marker file in prefix, rest = cmake args
  local pkg=$1 marker=$2; shift 2
  if [ -e "$prefix/$marker" ]; then return 0; fi
  fetch_source "$pkg"
  local src=$srcdir
  [ "$pkg" = expat ] && [ -d "$src/expat" ] && src="$src/expat"
  echo "mingw-deps: cross-building $pkg from $(basename "$srcdir")"
  cmake -S "$src" -B "$work/build-$pkg" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release "$@" >"$work/build-$pkg.log" 2>&1 \
    || { tail -30 "$work/build-$pkg.log" >&2; exit 1; }
  cmake --build "$work/build-$pkg" >>"$work/build-$pkg.log" 2>&1 \
    && cmake --install "$work/build-$pkg" >>"$work/build-$pkg.log" 2>&1 \
    || { tail -30 "$work/build-$pkg.log" >&2; exit 1; }
}

build_cmake cmocka include/cmocka.h -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF -DBUILD_SHARED_LIBS=OFF -DWITH_STATIC_LIB=ON
build_cmake jansson include/jansson.h -DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF -DJANSSON_BUILD_SHARED_LIBS=OFF
build_cmake expat include/expat.h -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_PKGCONFIG=ON \
  -DEXPAT_DTD=OFF  # tokenlens rejects DTDs anyway; Debian's CVE patch assumes XML_DTD=1 when on
echo "mingw-deps: ok ($prefix)"
