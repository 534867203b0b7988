#!/usr/bin/env bash
# The module's Pester suite in the Windows build of PowerShell 7, under Wine (issue 16):
#   tests/winps/run.sh [ZIP]
# ZIP: the win-x64 zip from scripts/dist.sh (default dist/tokenlens-<version>-win-x64.zip). The
# suite loads Modules/TokenLens from that zip (its win-x64 native library) into tlpwsh.exe, a
# self-contained win-x64 program hosting Microsoft.PowerShell.SDK 7.6.9 (tests/winps/host,
# published by scripts/pwsh-deps.sh), and compares its answers with the zip's tokenlens.exe.
# Prints run-pester.ps1's "N passed, M failed, K skipped" line; exit status 0 only when all pass.
# Windows PowerShell 5.1 (.NET Framework) cannot run here; see docs/powershell.md.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "${HOME:-}" ] || export HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
version=$(sed -nE 's/^project\(tokenlens VERSION ([0-9.]+).*/\1/p' "$root/CMakeLists.txt")
zip=${1:-$root/dist/tokenlens-$version-win-x64.zip}
host=${TL_WINPS_HOST:-$HOME/.cache/tokenlens/winps/host}/tlpwsh.exe
pester=$(ls -d "${TL_PESTER_CACHE:-$HOME/.cache/tokenlens/nuget}"/pester/5.*/tools/Pester.psd1 2>/dev/null | sort -V | tail -1)
work=$root/build/winps
[ -f "$zip" ] || { echo "winps: no $zip (run scripts/dist.sh)"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$host" ] || { echo "winps: no $host (run scripts/pwsh-deps.sh)"; echo "0 passed, 1 failed"; exit 1; }
[ -n "$pester" ] || { echo "winps: no Pester 5 (run scripts/pwsh-deps.sh)"; echo "0 passed, 1 failed"; exit 1; }

export WINEPREFIX=$work/wineprefix WINEDEBUG=-all
# Without a bigger gen0 budget the CLR stops with an internal error in a finalizer under Wine.
export DOTNET_GCgen0size=0x10000000 DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
mkdir -p "$work"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  wineboot -i >/dev/null 2>&1 || { echo "winps: wineboot failed"; echo "0 passed, 1 failed"; exit 1; }
fi
rm -rf "$work/zip" && mkdir -p "$work/zip"
/usr/bin/python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$work/zip"
top=$(ls "$work/zip")
w() { winepath -w "$1" 2>/dev/null; }
# One process per Describe block. Wine's CLR (coreclr 10.0.12 under Wine 8) stops with
# "Internal CLR error 0x80131506" in DynamicResolver+DestroyScout.Finalize once a collection
# frees PowerShell's compiled script blocks (code freed through W^X double mapping); a large gen0
# budget (DOTNET_GCgen0size) postpones collections enough for one block, not for the whole suite.
start=$(date +%s)
blocks=$(sed -nE "s/^Describe '([^']+)'.*/\1/p" "$root/tests/powershell/TokenLens.Tests.ps1")
tp=0 tf=0 ts=0 rc=0
block_run() { # BLOCK [extra run-block.ps1 args]
  local b=$1; shift
  wine "$host" -NoProfile -NonInteractive -File "$(w "$root/tests/winps/run-block.ps1")" -Block "$b" \
    -ModulePath "$(w "$work/zip/$top/Modules/TokenLens")" -PesterPath "$(w "$pester")" \
    -SourceDir "$(w "$root")" -Pwsh "$(w "$host")" -Cli "$(w "$work/zip/$top/tokenlens.exe")" "$@" 2>&1 |
    grep -av "FS volume label and serial are not available"
}
# Adds one run's "N passed, M failed, K skipped" to the totals; returns 1 when it has none.
tally() { # OUTPUT
  local counts p f k
  echo "$1" | grep -av -E '^[0-9]+ passed, [0-9]+ failed'
  counts=$(echo "$1" | grep -aoE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' | tail -1)
  [ -n "$counts" ] || return 1
  read -r p _ f _ k _ <<<"$(echo "$counts" | tr ',' ' ')"
  tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + k))
  [ "$f" -eq 0 ] || rc=1
}
while IFS= read -r block; do
  tally "$(block_run "$block")" && continue
  # The process died (the CLR error above): run the block again one It per process.
  echo "[ ] block '$block' died in one process; running it one It per process"
  for line in $(block_run "$block" -ListLines | sed -nE 's/^line ([0-9]+).*/\1/p'); do
    tally "$(block_run "$block" -Line "$line")" && continue
    # Still too much for one process: a data-driven It over the example scenarios, one
    # scenario per process (the test file honours TL_TEST_SCENARIO).
    echo "[ ] block '$block', It at line $line died; running it one scenario per process"
    for sc in "$root"/examples/scenarios/*.json; do
      if ! tally "$(TL_TEST_SCENARIO=$(basename "$sc") block_run "$block" -Line "$line")"; then
        echo "[!] block '$block', It at line $line, $(basename "$sc"): no result line (the process died)"; tf=$((tf + 1)); rc=1
      fi
    done
  done
done <<<"$blocks"
# tokenlens.exe with non-ASCII input (issue 16: the UTF-8 code page manifest): a pool name and
# a file path with non-ASCII letters must arrive intact. The pool SID is the one the Linux build
# computes for 'IIS APPPOOL\Café' (the same SHA-1 rule; tests/unit covers the rule itself).
exe="$work/zip/$top/tokenlens.exe"
xp=0 xf=0
got=$(wine "$exe" sid 'IIS APPPOOL\Café' --json 2>&1 | grep -av 'FS volume label')
# (The SID is the SHA-1 of the name's UTF-16 upper case: it matches only if the name arrived intact.)
if echo "$got" | grep -q '"S-1-5-82-931561518-1235326930-2758237957-1761900291-1140912221"'; then
  xp=$((xp + 1)); echo "[+] exe: non-ASCII pool name 'IIS APPPOOL\\Café' arrives intact"
else
  xf=$((xf + 1)); echo "[-] exe: non-ASCII pool name: $got"
fi
ndir="$work/Ünïcødé dir"; mkdir -p "$ndir"
cp "$root/tests/data/iis/coke-pepsi.config" "$ndir/applicationHost-é.config"
got=$(wine "$exe" iis "$(w "$ndir/applicationHost-é.config")" --json 2>&1 | grep -av 'FS volume label')
if echo "$got" | grep -q '"name": "coke"'; then
  xp=$((xp + 1)); echo "[+] exe: reads a config file under a non-ASCII path"
else
  xf=$((xf + 1)); echo "[-] exe: non-ASCII path: $got"
fi
[ "$xf" -eq 0 ] || rc=1
tp=$((tp + xp)) tf=$((tf + xf))
echo "winps: Windows PowerShell suite took $(( $(date +%s) - start )) s"
echo "$tp passed, $tf failed, $ts skipped"
exit "$rc"
