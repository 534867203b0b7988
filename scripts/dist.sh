#!/usr/bin/env bash
# Build the release artifacts into dist/ (PRODUCT.md, "Windows distribution"):
#   dist/tokenlens-<version>-win-x64.zip   tokenlens.exe, tokenlens.dll, every non-system DLL
#                                          they load (none today: jansson, expat and the mingw
#                                          runtime are linked in statically), LICENSE, and
#                                          Modules/TokenLens (the PowerShell module with the
#                                          win-x64 native library)
#   dist/TokenLens.<version>.nupkg         the PowerShell module as PSResourceGet publishes it
#                                          (Compress-PSResource): TokenLens.psd1 at the root,
#                                          runtimes/win-x64/native and runtimes/linux-x64/native
# Then checks the zip (tests/dist/check-zip.py: every DLL import is in the zip or in Windows).
#
#   scripts/dist.sh              build in build/dist/{win,linux} and package
#   TL_DIST_JOBS=N               parallel build jobs (default 2)
# Needs what scripts/deps.sh --all installs: mingw-w64, the cross-built libraries
# (scripts/mingw-deps.sh), swig, the .NET SDK and pwsh (scripts/pwsh-deps.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -n "${HOME:-}" ] || export HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
export PATH="$HOME/.dotnet/tools:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
jobs=${TL_DIST_JOBS:-2}
version=$(sed -nE 's/^project\(tokenlens VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "dist: cannot read the version from CMakeLists.txt" >&2; exit 1; }
win=build/dist/win linux=build/dist/linux
log=build/dist/log
mkdir -p "$log"

step() { echo "dist: $*"; }
run() { # LOGNAME command...
  local name=$1; shift
  if ! "$@" >"$log/$name.log" 2>&1; then
    tail -30 "$log/$name.log" >&2; echo "dist: $name failed (log: $log/$name.log)" >&2; exit 1
  fi
}

step "Windows build (preset mingw) in $win"
run configure-win cmake --preset mingw -B "$win" -DTL_BUILD_TESTS=OFF -DTL_BUILD_EXAMPLES=OFF \
  -DTL_BUILD_DOTNET=ON -DTL_BUILD_PYTHON=OFF -DCMAKE_BUILD_TYPE=Release
run build-win cmake --build "$win" -j"$jobs" --target tokenlens tokenlens_cli tokenlens_powershell
step "Linux build (preset cli) in $linux"
run configure-linux cmake --preset cli -B "$linux" -DTL_BUILD_DOTNET=ON -DTL_BUILD_PYTHON=OFF \
  -DCMAKE_BUILD_TYPE=Release
run build-linux cmake --build "$linux" -j"$jobs" --target tokenlens_powershell

wmod=$win/bindings/powershell/TokenLens
lmod=$linux/bindings/powershell/TokenLens
# One managed assembly serves both: it must come from the same SWIG interface on both sides.
if ! diff -r "$win/bindings/powershell/generated/cs" "$linux/bindings/powershell/generated/cs" >"$log/cs-diff.log"; then
  echo "dist: the C# proxies differ between the Windows and Linux builds ($log/cs-diff.log)" >&2; exit 1
fi
soname=$(readelf -d "$lmod/libtokenlens_csharp.so" | sed -nE 's/.*NEEDED.*\[(libtokenlens\.so[^]]*)\].*/\1/p')
[ -n "$soname" ] || { echo "dist: cannot find libtokenlens's SONAME in libtokenlens_csharp.so" >&2; exit 1; }

stage=build/dist/stage
rm -rf "$stage" dist
mkdir -p "$stage" dist
# The module folder: manifest, script, views, the assembly, and one native library per OS.
# stage_module DEST RID...
stage_module() {
  local dest=$1; shift
  mkdir -p "$dest"
  cp "$wmod/TokenLens.psd1" "$wmod/TokenLens.psm1" "$wmod/TokenLens.format.ps1xml" "$wmod/TokenLens.dll" "$dest/"
  cp LICENSE "$dest/LICENSE.txt"
  local rid
  for rid in "$@"; do
    mkdir -p "$dest/runtimes/$rid/native"
    case "$rid" in
      win-x64) cp "$wmod/tokenlens_csharp.dll" "$dest/runtimes/$rid/native/" ;;
      linux-x64) cp "$lmod/libtokenlens_csharp.so" "$lmod/$soname" "$dest/runtimes/$rid/native/" ;;
    esac
  done
}

step "nupkg (Compress-PSResource)"
stage_module "$stage/nupkg/TokenLens" win-x64 linux-x64
run nupkg pwsh -NoProfile -NonInteractive -Command "\$ErrorActionPreference = 'Stop'; Compress-PSResource -Path '$stage/nupkg/TokenLens' -DestinationPath '$root/dist'"
[ -f "dist/TokenLens.$version.nupkg" ] || { ls dist >&2; echo "dist: Compress-PSResource wrote no TokenLens.$version.nupkg" >&2; exit 1; }

step "win-x64 zip"
zdir=$stage/zip/tokenlens-$version-win-x64
mkdir -p "$zdir"
cp "$win/cli/tokenlens.exe" "$win/lib/tokenlens.dll" "$zdir/"
cp LICENSE "$zdir/LICENSE.txt"
cp README.md "$zdir/README.md"
stage_module "$zdir/Modules/TokenLens" win-x64
/usr/bin/python3 - "$stage/zip" "dist/tokenlens-$version-win-x64.zip" <<'PY'
import os, sys, zipfile
top, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(d, f)
            info = zipfile.ZipInfo(os.path.relpath(p, top).replace(os.sep, "/"), (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(p, "rb") as fh:
                z.writestr(info, fh.read())
PY

step "checking the zip's DLL imports"
/usr/bin/python3 tests/dist/check-zip.py "dist/tokenlens-$version-win-x64.zip"
step "checking the nupkg layout"
/usr/bin/python3 tests/dist/check-nupkg.py "dist/TokenLens.$version.nupkg" "$version"
ls -l dist
