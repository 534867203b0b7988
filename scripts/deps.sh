#!/usr/bin/env bash
# Install everything tokenlens needs to build and test, from Debian's archive (and NuGet for
# the PowerShell side). Idempotent and non-interactive: safe to run on every build.
#
#   scripts/deps.sh            native build + tests (C, Python, hop lab)
#   scripts/deps.sh --all      also Wine/mingw cross toolchain and PowerShell (with sshd for remoting)
#
# Environment: TL_DEPS_SKIP_APT=1 skips apt (for machines where packages are preinstalled).
set -euo pipefail

want_all=0
for a in "$@"; do
  case "$a" in
    --all) want_all=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "deps.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
  esac
done

export DEBIAN_FRONTEND=noninteractive
# Caches (mingw libraries, Pester) live under $HOME; CI may run without it set.
[ -n "${HOME:-}" ] || export HOME=$(getent passwd "$(id -u)" | cut -d: -f6)

native_pkgs=(
  build-essential cmake ninja-build pkg-config git
  libcmocka-dev libjansson-dev libexpat1-dev libssl-dev libmd-dev
  clang-format  # tests/format: the format check
  libkrb5-dev krb5-kdc krb5-admin-server krb5-user gss-ntlmssp gss-ntlmssp-dev
  swig python3-dev python3-pytest python3-pip python3-venv python3-setuptools python3-wheel
  python3-mypy  # mypy --strict over the Python package (ctest python_mypy)
  clang-14 libclang-rt-14-dev libfuzzer-14-dev valgrind graphviz
  python3-samba  # bench/sddl_bench.py: Samba's SDDL and access check, side by side
  # tokenlens ad (OpenLDAP + SASL GSSAPI) and the AD lab (tests/adlab: a Samba AD DC in a netns)
  libldap-dev libsasl2-dev libsasl2-modules-gssapi-mit ldap-utils dnsutils iproute2
  samba samba-ad-dc samba-ad-provision winbind
)
cross_pkgs=(
  gcc-mingw-w64-x86-64 mingw-w64-tools wine wine64 dpkg-dev
  # tests/powershell/ssh-loopback.sh: PowerShell SSH remoting to a private sshd on loopback.
  # (On a systemd machine Debian's package also enables its own ssh service; the test does not use it.)
  openssh-server openssh-client
)

missing=()
pkgs=("${native_pkgs[@]}")
[ "$want_all" = 1 ] && pkgs+=("${cross_pkgs[@]}")
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

if [ "${TL_DEPS_SKIP_APT:-0}" != 1 ] && [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$want_all" = 1 ]; then
  # deb-src is needed to cross-build cmocka/jansson/expat for mingw from Debian's sources.
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
      $SUDO apt-get update -qq
    fi
  fi
  "$(dirname "$0")/mingw-deps.sh"
  "$(dirname "$0")/pwsh-deps.sh"
fi
echo "deps.sh: ok"
