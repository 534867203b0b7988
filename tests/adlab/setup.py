#!/usr/bin/python3
"""Fill a freshly provisioned (and not yet started) Samba AD DC with the lab's accounts.

    setup.py SMB_CONF SAM_LDB OUT_FILE [KEYTAB_DIR]

Writes every account directly into SAM_LDB through Samba's own SamDB (one Python start instead
of one samba-tool run per setting), then prints "name sid" lines to OUT_FILE for the checks.

The accounts (realm AD.TEST, NetBIOS domain ADLAB):
  alice       an ordinary user
  bob         "Account is sensitive and cannot be delegated" (UF_NOT_DELEGATED)
  carol       in Protected Users through a nested group (Tier0 -> Protected Users)
  svc-web     HTTP/web.ad.test, constrained delegation to MSSQLSvc/db.ad.test:1433 with
              protocol transition (UF_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION)
  svc-kcd     HTTP/kcd.ad.test, constrained delegation to the same SPN, Kerberos only
  svc-unc     HTTP/unc.ad.test, unconstrained delegation (UF_TRUSTED_FOR_DELEGATION)
  svc-plain   HTTP/plain.ad.test, no delegation at all
  svc-db      MSSQLSvc/db.ad.test:1433
  svc-files   cifs/files.ad.test; its msDS-AllowedToActOnBehalfOfOtherIdentity lets svc-plain
              delegate to it (resource-based constrained delegation)
  WEB01$      a computer (the usual IIS case: ApplicationPoolIdentity goes out as WEB01$),
              HTTP/web01.ad.test, constrained delegation to MSSQLSvc/db.ad.test:1433 with
              protocol transition; password "web01" (an old-style join)
  HTTP/dup.ad.test is held by both svc-plain and svc-unc (a duplicate SPN).
"""
import sys

import ldb
from samba.auth import system_session
from samba.dcerpc import security
from samba.ndr import ndr_pack
from samba.param import LoadParm
from samba.samdb import SamDB

UF_TRUSTED_FOR_DELEGATION = 0x80000
UF_NOT_DELEGATED = 0x100000
UF_TRUSTED_TO_AUTH = 0x1000000

smb_conf, sam_ldb, out_file = sys.argv[1:4]
lp = LoadParm()
lp.load(smb_conf)
db = SamDB(url=sam_ldb, session_info=system_session(), lp=lp)
base = db.domain_dn()
domain_sid = security.dom_sid(db.get_domain_sid())
realm = lp.get("realm").lower()


def dn_of(name):
    res = db.search(base=base, scope=ldb.SCOPE_SUBTREE,
                    expression="(sAMAccountName=%s)" % ldb.binary_encode(name),
                    attrs=["userAccountControl", "objectSid"])
    return res[0]


def modify(name, attr, values, flag=ldb.FLAG_MOD_REPLACE):
    m = ldb.Message()
    m.dn = dn_of(name).dn
    m[attr] = ldb.MessageElement(values, flag, attr)
    db.modify(m)


def uac_on(name, bits):
    uac = int(dn_of(name)["userAccountControl"][0])
    modify(name, "userAccountControl", str(uac | bits))


for user, pw in [("alice", "Alice-Pw-1!"), ("bob", "Bob-Pw-1!"), ("carol", "Carol-Pw-1!"),
                 ("svc-web", "Web-Pw-1!"), ("svc-kcd", "Kcd-Pw-1!"), ("svc-unc", "Unc-Pw-1!"),
                 ("svc-plain", "Plain-Pw-1!"), ("svc-db", "Db-Pw-1!"),
                 ("svc-files", "Files-Pw-1!")]:
    db.newuser(user, pw)

for user, spn in [("svc-web", "HTTP/web.%s" % realm), ("svc-kcd", "HTTP/kcd.%s" % realm),
                  ("svc-unc", "HTTP/unc.%s" % realm), ("svc-plain", "HTTP/plain.%s" % realm),
                  ("svc-plain", "HTTP/dup.%s" % realm),
                  ("svc-db", "MSSQLSvc/db.%s:1433" % realm), ("svc-files", "cifs/files.%s" % realm)]:
    modify(user, "servicePrincipalName", spn, ldb.FLAG_MOD_ADD)

db.newcomputer("WEB01", prepare_oldjoin=True,
               service_principal_name_list=["HOST/web01.%s" % realm, "HTTP/web01.%s" % realm])
uac_on("WEB01$", UF_TRUSTED_TO_AUTH)
modify("WEB01$", "msDS-AllowedToDelegateTo", "MSSQLSvc/db.%s:1433" % realm)
uac_on("bob", UF_NOT_DELEGATED)
uac_on("svc-web", UF_TRUSTED_TO_AUTH)
uac_on("svc-unc", UF_TRUSTED_FOR_DELEGATION)
for user in ("svc-web", "svc-kcd"):
    modify(user, "msDS-AllowedToDelegateTo", "MSSQLSvc/db.%s:1433" % realm)

# Resource-based constrained delegation: the descriptor samba-tool delegation add-principal
# writes (owner BA, one allow ACE for the principal that may delegate).
plain_sid = str(db.schema_format_value("objectSid", dn_of("svc-plain")["objectSid"][0]), "utf-8")
sd = security.descriptor.from_sddl("O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;%s)" % plain_sid,
                                   domain_sid)
modify("svc-files", "msDS-AllowedToActOnBehalfOfOtherIdentity", ndr_pack(sd))

# Protected Users through nesting: carol is in Tier0, Tier0 is in Protected Users.
db.newgroup("Tier0")
db.add_remove_group_members("Tier0", ["carol"], add_members_operation=True)
db.add_remove_group_members("Protected Users", ["Tier0"], add_members_operation=True)

# The DC's own LDAP service names (samba_spnupdate would add them once the DC runs; doing it
# here saves a start of it and a DNS round trip).
dc = lp.get("netbios name").lower()
for spn in ["ldap/%s.%s" % (dc, realm), "ldap/%s.%s/%s" % (dc, realm, realm),
            "ldap/%s" % dc.upper(), "ldap/%s.%s/%s" % (dc, realm, lp.get("workgroup"))]:
    modify(dc + "$", "servicePrincipalName", spn, ldb.FLAG_MOD_ADD)

# The duplicate: Samba (like Windows since 2012 R2) refuses a second holder of an SPN through
# its directory modules, so the second copy is written below them, straight into the domain
# partition, as a forest of older DCs or a replication race leaves it.
raw = ldb.Ldb(lp.private_path("sam.ldb.d/%s.ldb" % str(ldb.Dn(db, base)).upper()),
              options=["modules:"])
m = ldb.Message()
m.dn = dn_of("svc-unc").dn
m["servicePrincipalName"] = ldb.MessageElement("HTTP/dup.%s" % realm, ldb.FLAG_MOD_ADD,
                                               "servicePrincipalName")
raw.modify(m)

# Keytabs for the three-tier probes (examples/probes: web and db accept with them), as
# samba-tool domain exportkeytab writes them.
if len(sys.argv) > 4:
    import samba.dckeytab  # noqa: F401  (adds Net.export_keytab)
    from samba.credentials import Credentials
    from samba.net import Net
    net = Net(Credentials(), lp)
    for user, spn in [("svc-unc", "HTTP/unc"), ("svc-plain", "HTTP/plain"), ("svc-web", "HTTP/web"),
                      ("svc-db", "MSSQLSvc/db")]:
        full = "%s.%s" % (spn, realm) + (":1433" if spn.startswith("MSSQLSvc") else "")
        # the SPN to accept with, the account name to act as itself (AD issues TGTs to
        # sAMAccountName/UPN only: a client principal HTTP/... is "not found")
        net.export_keytab(keytab="%s/%s.keytab" % (sys.argv[4], user), principal=full)
        net.export_keytab(keytab="%s/%s.keytab" % (sys.argv[4], user), principal=user)

with open(out_file, "w") as f:
    f.write("domain %s\n" % domain_sid)
    for name in ["alice", "bob", "carol", "svc-web", "svc-kcd", "svc-unc", "svc-plain",
                 "svc-db", "svc-files", "Tier0", "WEB01$"]:
        sid = str(db.schema_format_value("objectSid", dn_of(name)["objectSid"][0]), "utf-8")
        f.write("%s %s\n" % (name, sid))
