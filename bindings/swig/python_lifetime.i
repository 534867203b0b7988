/*
 * python_lifetime.i — views keep their parent alive (issue 18 item 8; included from python.i).
 *
 * Every function of the C API that returns a pointer it does not hand over (an ACE of a
 * descriptor, a hop of an explanation, a site of an IIS audit, a SID inside a token, a field
 * of such a view) returns memory owned by its FIRST argument. The raw proxy for it stores
 * that argument as `_tl_parent`, so the parent is released only after the last view of it:
 * `ace = tl_sd_ace_at(sd, ...); del sd; ace.mask` reads live memory. A chain holds: a SID
 * field of an ACE keeps the ACE proxy, which keeps the descriptor.
 *
 * SWIG 4 names the wrapper's Python arguments swig_obj[]; the first is the parent. The types
 * listed are the library's view types; tl_error (thread-local, no argument) and
 * tl_sid_wellknown (a static table) are left out. tests/python/test_lifetime.py enumerates
 * the wrapper's borrowing getters so a new one cannot be missed.
 */

%{
/* Store `parent` on the proxy `child` (a SWIG shadow instance); a NULL view is None. */
static int tl_swig_py_keep_parent(PyObject *child, PyObject *parent)
{
    if (!child || child == Py_None || !parent || parent == Py_None)
        return 0;
    return PyObject_SetAttrString(child, "_tl_parent", parent);
}
%}

%define TL_VIEW_OF_FIRST_ARGUMENT(TYPE)
%typemap(ret) TYPE *, const TYPE * {
    if (tl_swig_py_keep_parent($result, swig_obj[0]) < 0) {
        Py_XDECREF($result);
        $result = NULL;
        SWIG_fail;
    }
}
%enddef

TL_VIEW_OF_FIRST_ARGUMENT(tl_sid)
TL_VIEW_OF_FIRST_ARGUMENT(tl_guid)
TL_VIEW_OF_FIRST_ARGUMENT(tl_sid_and_attributes)
TL_VIEW_OF_FIRST_ARGUMENT(tl_privilege)
TL_VIEW_OF_FIRST_ARGUMENT(tl_token)
TL_VIEW_OF_FIRST_ARGUMENT(tl_probe_step)
TL_VIEW_OF_FIRST_ARGUMENT(tl_explained_hop)
TL_VIEW_OF_FIRST_ARGUMENT(tl_ace)
TL_VIEW_OF_FIRST_ARGUMENT(tl_sd)
TL_VIEW_OF_FIRST_ARGUMENT(tl_access_reason)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_identity)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_pool)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_auth)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_site)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_app)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_shared_identity)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_finding)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_isolation_check)
TL_VIEW_OF_FIRST_ARGUMENT(tl_iis_audit)
TL_VIEW_OF_FIRST_ARGUMENT(tl_connection)
TL_VIEW_OF_FIRST_ARGUMENT(tl_webconfig)
