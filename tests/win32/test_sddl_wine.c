/*
 * Differential test against advapi32 (run under Wine in the mingw build; on real Windows the
 * same executable compares with Windows itself):
 *  1. every valid corpus row without domain-relative aliases: ConvertStringSecurityDescriptor-
 *     ToSecurityDescriptorA's self-relative bytes vs tl_sd_to_binary(), and
 *     ConvertSecurityDescriptorToStringSecurityDescriptorA's text vs tl_sd_to_sddl();
 *  2. AccessCheck with the process token vs tl_access_check() on the same token captured
 *     through tl_live_process_token().
 * Rows where Wine is known to differ from Windows (docs/sddl.md, "Wine") are reported, not
 * failed; everything else must agree.
 */
#include "tl_test.h"
#include "internal.h"
#include <windows.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wine-vs-Windows differences observed with Wine 8/9 (docs/sddl.md, "Wine"), by a
 * substring of the input. A row that differs from Wine for one of these reasons is reported,
 * not failed; every other difference fails the test. */
static const struct {
    const char *match;
    const char *why;
} wine_known[] = {
    {"(OA;", "Wine rejects object ACEs that carry GUIDs"},
    {"(OU;", "Wine rejects object ACEs that carry GUIDs"},
    {"S:P(", "Wine drops the SACL's P flag (Windows: control 0xb014 in MS-DTYP 2.5.1.4)"},
    {"S:D:P", "Wine prints SACL flags from the DACL's control bits (\"D:PS:P\")"},
    {"D:PS:", "Wine prints SACL flags from the DACL's control bits (\"D:PS:P\")"},
    {"NO_ACCESS_CONTROL", "Wine builds an empty ACL instead of a NULL ACL"},
    {"(ML;", "Wine formats ML ACEs without their type and with DS rights (\"(;;CC;;;LW)\")"},
    {" O:", "Wine rejects whitespace before a part"},
    {"S- 1", "Wine rejects whitespace inside a SID"},
    {"(XA;", "Wine does not parse conditional ACEs"},
    {"(XD;", "Wine does not parse conditional ACEs"},
    {"(xa;", "Wine does not parse conditional ACEs"},
    {"(xd;", "Wine does not parse conditional ACEs"},
    {"(RA;", "Wine does not parse resource attribute ACEs"},
    {"S-0x1-", "Wine does not switch to hex after a hex SID revision"},
    {"21474836480", "Wine truncates 48-bit SID authorities to 32 bits"},
    {"5000000000", "Wine truncates 48-bit SID authorities to 32 bits"},
};

static const char *known(const char *input)
{
    for (size_t i = 0; i < sizeof wine_known / sizeof wine_known[0]; i++)
        if (strstr(input, wine_known[i].match))
            return wine_known[i].why;
    return NULL;
}

/* Same descriptor, parts in another order: Wine writes owner, group, DACL, SACL in the order
 * they appear in the string; Windows writes SACL, DACL, owner, group (MS-DTYP 2.5.1.4). */
static bool layout_only(const uint8_t *wine, size_t wlen, const char *ours)
{
    tl_sd *sd = NULL;
    char *t = NULL;
    bool same = tl_sd_from_binary(&sd, wine, wlen) == TL_OK &&
                tl_sd_to_sddl(&t, sd, NULL) == TL_OK && strcmp(t, ours) == 0;
    tl_free(t);
    tl_sd_free(sd);
    return same;
}

static char *hex(const uint8_t *b, size_t n)
{
    char *h = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(h + 2 * i, 3, "%02x", b[i]);
    h[n * 2] = 0;
    return h;
}

static void test_sddl_against_advapi32(void **state)
{
    (void)state;
    char *text;
    size_t len;
    assert_tl_ok(tl__read_file(&text, &len, tl_test_data("sddl/roundtrip.tsv"), 1u << 22));
    int rows = 0, agree = 0, layout = 0, differ_known = 0, differ = 0, line = 0;
    for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        line++;
        if (*p == '#' || !*p)
            continue;
        char *c1 = strchr(p, '\t'), *c2 = c1 ? strchr(c1 + 1, '\t') : NULL;
        if (!c2 || strncmp(c2 + 1, "-\t", 2) != 0)
            continue; /* domain-relative rows depend on the machine's own domain */
        *c1 = 0;
        if (strstr(p, "\\t"))
            continue;
        rows++;
        tl_sd *sd = NULL;
        assert_tl_ok(tl_sd_from_sddl(&sd, p, NULL));
        char *ours = NULL;
        assert_tl_ok(tl_sd_to_sddl(&ours, sd, NULL));
        uint8_t *obin = NULL;
        size_t olen = 0;
        int brc = tl_sd_to_binary(&obin, &olen, sd);
        PSECURITY_DESCRIPTOR wsd = NULL;
        ULONG wlen = 0;
        char *wtext = NULL, *whex = NULL;
        const char *verdict = "agree";
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(p, SDDL_REVISION_1, &wsd,
                                                                  &wlen)) {
            verdict = "wine rejects";
        } else {
            whex = hex((const uint8_t *)wsd, wlen);
            LPSTR s = NULL;
            SECURITY_INFORMATION si = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                      DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION |
                                      LABEL_SECURITY_INFORMATION;
            if (ConvertSecurityDescriptorToStringSecurityDescriptorA(wsd, SDDL_REVISION_1, si, &s,
                                                                     NULL)) {
                wtext = _strdup(s);
                LocalFree(s);
            }
            char *ohex = brc == TL_OK ? hex(obin, olen) : _strdup("(none)");
            if (strcmp(ohex, whex) != 0)
                verdict = layout_only((const uint8_t *)wsd, wlen, ours) ? "layout differs"
                                                                        : "binary differs";
            else if (!wtext || strcmp(wtext, ours) != 0)
                verdict = "text differs";
            if (strcmp(verdict, "agree") != 0)
                printf("  row %d %s:\n    input %s\n    ours  %s\n    wine  %s\n    ours  %s\n"
                       "    wine  %s\n",
                       line, verdict, p, ours, wtext ? wtext : "(failed)", ohex, whex);
            free(ohex);
            LocalFree(wsd);
        }
        if (strcmp(verdict, "wine rejects") == 0)
            printf("  row %d wine rejects: %s (ours: %s)\n", line, p, ours);
        if (strcmp(verdict, "agree") == 0) {
            agree++;
        } else if (strcmp(verdict, "layout differs") == 0 && (!wtext || strcmp(wtext, ours) == 0)) {
            layout++;
        } else if (known(p)) {
            printf("    known Wine difference: %s\n", known(p));
            differ_known++;
        } else {
            printf("    UNEXPLAINED\n");
            differ++;
        }
        free(wtext);
        free(whex);
        tl_free(obin);
        tl_free(ours);
        tl_sd_free(sd);
    }
    tl_free(text);
    printf("advapi32 differential: %d rows, %d agree, %d differ only in part order, %d known "
           "Wine differences, %d unexplained\n",
           rows, agree, layout, differ_known, differ);
    assert_true(agree > 0);
    assert_int_equal(differ, 0);
}

/* AccessCheck vs tl_access_check on the process token. Masks avoid generic bits, WRITE_OWNER
 * and ACCESS_SYSTEM_SECURITY, which depend on privileges. */
static const struct {
    const char *sddl;
    DWORD desired;
} access_rows[] = {
    {"O:BAG:BAD:(A;;0x1;;;WD)", 0x1},
    {"O:BAG:BAD:(A;;0x1;;;WD)", 0x3},
    {"O:BAG:BAD:(D;;0x2;;;WD)(A;;0x3;;;WD)", 0x3},
    {"O:BAG:BAD:(D;;0x2;;;WD)(A;;0x3;;;WD)", 0x1},
    {"O:BAG:BAD:(A;;0x3;;;WD)(D;;0x2;;;WD)", 0x3},
    {"O:BAG:BAD:", 0x1},
    {"O:BAG:BAD:", 0x20000},              /* READ_CONTROL: the owner's implicit right */
    {"O:BAG:BAD:", 0x40000},              /* WRITE_DAC: likewise */
    {"O:BAG:BAD:(A;;0x1;;;OW)", 0x40000}, /* OWNER RIGHTS suppresses it (not in Wine) */
    {"O:SYG:SYD:", 0x20000},              /* not the owner */
    {"O:BAG:BAD:(A;IO;0x1;;;WD)", 0x1},
    {"O:BAG:BAD:(A;;0x1;;;BU)(A;;0x2;;;WD)", 0x3},
    {"O:BAG:BA", 0x1}, /* no DACL at all */
    {"O:BAG:BAD:(A;;0x1;;;S-1-5-21-1-2-3-4)", 0x1},
};

static void test_access_against_advapi32(void **state)
{
    (void)state;
    HANDLE proc = NULL, imp = NULL;
    assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &proc));
    assert_true(DuplicateToken(proc, SecurityImpersonation, &imp));
    tl_token *tok = NULL;
    assert_tl_ok(tl_live_process_token(&tok));
    GENERIC_MAPPING gm = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                          FILE_ALL_ACCESS};
    int differ = 0;
    for (size_t i = 0; i < sizeof access_rows / sizeof access_rows[0]; i++) {
        PSECURITY_DESCRIPTOR wsd = NULL;
        assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorA(
            access_rows[i].sddl, SDDL_REVISION_1, &wsd, NULL));
        BYTE privbuf[256];
        DWORD privlen = sizeof privbuf, granted = 0;
        BOOL status = FALSE;
        BOOL ok = AccessCheck(wsd, imp, access_rows[i].desired, &gm, (PPRIVILEGE_SET)privbuf,
                              &privlen, &granted, &status);
        LocalFree(wsd);
        tl_sd *sd;
        assert_tl_ok(tl_sd_from_sddl(&sd, access_rows[i].sddl, NULL));
        tl_access_options o = TL_ACCESS_OPTIONS_INIT;
        o.flags = TL_ACCESS_RAW_ACE_MASKS | TL_ACCESS_NO_PRIVILEGES | TL_ACCESS_NO_INTEGRITY;
        tl_access_result *r;
        assert_tl_ok(tl_access_check(&r, sd, tok, access_rows[i].desired, &o));
        bool ours = tl_access_result_allowed(r);
        bool theirs = ok && status;
        if (ours != theirs || (theirs && granted != tl_access_result_granted(r))) {
            char *e = NULL;
            tl_access_result_explain(&e, r);
            printf("  access row %zu %s desired 0x%lx: wine %s (ok %d, granted 0x%lx, error "
                   "%lu), ours:\n%s",
                   i, access_rows[i].sddl, (unsigned long)access_rows[i].desired,
                   theirs ? "ALLOWED" : "DENIED", ok, (unsigned long)granted,
                   (unsigned long)GetLastError(), e ? e : "?");
            tl_free(e);
            if (strstr(access_rows[i].sddl, ";;;OW)"))
                printf("    known Wine difference: Wine ignores OWNER RIGHTS (S-1-3-4)\n");
            else
                differ++;
        }
        tl_access_result_free(r);
        tl_sd_free(sd);
    }
    printf("AccessCheck differential: %zu rows, %d differ\n",
           sizeof access_rows / sizeof access_rows[0], differ);
    tl_token_free(tok);
    CloseHandle(imp);
    CloseHandle(proc);
    assert_int_equal(differ, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sddl_against_advapi32),
        cmocka_unit_test(test_access_against_advapi32),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
