/* Live capture off Windows: every entry point says so, with a hint (TL_ENOTSUP). */
#include "internal.h"
#include "tokenlens/live.h"

#define NEEDS_WINDOWS "live capture needs Windows (load a snapshot saved there instead)"

bool tl_live_supported(void)
{
    return false;
}

static int unsupported(tl_token **out)
{
    if (out)
        *out = NULL;
    return tl__error(TL_ENOTSUP, NEEDS_WINDOWS);
}

int tl_live_process_token(tl_token **out)
{
    return unsupported(out);
}
int tl_live_thread_token(tl_token **out)
{
    return unsupported(out);
}
int tl_live_effective_token(tl_token **out)
{
    return unsupported(out);
}

int tl_live_probe_impersonation(tl_probe **out)
{
    if (out)
        *out = NULL;
    return tl__error(TL_ENOTSUP, NEEDS_WINDOWS);
}

void tl_probe_free(tl_probe *probe)
{
    (void)probe;
}
const tl_token *tl_probe_process_token(const tl_probe *probe)
{
    (void)probe;
    return NULL;
}
size_t tl_probe_step_count(const tl_probe *probe)
{
    (void)probe;
    return 0;
}
const tl_probe_step *tl_probe_step_at(const tl_probe *probe, size_t i)
{
    (void)probe;
    (void)i;
    return NULL;
}
const tl_token *tl_probe_step_token(const tl_probe *probe, size_t i)
{
    (void)probe;
    (void)i;
    return NULL;
}
bool tl_probe_thread_reverted(const tl_probe *probe)
{
    (void)probe;
    return false;
}
