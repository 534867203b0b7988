#!/usr/bin/env bash
# The AD lab: a real Samba Active Directory domain controller (realm AD.TEST, domain ADLAB),
# provisioned into a temporary folder and run inside a network namespace of its own, then the
# delegation cases of tests/adlab/cases.py against it (MIT kvno for S4U2Self/S4U2Proxy,
# ldapsearch and `tokenlens ad` over GSSAPI, `tokenlens explain` fed from AD).
#
#   adlab.sh [--tokenlens PATH] [--bin PROBES_DIR] [--keep] [--case NAME]
#   adlab.sh ... --wine-client client.exe --wine-tokenlens tokenlens.exe
#                       also run the Windows builds under Wine against the DC: the SSPI probe
#                       client (Kerberos through Wine's SSP) and the wldap32 reader
#   adlab.sh --hold     provision and start the DC, print how to use it, keep it until Ctrl-C
#
# Isolation: everything lives in one mktemp folder (smb.conf, sam.ldb, pid/lock/state/cache/
# private/ncalrpc/log folders, krb5.conf, ticket caches); the DC listens on 127.0.0.1 of a new
# network namespace (ip netns add, loopback only), whose resolv.conf/hosts (/etc/netns/NAME/)
# point at the DC's own DNS. No system Samba or Kerberos file is read or written
# (KRB5_CONFIG, KRB5CCNAME private; smb.conf passed with -s). A trap stops the DC, deletes the
# namespace and its /etc/netns folder and removes the lab folder on every exit.
# Needs root (ip netns) and Samba's AD DC (samba, samba-ad-dc, samba-ad-provision); exits 77
# (skipped) without them, saying which. Prints one line per case and "N passed, M failed".
set -u
set -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOKENLENS= BIN= KEEP=0 HOLD=0 ONLY= WINE_CLIENT= WINE_TL=
while [ $# -gt 0 ]; do
    case "$1" in
    --tokenlens) TOKENLENS=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --wine-client) WINE_CLIENT=$2; shift 2 ;;
    --wine-tokenlens) WINE_TL=$2; shift 2 ;;
    --hold) HOLD=1; shift ;;
    --case) ONLY=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "adlab: unknown argument $1" >&2; exit 2 ;;
    esac
done

PATH="$PATH:/usr/sbin:/sbin"
[ "$(id -u)" = 0 ] || { echo "adlab: SKIP: needs root for ip netns (run as root or in a root container)"; exit 77; }
for tool in samba samba-tool ip kinit kvno klist ldapsearch; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "adlab: SKIP: $tool not installed (scripts/deps.sh installs samba samba-ad-dc samba-ad-provision krb5-user ldap-utils iproute2)"
        exit 77; }
done
[ -x /usr/bin/python3 ] || { echo "adlab: SKIP: /usr/bin/python3 (with python3-samba) missing"; exit 77; }

REALM=AD.TEST DOMAIN=ADLAB DC=dc1
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
T0=$(date +%s.%N)
LAB=$(mktemp -d "${TMPDIR:-/tmp}/tokenlens-adlab.XXXXXX")
NS="tl-adlab-$$"
SAMBA_PID=
cleanup() {
    local p
    if [ -n "$SAMBA_PID" ]; then
        kill "$SAMBA_PID" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$SAMBA_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SAMBA_PID" 2>/dev/null
        wait "$SAMBA_PID" 2>/dev/null
    fi
    # anything this lab started in the namespace and that is still there (samba's children)
    if ip netns list 2>/dev/null | grep -qw "$NS"; then
        for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$NS" 2>/dev/null
    fi
    rm -rf "/etc/netns/$NS"
    if [ "$KEEP" = 1 ]; then echo "adlab: kept $LAB"; else rm -rf "$LAB"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$LAB/etc" "$LAB/run" "$LAB/log" "$LAB/cc"
: >"$LAB/etc/empty.conf"
# ---- provision --------------------------------------------------------------------------
# --configfile names an empty file so the system smb.conf is never read; every folder Samba
# would otherwise put under /run, /var/lib or /var/cache is inside $LAB.
samba-tool domain provision --configfile="$LAB/etc/empty.conf" --targetdir="$LAB" \
    --realm=$REALM --domain=$DOMAIN --server-role=dc --dns-backend=SAMBA_INTERNAL \
    --adminpass='Lab-Admin-1!' --host-name=$DC --host-ip=127.0.0.1 \
    --option="interfaces=lo" --option="bind interfaces only=yes" \
    --option="pid directory=$LAB/run" --option="ncalrpc dir=$LAB/run/ncalrpc" \
    --option="winbindd socket directory=$LAB/run/winbindd" \
    --option="ntp signd socket directory=$LAB/run/ntp_signd" \
    --option="log file=$LAB/log/samba.log" --option="log level=1 kerberos:3" \
    --option="dns forwarder=" --option="usershare path=$LAB/usershares" \
    --option="server services=-s3fs -nbt -smb -winbindd -ntp_signd -kcc -dnsupdate -drepl -wrepl" \
    >"$LAB/log/provision.log" 2>&1 || {
    echo "adlab: samba-tool domain provision failed" >&2; tail -20 "$LAB/log/provision.log" >&2; exit 1; }
CONF="$LAB/etc/smb.conf"
mkdir -p "$LAB/keytabs"
/usr/bin/python3 "$HERE/setup.py" "$CONF" "$LAB/private/sam.ldb" "$LAB/sids.txt" "$LAB/keytabs" \
    >"$LAB/log/setup.log" 2>&1 || {
    echo "adlab: setup.py failed" >&2; cat "$LAB/log/setup.log" >&2; exit 1; }
T1=$(date +%s.%N)

# ---- network namespace and the DC ---------------------------------------------------------
ip netns add "$NS" || { echo "adlab: ip netns add $NS failed" >&2; exit 1; }
ip netns exec "$NS" ip link set lo up
mkdir -p "/etc/netns/$NS"
printf 'nameserver 127.0.0.1\n' >"/etc/netns/$NS/resolv.conf"
printf '127.0.0.1 localhost\n' >"/etc/netns/$NS/hosts"   # dc1.ad.test comes from the DC's DNS
cat >"$LAB/krb5.conf" <<CONF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    forwardable = true
    udp_preference_limit = 1
[realms]
    $REALM = {
        kdc = 127.0.0.1
    }
[domain_realm]
    .ad.test = $REALM
    ad.test = $REALM
CONF
export KRB5_CONFIG="$LAB/krb5.conf" KRB5CCNAME="FILE:$LAB/cc/none" KRB5RCACHENAME="none:" KRB5RCACHETYPE=none
export KRB5_KTNAME="FILE:$LAB/none.keytab" KRB5_CLIENT_KTNAME="FILE:$LAB/none.keytab" KRB5_TRACE=/dev/null
unset LDAPCONF LDAPRC
export LDAPNOINIT=1   # ldapsearch/libldap: no system ldap.conf or ~/.ldaprc

ip netns exec "$NS" samba -s "$CONF" -i -M single </dev/null >"$LAB/log/samba.out" 2>&1 &
SAMBA_PID=$!
up=0
for _ in $(seq 1 300); do
    kill -0 "$SAMBA_PID" 2>/dev/null || break
    if ip netns exec "$NS" bash -c 'exec 3<>/dev/tcp/127.0.0.1/389 && exec 4<>/dev/tcp/127.0.0.1/88 && exec 5<>/dev/tcp/127.0.0.1/53' 2>/dev/null; then
        up=1; break
    fi
    sleep 0.1
done
[ $up = 1 ] || { echo "adlab: samba did not start" >&2; tail -30 "$LAB/log/samba.out" >&2; exit 1; }
# The DC's A record: provisioning leaves loopback addresses out of DNS, so add it over RPC.
ip netns exec "$NS" samba-tool dns add 127.0.0.1 ad.test $DC A 127.0.0.1 -s "$CONF" \
    -U 'administrator%Lab-Admin-1!' >"$LAB/log/dns.log" 2>&1 || {
    echo "adlab: adding the DC's A record failed" >&2; cat "$LAB/log/dns.log" >&2; exit 1; }
T2=$(date +%s.%N)
echo "adlab: Samba $(samba -V | sed 's/^Version //') AD DC $DC.ad.test (realm $REALM) in netns $NS, lab in $LAB;" \
    "provision+accounts $(secs "$T0" "$T1") s, start $(secs "$T1" "$T2") s"

if [ "$HOLD" = 1 ]; then
    cat >"$LAB/env.sh" <<ENV
export LAB="$LAB" KRB5_CONFIG="$KRB5_CONFIG" KRB5RCACHENAME="none:" KRB5RCACHETYPE=none LDAPNOINIT=1
export KRB5CCNAME="FILE:$LAB/cc/admin"
# run commands that talk to the DC inside the namespace:  ip netns exec $NS CMD
# passwords: administrator Lab-Admin-1!, alice Alice-Pw-1!, svc-web Web-Pw-1! (tests/adlab/setup.py)
ENV
    echo "adlab: holding the DC. In another shell:  source $LAB/env.sh; echo 'Lab-Admin-1!' | ip netns exec $NS kinit administrator"
    wait "$SAMBA_PID"
    exit 0
fi

args=(--lab "$LAB" --ns "$NS" --realm $REALM --domain $DOMAIN --dc "$DC.ad.test")
[ -n "$TOKENLENS" ] && args+=(--tokenlens "$TOKENLENS")
[ -n "$BIN" ] && args+=(--bin "$BIN")
[ -n "$ONLY" ] && args+=(--case "$ONLY")
[ -n "$WINE_CLIENT" ] && args+=(--wine-client "$WINE_CLIENT")
[ -n "$WINE_TL" ] && args+=(--wine-tokenlens "$WINE_TL")
/usr/bin/python3 "$HERE/cases.py" "${args[@]}"
rc=$?
echo "adlab: $(secs "$T0" "$(date +%s.%N)") s in all"
exit $rc
