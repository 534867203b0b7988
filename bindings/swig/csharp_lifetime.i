/*
 * csharp_lifetime.i — C# views keep their parent alive (issue 18 item 8; included from
 * csharp.i before tokenlens.i).
 *
 * A proxy the raw TokenLensNative class returns for a borrowed pointer (an ACE of a
 * descriptor, a site of an audit, the tokens of a whoami document ...) and a struct field of
 * a view (Ace.Sid, IisApp.Pool, IisIdentity.Sid ...) point into memory another proxy owns.
 * Without a reference to that proxy, the garbage collector may finalize it (tl_*_free) while
 * the view is still read: a use-after-free. Each proxy class gets a field holding its parent;
 * the getters below set it (static functions: their first argument; fields: `this`).
 * The PowerShell cmdlets copy what they read and were not affected.
 */

/* every proxy class can hold the object whose memory it points into */
%typemap(cscode) SWIGTYPE %{
  internal object swigParentRef;
%}

/* struct fields of struct type (Ace.Sid, IisApp.Auth) and pointer fields (IisApp.Pool) */
%define TL_CS_VIEW_FIELD(TYPE)
%typemap(csvarout, excode=SWIGEXCODE2) TYPE *, const TYPE *, TYPE %{
    get {
      global::System.IntPtr cPtr = $imcall;
      $csclassname ret = (cPtr == global::System.IntPtr.Zero) ? null : new $csclassname(cPtr, $owner);$excode
      if (ret != null) ret.swigParentRef = this;
      return ret;
    } %}
%enddef
TL_CS_VIEW_FIELD(tl_sid)
TL_CS_VIEW_FIELD(tl_guid)
TL_CS_VIEW_FIELD(tl_iis_identity)
TL_CS_VIEW_FIELD(tl_iis_pool)
TL_CS_VIEW_FIELD(tl_iis_auth)

/* functions returning a view of their first argument, PARAM being its C# name */
%define TL_CS_VIEW_FN(TYPE, FUNC, PARAM)
%typemap(csout, excode=SWIGEXCODE) TYPE *FUNC, const TYPE *FUNC {
    global::System.IntPtr cPtr = $imcall;
    $csclassname ret = (cPtr == global::System.IntPtr.Zero) ? null : new $csclassname(cPtr, $owner);$excode
    if (ret != null) ret.swigParentRef = PARAM;
    return ret;
  }
%enddef
TL_CS_VIEW_FN(tl_token, tl_probe_process_token, Probe)
TL_CS_VIEW_FN(tl_probe_step, tl_probe_step_at, Probe)
TL_CS_VIEW_FN(tl_token, tl_probe_step_token, Probe)
TL_CS_VIEW_FN(tl_sid, tl_sd_owner, Sd)
TL_CS_VIEW_FN(tl_sid, tl_sd_group, Sd)
TL_CS_VIEW_FN(tl_ace, tl_sd_ace_at, Sd)
TL_CS_VIEW_FN(tl_access_reason, tl_access_result_reason_at, R)
TL_CS_VIEW_FN(tl_iis_site, tl_iis_site_at, Audit)
TL_CS_VIEW_FN(tl_iis_app, tl_iis_site_app, Site)
TL_CS_VIEW_FN(tl_iis_pool, tl_iis_pool_at, Audit)
TL_CS_VIEW_FN(tl_iis_shared_identity, tl_iis_shared_at, Audit)
TL_CS_VIEW_FN(tl_iis_finding, tl_iis_finding_at, Audit)
TL_CS_VIEW_FN(tl_iis_isolation_check, tl_iis_isolation_at, Iso)
TL_CS_VIEW_FN(tl_token, tl_whoami_process, W)
TL_CS_VIEW_FN(tl_token, tl_whoami_thread, W)
TL_CS_VIEW_FN(tl_token, tl_whoami_effective, W)
TL_CS_VIEW_FN(tl_sd, tl_iis_content_sd, C)
TL_CS_VIEW_FN(tl_connection, tl_webconfig_connection_at, W)
TL_CS_VIEW_FN(tl_iis_audit, tl_server_audit, S)
TL_CS_VIEW_FN(tl_webconfig, tl_server_webconfig, S)
TL_CS_VIEW_FN(tl_sid, tl_ad_domain_sid, Ad)
TL_CS_VIEW_FN(tl_sid, tl_ad_account_sid, A)
TL_CS_VIEW_FN(tl_sid, tl_ad_account_allowed_to_act_sid, A)
