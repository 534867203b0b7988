#!/bin/sh
# Every public header compiles on its own, as C99 and as C++ (each one includes what it uses).
#   check_headers.sh CC CXX SOURCE_INCLUDE_DIR BUILD_INCLUDE_DIR
set -u
cc=$1 cxx=$2 inc=$3 binc=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for h in "$inc"/tokenlens.h "$inc"/tokenlens/*.h; do
  rel=${h#"$inc"/}
  printf '#include "%s"\nint tl_header_check_%s;\n' "$rel" "$(echo "$rel" | tr -c 'a-z0-9\n' '_')" >"$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  for lang in c99 c++; do
    n=$((n + 1))
    if [ "$lang" = c99 ]; then
      out=$("$cc" -std=c99 -Wall -Wextra -pedantic -Werror -I"$inc" -I"$binc" -c "$tmp/t.c" -o "$tmp/t.o" 2>&1)
    else
      out=$("$cxx" -std=c++11 -Wall -Wextra -pedantic -Werror -I"$inc" -I"$binc" -c "$tmp/t.cpp" -o "$tmp/t.o" 2>&1)
    fi
    if [ $? -ne 0 ]; then
      echo "FAIL: $rel does not compile alone as $lang:"
      echo "$out"
      fail=1
    else
      echo "ok: $rel ($lang)"
    fi
  done
done
echo "$n header compilations"
exit $fail
