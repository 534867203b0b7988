#!/usr/bin/env bash
# Set up, build the CLI and run tokenlens's main job on the built-in examples:
# the NTLM double hop that makes SQL Server log "Login failed for user
# 'NT AUTHORITY\ANONYMOUS LOGON'", the Kerberos fix, the app-pool SIDs, and the IIS audit
# of the seed's Coke/Pepsi server, and a whole server diagnosed from its own configuration.
#   scripts/demo.sh [--skip-deps]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Caches (mingw libraries, Pester) live under $HOME; CI may run without it set.
[ -n "${HOME:-}" ] || export HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
cd "$root"
[ "${1:-}" = "--skip-deps" ] || scripts/deps.sh
mkdir -p build
cmake --preset cli >build/demo-configure.log 2>&1 || { tail -30 build/demo-configure.log; exit 1; }
cmake --build --preset cli >build/demo-build.log 2>&1 || { grep -E 'error' -A3 build/demo-build.log | head -40; exit 1; }
tl=build/cli/cli/tokenlens

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@" || true; }

step "$tl" sid 'IIS APPPOOL\DefaultAppPool'
step "$tl" sid 'NT SERVICE\MSSQLSERVER'
for f in examples/scenarios/ntlm-double-hop.json examples/scenarios/kerberos-constrained-delegation.json; do
  [ -f "$f" ] && step "$tl" explain "$f"
done
for f in tests/data/iis/coke-pepsi.config; do
  [ -f "$f" ] && step "$tl" iis "$f"
done
f=tests/data/server/web01/c/Windows/System32/inetsrv/config/applicationHost.config
[ -f "$f" ] && step "$tl" diagnose "$f" --map 'C:\=tests/data/server/web01/c' --machine WEB01 --domain CONTOSO
[ -f examples/scenarios/same-box-sql.json ] && step "$tl" explain examples/scenarios/same-box-sql.json
step "$tl" sddl 'D:(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)'
printf '\nMore: %s --help, docs/cli.md\n' "$tl"
