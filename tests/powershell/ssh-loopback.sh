#!/usr/bin/env bash
# Fleet use over PowerShell's SSH remoting transport, to loopback (issue 16 item 4).
# Starts a private sshd (Debian openssh-server, scripts/deps.sh) on 127.0.0.1-3 and a free
# port, with a throwaway host key and client key in a temp dir and the PowerShell subsystem,
# runs tests/powershell/TokenLens.Remoting.Tests.ps1 through run-pester.ps1 (it prints
# "N passed, M failed, K skipped"), then stops sshd and removes the temp dir on every path.
# A machine with the packages that cannot start sshd or a session fails; nothing is skipped.
#   tests/powershell/ssh-loopback.sh PWSH MODULE_DIR PESTER_PSD1 SOURCE_DIR [CLI]
set -euo pipefail
pwsh=$1 module=$2 pester=$3 src=$4 cli=${5:-}
sshd=${TL_SSHD:-/usr/sbin/sshd}
fail() { echo "ssh-loopback: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
[ -x "$sshd" ] || fail "$sshd not found (scripts/deps.sh installs openssh-server)"
command -v ssh >/dev/null || fail "ssh client not found (openssh-client)"
command -v ssh-keygen >/dev/null || fail "ssh-keygen not found (openssh-client)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tl-ssh.XXXXXX")
sshd_pid="" watchdog_pid=""
cleanup() {
  if [ -n "$sshd_pid" ] && kill -0 "$sshd_pid" 2>/dev/null; then
    kill "$sshd_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$sshd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sshd_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  [ -z "$watchdog_pid" ] || kill "$watchdog_pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 700 "$tmp"

# sshd refuses to start without its privilege separation directory (Debian creates it from
# the ssh service, which this test does not use).
[ "$(id -u)" != 0 ] || [ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; }

ssh-keygen -q -t ed25519 -N '' -C tl-host -f "$tmp/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C tl-client -f "$tmp/client_ed25519"
cp "$tmp/client_ed25519.pub" "$tmp/authorized_keys"
chmod 600 "$tmp/authorized_keys"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user=$(id -un)
hostkey=$(cut -d' ' -f1,2 "$tmp/host_ed25519.pub")
: >"$tmp/known_hosts"
for h in 127.0.0.1 127.0.0.2 127.0.0.3; do echo "[$h]:$port $hostkey" >>"$tmp/known_hosts"; done

# The subsystem runs through the user's shell with sshd's bare environment: a wrapper gives
# pwsh (a .NET tool apphost) a HOME and the telemetry switches the other suites use.
cat >"$tmp/pwsh-subsystem" <<EOF
#!/bin/sh
export HOME='$HOME' DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
exec '$pwsh' "\$@"
EOF
chmod 755 "$tmp/pwsh-subsystem"

cat >"$tmp/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
ListenAddress 127.0.0.2:$port
ListenAddress 127.0.0.3:$port
HostKey $tmp/host_ed25519
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $user
UsePAM no
StrictModes no
PrintMotd no
LogLevel VERBOSE
Subsystem powershell $tmp/pwsh-subsystem -sshs -NoLogo
EOF

"$sshd" -t -f "$tmp/sshd_config" || fail "sshd rejected its configuration"
# Its output goes to the log, not to this script's (CTest waits for those to close).
"$sshd" -D -e -f "$tmp/sshd_config" >"$tmp/sshd.log" 2>&1 </dev/null &
sshd_pid=$!
# If this script is killed outright (SIGKILL, a CTest timeout), the trap does not run: a
# watchdog stops sshd and removes the temp dir once this shell is gone.
(
  while kill -0 $$ 2>/dev/null; do sleep 1; done
  if [ -d "$tmp" ]; then kill "$sshd_pid" 2>/dev/null; sleep 1; kill -9 "$sshd_pid" 2>/dev/null; rm -rf "$tmp"; fi
) >/dev/null 2>&1 </dev/null &
watchdog_pid=$!
ready=0
for _ in $(seq 100); do
  kill -0 "$sshd_pid" 2>/dev/null || { cat "$tmp/sshd.log" >&2; fail "sshd exited at start"; }
  if (exec 3<>"/dev/tcp/127.0.0.3/$port") 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
[ "$ready" = 1 ] || { cat "$tmp/sshd.log" >&2; fail "sshd did not listen on 127.0.0.3:$port in 10 s"; }

export TL_SSH_PORT=$port TL_SSH_USER=$user TL_SSH_KEY=$tmp/client_ed25519 TL_SSH_KNOWN_HOSTS=$tmp/known_hosts
export TL_SSH_WORK=$tmp
start=$(date +%s)
rc=0
"$pwsh" -NoProfile -NonInteractive -File "$src/tests/powershell/run-pester.ps1" \
  -ModulePath "$module" -PesterPath "$pester" -SourceDir "$src" -Pwsh "$pwsh" ${cli:+-Cli "$cli"} \
  -TestsPath "$src/tests/powershell/TokenLens.Remoting.Tests.ps1" || rc=$?
echo "ssh-loopback: pester over SSH took $(( $(date +%s) - start )) s (rc $rc)"
if [ "$rc" != 0 ]; then echo "---- sshd log" >&2; tail -40 "$tmp/sshd.log" >&2; fi
exit "$rc"
