/*
 * tl_sd_from_path (GetNamedSecurityInfoW) on Windows, run under Wine in the mingw build: a
 * file this test creates has a descriptor with an owner and a DACL that parses and formats;
 * a missing path is TL_ENOTFOUND with the path in the message; bad arguments are TL_EINVAL.
 */
#include "tl_test.h"
#include <windows.h>
#include <stdio.h>
#include <string.h>

static void test_own_file(void **state)
{
    (void)state;
    char dir[MAX_PATH], path[MAX_PATH];
    assert_true(GetTempPathA(sizeof dir, dir) > 0);
    snprintf(path, sizeof path, "%stl_sd_path_%lu.txt", dir, (unsigned long)GetCurrentProcessId());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("tokenlens", f);
    fclose(f);
    tl_sd *sd = NULL;
    assert_tl_ok(tl_sd_from_path(&sd, path, 0));
    assert_non_null(sd);
    assert_non_null(tl_sd_owner(sd));
    assert_true(tl_sd_acl_present(sd, TL_ACL_DACL));
    char *sddl = NULL;
    assert_tl_ok(tl_sd_to_sddl(&sddl, sd, NULL));
    assert_true(strncmp(sddl, "O:", 2) == 0);
    printf("  %s: %s\n", path, sddl);
    tl_free(sddl);
    tl_sd_free(sd);
    /* The owner alone (Wine hands back the DACL too, so only the owner is checked). */
    assert_tl_ok(tl_sd_from_path(&sd, path, TL_SD_PART_OWNER));
    assert_non_null(tl_sd_owner(sd));
    tl_sd_free(sd);
    DeleteFileA(path);
}

static void test_errors(void **state)
{
    (void)state;
    tl_sd *sd = (tl_sd *)1;
    assert_int_equal(tl_sd_from_path(&sd, "C:\\no\\such\\tokenlens\\file.txt", 0), TL_ENOTFOUND);
    assert_null(sd);
    assert_non_null(strstr(tl_error_last()->message, "file.txt"));
    assert_int_equal(tl_sd_from_path(NULL, "x", 0), TL_EINVAL);
    assert_int_equal(tl_sd_from_path(&sd, NULL, 0), TL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_file),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
