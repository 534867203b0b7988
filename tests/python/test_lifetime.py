"""Issue 18 item 8: a view borrowed from a parent handle keeps the parent alive in the raw
module too (tokenlens._native). Every getter that returns a pointer into memory its first
argument owns (an ACE of a descriptor, a hop of an explanation, a site of an IIS audit, a
SID inside a token ...) stores that argument on the returned proxy, so

    child = getter(parent); del parent; gc.collect(); child.field

reads live memory. Each row runs in its own interpreter with MALLOC_PERTURB_ set (freed
memory is overwritten), so a use-after-free crashes or reads garbage there and fails the row
instead of killing pytest. The getters themselves are enumerated from the generated wrapper,
so a new borrowing getter without a row fails `test_every_borrowing_getter_has_a_row`.
"""
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

import tokenlens
from conftest import SOURCE_DIR

DATA = SOURCE_DIR / "tests" / "data"
BINDING = pathlib.Path(tokenlens.__file__).resolve().parents[1]

PRELUDE = f"""
import gc, sys, weakref
from tokenlens import _native as n
DATA = {str(DATA)!r}
SCN = {str(SOURCE_DIR / "examples" / "scenarios" / "rbcd.json")!r}
def token():
    return n.tl_token_load(DATA + "/token/iis-ntlm-impersonation.json")
def sd():
    return n.tl_sd_from_sddl("O:BAG:SYD:(OA;;CR;00299570-246d-11d0-a768-00aa006e0529;"
                             "bf967aba-0de6-11d0-a285-00aa003049e2;WD)(A;;FA;;;BA)", None)
def audit():
    return n.tl_iis_audit_load(DATA + "/iis/coke-pepsi.config", None)
def explanation():
    return n.tl_scenario_explain(n.tl_scenario_load(SCN))
def churn():
    # reuse the freed memory: many allocations of every small size
    junk = [bytearray(k % 512 + 1) for k in range(20000)]
    junk += [n.tl_sd_from_sddl("D:(A;;FA;;;WD)", None) for _ in range(200)]
    return junk
"""

# name: (parent expression, child expression from `p`, check expression on `c`)
ROWS = {
    "tl_token_user": ("token()", "n.tl_token_user(p)", "str(n.tl_swig_sid_copy(c)) is not None and c.revision == 1"),
    "tl_token_owner": ("token()", "n.tl_token_owner(p)", "c is None or c.revision == 1"),
    "tl_token_primary_group": ("token()", "n.tl_token_primary_group(p)", "c is None or c.revision == 1"),
    "tl_token_group_at": ("token()", "n.tl_token_group_at(p, 0)", "c.sid.revision == 1"),
    "tl_sid_and_attributes_sid_get": ("n.tl_token_group_at(token(), 0)", "p.sid", "c.revision == 1"),
    "tl_token_restricted_at": ("n.tl_token_from_json(open(DATA + '/token/iis-ntlm-impersonation.json').read())",
                               "n.tl_token_group_at(p, 1)", "c.sid.revision == 1"),
    "tl_token_privilege_at": ("token()", "n.tl_token_privilege_at(p, 0)", "isinstance(c.name, str) and c.name.startswith('Se')"),
    "tl_token_privilege_find": ("token()", "n.tl_token_privilege_find(p, 'SeChangeNotifyPrivilege')", "c.name == 'SeChangeNotifyPrivilege'"),
    "tl_sd_owner": ("sd()", "n.tl_sd_owner(p)", "c.revision == 1 and c.sub_authority_count == 2"),
    "tl_sd_group": ("sd()", "n.tl_sd_group(p)", "c.revision == 1 and c.sub_authority_count == 1"),
    "tl_sd_ace_at": ("sd()", "n.tl_sd_ace_at(p, n.TL_ACL_DACL, 1)", "c.mask == 0x1F01FF"),
    "tl_ace_sid_get": ("n.tl_sd_ace_at(sd(), n.TL_ACL_DACL, 1)", "p.sid", "n.tl_sid_to_string(c) == 'S-1-5-32-544'"),
    "tl_ace_object_type_get": ("n.tl_sd_ace_at(sd(), n.TL_ACL_DACL, 0)", "p.object_type", "n.tl_guid_to_string(c) == '00299570-246d-11d0-a768-00aa006e0529'"),
    "tl_ace_inherited_object_type_get": ("n.tl_sd_ace_at(sd(), n.TL_ACL_DACL, 0)", "p.inherited_object_type", "n.tl_guid_to_string(c) == 'bf967aba-0de6-11d0-a285-00aa003049e2'"),
    "tl_access_result_reason_at": ("n.tl_swig_access_check(sd(), token(), 1, 0, n.TL_OBJECT_FILE)",
                                   "n.tl_access_result_reason_at(p, 0)", "0 <= c.kind < 32 and -1 <= c.ace_index < 2 and isinstance(c.text, str) and len(c.text) > 10"),
    "tl_explanation_hop_at": ("explanation()", "n.tl_explanation_hop_at(p, 0)", "n.tl_explained_hop_target(c) == 'MSSQLSvc/db01.contoso.com:1433'"),
    "tl_iis_site_at": ("audit()", "n.tl_iis_site_at(p, 0)", "c.name in ('coke', 'pepsi', 'Coke', 'Pepsi')"),
    "tl_iis_site_app": ("n.tl_iis_site_at(audit(), 0)", "n.tl_iis_site_app(p, 0)", "c.path == '/'"),
    "tl_iis_app_pool_get": ("n.tl_iis_site_app(n.tl_iis_site_at(audit(), 0), 0)", "p.pool", "isinstance(c.name, str) and len(c.name) > 0"),
    "tl_iis_app_auth_get": ("n.tl_iis_site_app(n.tl_iis_site_at(audit(), 0), 0)", "p.auth", "c.anonymous_enabled in (True, False)"),
    "tl_iis_app_anonymous_get": ("n.tl_iis_site_app(n.tl_iis_site_at(audit(), 0), 0)", "p.anonymous", "isinstance(c.name, str)"),
    "tl_iis_pool_at": ("audit()", "n.tl_iis_pool_at(p, 0)", "isinstance(c.name, str) and len(c.name) > 0"),
    "tl_iis_pool_identity_get": ("n.tl_iis_pool_at(audit(), 0)", "p.identity", "isinstance(c.name, str)"),
    "tl_iis_identity_sid_get": ("n.tl_iis_pool_at(audit(), 0).identity", "p.sid", "c.revision == 1"),
    "tl_iis_shared_at": ("audit()", "n.tl_iis_shared_at(p, 0)", "c is None or isinstance(c.identity.name, str)"),
    "tl_iis_shared_identity_identity_get": ("n.tl_iis_shared_at(audit(), 0)", "p.identity if p is not None else None", "c is None or isinstance(c.name, str)"),
    "tl_iis_finding_at": ("audit()", "n.tl_iis_finding_at(p, 0)", "isinstance(c.text, str) and len(c.text) > 10 and c.site_count >= 1"),
    "tl_whoami_process": ("whoami()", "n.tl_whoami_process(p)", "n.tl_token_user(c).revision == 1"),
    "tl_whoami_thread": ("whoami()", "n.tl_whoami_thread(p)", "n.tl_token_user(c).revision == 1"),
    "tl_whoami_effective": ("whoami()", "n.tl_whoami_effective(p)", "n.tl_token_user(c).revision == 1"),
    "tl_iis_content_sd": ("content()", "n.tl_iis_content_sd(p, 0)", "n.tl_sd_ace_count(c, n.TL_ACL_DACL) >= 1"),
    "tl_server_audit": ("server()", "n.tl_server_audit(p)", "n.tl_iis_site_count(c) >= 1"),
    "tl_server_webconfig": ("server()", "n.tl_server_webconfig(p, 0, 0)", "n.tl_webconfig_connection_count(c) >= 1"),
    "tl_webconfig_connection_at": ("n.tl_swig_webconfig_load(DATA + '/webconfig/classic.config')",
                                   "n.tl_webconfig_connection_at(p, 0)", "n.tl_connection_host(c) == 'db01.contoso.com'"),
}

# Getters that borrow from something no test machine has (live capture on Windows, a
# directory server): their proxies get the same parent reference, checked by name only.
NOT_CONSTRUCTIBLE = {
    "tl_probe_process_token": "a live probe (Windows)",
    "tl_probe_step_at": "a live probe (Windows)",
    "tl_probe_step_token": "a live probe (Windows)",
    "tl_iis_isolation_at": "covered through the public class; needs descriptors per site",
    "tl_iis_isolation_check_identity_get": "as tl_iis_isolation_at",
    "tl_ad_domain_sid": "a directory server",
    "tl_ad_account_sid": "a directory server",
    "tl_ad_account_allowed_to_act_sid": "a directory server",
}
# Results that borrow nothing from an argument.
NOT_BORROWED = {
    "tl_error_last": "thread-local, no parent",
    "tl_sid_wellknown_at": "a static table",
    "tl_sid_authority_get": "bytes copied into a list",
    "tl_sid_sub_authority_get": "integers copied into a list",
    "tl_guid_bytes_get": "bytes copied into a list",
}


def _extra_prelude():
    return f"""
def whoami():
    tok = lambda f: n.tl_token_to_json(n.tl_token_load(DATA + "/token/" + f))
    return n.tl_whoami_from_json('{{"process": %s, "thread": %s}}' % (tok("wine-process.json"),
                                 tok("iis-ntlm-impersonation.json")))
def content():
    c = n.tl_iis_content_new()
    n.tl_iis_content_add(c, "coke", "O:BAG:BAD:(A;;FA;;;BA)")
    return c
def server():
    root = {str(DATA / "server" / "web01" / "c")!r}
    cfg = root + "/Windows/System32/inetsrv/config/applicationHost.config"
    return n.tl_swig_server_load(cfg, "C:\\\\=" + root, "WEB01", "CONTOSO")
"""


def run_row(parent, child, check):
    script = PRELUDE + _extra_prelude() + textwrap.dedent(f"""
        p = {parent}
        c = {child}
        del p
        gc.collect()
        junk = churn()
        ok = {check}
        print("ok" if ok else "wrong value")
        sys.exit(0 if ok else 1)
    """)
    env = dict(os.environ, MALLOC_PERTURB_="165", PYTHONPATH=str(BINDING))
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_child_outlives_its_parent(name):
    parent, child, check = ROWS[name]
    p = run_row(parent, child, check)
    assert p.returncode == 0, (f"{name}: exit {p.returncode} (a negative exit is the signal that "
                               f"killed it)\n{p.stdout}{p.stderr[-2000:]}")


@pytest.mark.parametrize("name", sorted(ROWS))
def test_parent_is_released_with_its_child(name):
    """The reference is the child's, not a leak: once the child goes, so does the parent."""
    parent, child, _ = ROWS[name]
    script = PRELUDE + _extra_prelude() + textwrap.dedent(f"""
        p = {parent}
        c = {child}
        if c is None:
            sys.exit(0)
        held = getattr(c, "_tl_parent", None)
        if held is None:
            print("no parent reference on the child"); sys.exit(1)
        r = weakref.ref(held)
        del p, held
        gc.collect()
        if r() is None:
            print("parent gone while the child lives"); sys.exit(1)
        del c
        gc.collect()
        if r() is not None:
            print("parent still alive after the child went"); sys.exit(1)
    """)
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                       timeout=120)
    assert p.returncode == 0, f"{name}: {p.stdout}{p.stderr[-2000:]}"


def test_every_borrowing_getter_has_a_row():
    """The generated wrapper names every function returning a pointer it does not own."""
    wrap = BINDING / "tokenlens_python_wrap.c"
    if not wrap.exists():
        pytest.fail(f"{wrap} is missing: the binding was not built from this tree")
    text = wrap.read_text(encoding="utf-8", errors="replace")
    found = set()
    for chunk in text.split("\nSWIGINTERN PyObject *_wrap_")[1:]:
        name = chunk.split("(", 1)[0]
        if re.search(r"resultobj = SWIG_NewPointerObj\(SWIG_as_voidptr\(result\), "
                     r"SWIGTYPE_p_\w+, 0 \|  0 \)", chunk):
            found.add(name)
    known = set(ROWS) | set(NOT_CONSTRUCTIBLE) | set(NOT_BORROWED)
    assert found - known == set(), f"borrowing getters without a row: {sorted(found - known)}"
    assert set(ROWS) - found == set(), f"rows for getters that do not borrow: {sorted(set(ROWS) - found)}"
