#!/usr/bin/env bash
# PowerShell 7 as a .NET global tool, and Pester from NuGet into a cache folder:
#   pwsh   -> $HOME/.dotnet/tools/pwsh
#   Pester -> ${TL_PESTER_CACHE:-$HOME/.cache/tokenlens/nuget}/pester/<version>/tools/Pester.psd1
# Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=$HOME/.dotnet/tools
if [ ! -x "$tools/pwsh" ]; then
  echo "pwsh-deps: installing PowerShell 7.6.9 (dotnet tool)"
  dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
fi
cache=${TL_PESTER_CACHE:-$HOME/.cache/tokenlens/nuget}
if ! ls "$cache"/pester/*/tools/Pester.psd1 >/dev/null 2>&1; then
  echo "pwsh-deps: fetching Pester from NuGet"
  tmp=$(mktemp -d)
  cp "$here/pester/pester.csproj" "$tmp/"
  dotnet restore "$tmp/pester.csproj" --packages "$cache" >/dev/null
  rm -rf "$tmp"
fi
# The Windows build of PowerShell for tests/winps (issue 16): tests/winps/host published
# self-contained for win-x64 (Microsoft.PowerShell.SDK 7.6.9 and the runtime pack
# Microsoft.NETCore.App.Runtime.win-x64 10.0.12 from NuGet). Rebuilt when its sources change.
winps=${TL_WINPS_HOST:-$HOME/.cache/tokenlens/winps/host}
hostsrc="$here/../tests/winps/host"
stamp="$winps/.tokenlens-source"
want=$(cat "$hostsrc"/Program.cs "$hostsrc"/TokenLensWinPwsh.csproj "$hostsrc"/powershell.config.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$winps/tlpwsh.exe" ] || [ ! -d "$winps/Modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "pwsh-deps: publishing the win-x64 PowerShell host (tests/winps/host) into $winps"
  tmp=$(mktemp -d)
  cp "$hostsrc"/Program.cs "$hostsrc"/TokenLensWinPwsh.csproj "$hostsrc"/powershell.config.json "$tmp/"
  rm -rf "$winps"
  dotnet publish "$tmp/TokenLensWinPwsh.csproj" -c Release -o "$winps" --nologo -v:q >"$tmp/publish.log" 2>&1 \
    || { tail -20 "$tmp/publish.log" >&2; rm -rf "$tmp"; exit 1; }
  echo "$want" >"$stamp"
  rm -rf "$tmp"
fi
echo "pwsh-deps: ok ($tools/pwsh; Pester in $cache; Windows PowerShell host $winps/tlpwsh.exe)"
