"""Memory ownership across the binding: 100,000 calls into the native module per workload
must not grow memory. A workload is one realistic use (parse a SID and print it; load a
snapshot and walk its groups; explain a scenario); it is repeated until it has made at least
CALLS calls into tokenlens._native, counted with sys.setprofile, not guessed.

Three independent measures per workload (no timing anywhere):
  - C allocations made through tokenlens' allocator (the binding's counting hook,
    tl_swig_alloc_counting): outstanding count must not grow with the number of calls;
  - Python allocations (tracemalloc): current traced size must not grow;
  - the process's resident set (/proc/self/statm, else getrusage): growth must stay under a
    bound far below what one leaked object per call would cost (100,000 x >= 40 bytes).
Each workload runs a warm-up first so caches, free lists and arenas are in steady state.
"""
import gc
import json
import os
import resource
import sys
import tracemalloc

import pytest

import tokenlens
from tokenlens import Sid
from conftest import SOURCE_DIR, scenario_files

CALLS = 100_000                    # calls into the native module per workload
WARMUP = 500
RSS_BOUND = 4 * 1024 * 1024        # bytes of resident growth allowed over CALLS calls
TRACED_BOUND = 256 * 1024          # bytes of Python heap growth allowed
C_ALLOC_BOUND = 64                 # outstanding tokenlens allocations allowed to differ

SNAPSHOT = SOURCE_DIR / "tests" / "data" / "token" / "iis-ntlm-impersonation.json"
SNAPSHOT_TEXT = SNAPSHOT.read_text(encoding="utf-8")
_scenarios = scenario_files()
SCENARIO = _scenarios[0] if _scenarios else None
native = tokenlens._native


def rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: peak RSS is the best portable proxy (KiB on Linux/BSD)
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def sid_parse_format():
    str(Sid("IIS APPPOOL\\DefaultAppPool"))


def sid_names_and_bytes():
    s = Sid("S-1-5-17")
    assert s.name == "NT AUTHORITY\\IUSR"
    Sid.from_bytes(bytes(s))
    Sid("S-1-5-21-1-2-3-4").name  # NotFoundError raised and caught inside


def sid_bad_input():
    try:
        Sid("S-1-5-18x")
    except tokenlens.ParseError as exc:
        assert exc.offset == 8


def raw_string_out():
    # char **out result released with tl_free by the typemap
    native.tl_sid_lookup_name(native.tl_sid_from_string("S-1-5-32-544"))


def token_load_walk():
    t = tokenlens.Token.load(SNAPSHOT)
    t.groups
    t.privileges
    t.logon


def token_json_round_trip():
    t = tokenlens.Token.from_json(SNAPSHOT_TEXT)
    tokenlens.Token.from_json(t.to_json()).groups


def token_bad_json():
    try:
        tokenlens.Token.from_json(SNAPSHOT_TEXT.replace('"S-1-1-0"', '"S-1-1-x"'))
    except tokenlens.ParseError:
        pass


def explain_path():
    e = tokenlens.explain(SCENARIO)
    e.hops[0].arrives_as.name


def explain_bad_dict():
    try:
        tokenlens.explain({"tokenlens_scenario": 1})
    except tokenlens.ParseError:
        pass


SDDL = ("O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FR;;;%s)(D;;FW;;;AN)"
        % "S-1-5-82-2346938391-3125840486-1306306810-1705824326-1878068061")
IIS_CONFIG = SOURCE_DIR / "tests" / "data" / "iis" / "coke-pepsi.config"


def sd_round_trip():
    sd = tokenlens.SecurityDescriptor.from_sddl(SDDL)
    sd.sddl
    tokenlens.SecurityDescriptor.from_bytes(bytes(sd)).dacl


def sd_bad_input():
    try:
        tokenlens.SecurityDescriptor.from_sddl("D:(A;;FA;;;SY")
    except tokenlens.ParseError:
        pass


def access_check_sids():
    r = tokenlens.access_check(SDDL, ["IIS APPPOOL\\Pepsi", "Everyone", "IIS_IUSRS"])
    assert not r.allowed


def iis_audit():
    tokenlens.IisAudit.load(IIS_CONFIG).scenario("coke", domain="CONTOSO")


def iis_isolation():
    audit = tokenlens.IisAudit.load(IIS_CONFIG)
    shared = "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;S-1-5-17)"  # both grant IUSR
    assert not audit.isolation({"coke": shared, "pepsi": shared}).holds


WORKLOADS = [sid_parse_format, sid_names_and_bytes, sid_bad_input, raw_string_out,
             token_load_walk, token_json_round_trip, token_bad_json, explain_path,
             explain_bad_dict, sd_round_trip, sd_bad_input, access_check_sids, iis_audit,
             iis_isolation]


@pytest.fixture
def counting():
    native.tl_swig_alloc_counting(True)
    try:
        yield
    finally:
        native.tl_swig_alloc_counting(False)


def native_calls(workload):
    """Calls into the extension module that one run of `workload` makes."""
    ext = native._tokenlens_native
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "c_call" and getattr(arg, "__self__", None) is ext:
            count += 1

    sys.setprofile(profile)
    try:
        workload()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda f: f.__name__)
def test_no_growth_over_100k_calls(workload, counting):
    per_run = native_calls(workload)
    assert per_run >= 1
    runs = -(-CALLS // per_run)
    for _ in range(min(WARMUP, runs)):
        workload()
    gc.collect()
    tracemalloc.start()
    try:
        c_before = native.tl_swig_alloc_outstanding()
        total_before = native.tl_swig_alloc_total()
        traced_before, _ = tracemalloc.get_traced_memory()
        rss_before = rss_bytes()
        for _ in range(runs):
            workload()
        gc.collect()
        traced_after, _ = tracemalloc.get_traced_memory()
        rss_after = rss_bytes()
        c_after = native.tl_swig_alloc_outstanding()
        total_after = native.tl_swig_alloc_total()
    finally:
        tracemalloc.stop()
    report = ("%s: %d runs x %d native calls: C outstanding %+d (of %d allocations), "
              "Python heap %+d B, RSS %+d B"
              % (workload.__name__, runs, per_run, c_after - c_before, total_after - total_before,
                 traced_after - traced_before, rss_after - rss_before))
    print(report)
    assert abs(c_after - c_before) <= C_ALLOC_BOUND, report
    assert traced_after - traced_before <= TRACED_BOUND, report
    assert rss_after - rss_before <= RSS_BOUND, report


def test_counting_hook_sees_allocations(counting):
    # The C measure is only meaningful if the hook actually observes the library.
    before = native.tl_swig_alloc_total()
    tokenlens.Token.load(SNAPSHOT)
    assert native.tl_swig_alloc_total() > before


def test_explicit_free_disowns_the_proxy():
    # %delobject: calling the free function takes ownership away from the proxy, so the
    # proxy's destructor does not free it again (no double free at garbage collection).
    raw = native.tl_token_new()
    assert raw.thisown
    native.tl_token_free(raw)
    assert not raw.thisown
    del raw
    gc.collect()


def test_objects_outlive_their_sources():
    # Values copied out of a token stay valid after the token is gone.
    t = tokenlens.Token.load(SNAPSHOT)
    groups = t.groups
    user = t.user
    del t
    gc.collect()
    assert str(groups[1].sid) == "S-1-1-0"
    assert str(user).endswith("-1105")


def test_measure_detects_a_leak(counting):
    # Control: a handle whose proxy gave up ownership and was never freed must show up.
    before = native.tl_swig_alloc_outstanding()
    leaked = []
    for _ in range(100):
        raw = native.tl_token_new()
        raw.thisown = False
        leaked.append(raw)
    assert native.tl_swig_alloc_outstanding() - before >= 100
    for raw in leaked:  # clean up explicitly
        native.tl_token_free(raw)
    assert native.tl_swig_alloc_outstanding() - before <= 0
