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
echo "pwsh-deps: ok ($tools/pwsh; Pester in $cache)"
