# TokenLens PowerShell module: Verb-Noun cmdlets over the tokenlens C library, reached through
# SWIG's C# output (TokenLens.dll + libtokenlens_csharp). Every cmdlet writes plain objects with
# a PSTypeName (views in TokenLens.format.ps1xml) and turns library errors into terminating
# errors whose category follows the error code (parse error, not found, not supported...).
Set-StrictMode -Version 3.0

# ---- native library for this OS (issue 16) ----
# The published module holds runtimes/win-x64/native and runtimes/linux-x64/native; load the one
# for the running OS before the first call into it (see src/NativeLoader.cs).
$script:TLNativeLibrary = [TokenLens.NativeLoader]::Preload($PSScriptRoot)
# ---- end native library (issue 16) ----

# ---- helpers (not exported) ----------------------------------------------------------------

# The TokenLensException behind a PowerShell error (method calls wrap it).
function Get-TLInnerException([System.Exception] $Exception) {
    $e = $Exception
    while ($null -ne $e -and $e -isnot [TokenLens.TokenLensException] -and $null -ne $e.InnerException) {
        $e = $e.InnerException
    }
    $e
}

function New-TLErrorRecord {
    param([System.Exception] $Exception, [object] $Target, [string] $Activity)
    $e = Get-TLInnerException $Exception
    $category = [System.Management.Automation.ErrorCategory]::NotSpecified
    $id = 'TokenLens.Error'
    if ($e -is [TokenLens.TokenLensException]) {
        $id = 'TokenLens.' + $e.ErrorName
        # One row per tl_error_code (common.h); tests/abi/check_error_tables.py keeps
        # this table, _errors.py and TokenLensException.cs complete against the header.
        $category = switch ($e.ErrorName) {
            'TL_ENOMEM' { [System.Management.Automation.ErrorCategory]::ResourceUnavailable }
            'TL_EINVAL' { [System.Management.Automation.ErrorCategory]::InvalidArgument }
            'TL_EPARSE' { [System.Management.Automation.ErrorCategory]::ParserError }
            'TL_ERANGE' { [System.Management.Automation.ErrorCategory]::InvalidArgument }
            'TL_ENOTFOUND' { [System.Management.Automation.ErrorCategory]::ObjectNotFound }
            'TL_ENOTSUP' { [System.Management.Automation.ErrorCategory]::NotImplemented }
            'TL_ENOTIMPL' { [System.Management.Automation.ErrorCategory]::NotImplemented }
            'TL_EOS' { [System.Management.Automation.ErrorCategory]::OperationStopped }
            'TL_EIO' { [System.Management.Automation.ErrorCategory]::ReadError }
            'TL_ELIMIT' { [System.Management.Automation.ErrorCategory]::ParserError }
            'TL_EAUTH' { [System.Management.Automation.ErrorCategory]::AuthenticationError }
            'TL_ESTATE' { [System.Management.Automation.ErrorCategory]::InvalidOperation }
            default { [System.Management.Automation.ErrorCategory]::NotSpecified }
        }
    }
    elseif ($e -is [System.ArgumentException]) {
        $category = [System.Management.Automation.ErrorCategory]::InvalidArgument
    }
    $record = [System.Management.Automation.ErrorRecord]::new($e, $id, $category, $Target)
    if ($Activity) { $record.CategoryInfo.Activity = $Activity }
    $record
}

function Resolve-TLInputPath {
    # A path relative to PowerShell's current location (not the process's), that must exist.
    param([string] $Path, [System.Management.Automation.PSCmdlet] $Cmdlet)
    $full = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    if (-not (Test-Path -LiteralPath $full -PathType Leaf)) {
        $ex = [System.Management.Automation.ItemNotFoundException]::new(
            "Cannot find file '$Path' because it does not exist.")
        $Cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                $ex, 'TokenLens.FileNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Path))
    }
    $full
}

# A TokenLens.Sid -> TokenLens.SidInfo object. $Typed: the name the user typed; the library
# gives its canonical name (tl_sid_resolve_name: IIS APPPOOL\Coke for 'iis apppool\Coke'),
# and the kind's word (tl_sid_kind_name), so this prints what `tokenlens sid` prints.
function ConvertTo-TLSidInfo([TokenLens.Sid] $Sid, [string] $Typed, [TokenLens.Sid] $Domain) {
    $kind = $Sid.KindName()
    $name = if ($Typed) { [TokenLens.Sid]::ResolveName($Typed, $Domain) } else { $Sid.AccountName() }
    $info = [pscustomobject]@{
        PSTypeName = 'TokenLens.SidInfo'
        Sid        = $Sid.ToString()
        Name       = $name
        Kind       = $kind
        SddlAlias  = $Sid.SddlAlias()
    }
    # Shown inside other objects (a token's User, Owner): "NAME (SID)" or the SID.
    $info | Add-Member -MemberType ScriptMethod -Name ToString -Force -Value {
        if ($this.Name) { '{0} ({1})' -f $this.Name, $this.Sid } else { $this.Sid }
    } -PassThru
}

function ConvertTo-TLSidOrNull([TokenLens.Sid] $Sid) {
    if ($null -eq $Sid) { return $null }
    try { ConvertTo-TLSidInfo $Sid $null } finally { $Sid.Dispose() }
}

# A native TokenLens.Token -> TokenLens.Token object (plain data; the JSON snapshot rides along
# in .Snapshot so Export-TLToken can write it back exactly).
function ConvertTo-TLTokenObject([TokenLens.Token] $Token, [string] $Source) {
    $groups = [System.Collections.Generic.List[object]]::new()
    for ($i = 0; $i -lt $Token.GroupCount(); $i++) {
        $g = $Token.GetGroup($i)
        try {
            $s = $g.GetSid()
            try {
                $groups.Add([pscustomobject]@{
                        PSTypeName = 'TokenLens.TokenGroup'
                        Sid        = $s.ToString()
                        Name       = $s.AccountName()
                        Attributes = $g.AttributesText()
                        Flags      = $g.Attributes
                    })
            } finally { $s.Dispose() }
        } finally { $g.Dispose() }
    }
    $privileges = [System.Collections.Generic.List[object]]::new()
    for ($i = 0; $i -lt $Token.PrivilegeCount(); $i++) {
        $p = $Token.GetPrivilege($i)
        try {
            $privileges.Add([pscustomobject]@{
                    PSTypeName = 'TokenLens.TokenPrivilege'
                    Name       = $p.Name
                    Enabled    = [bool]($p.Attributes -band 2)
                    Attributes = $p.AttributesText()
                    Luid       = $p.Luid
                })
        } finally { $p.Dispose() }
    }
    $level = $Token.ImpersonationLevel()
    $elevated = if ($Token.HasElevation()) { $Token.Elevated() } else { $null }
    [pscustomobject]@{
        PSTypeName         = 'TokenLens.Token'
        User               = ConvertTo-TLSidOrNull $Token.UserSid()
        Type               = [TokenLens.TokenLensNative]::TlTokenTypeName($Token.TokenType())
        ImpersonationLevel = if ($level -ge 0) { [TokenLens.TokenLensNative]::TlImpersonationLevelName($level) } else { $null }
        IntegrityLevel     = if ($Token.HasIntegrity()) { [TokenLens.TokenLensNative]::TlIntegrityName($Token.IntegrityRid()) } else { $null }
        Elevated           = $elevated
        ElevationType      = [TokenLens.TokenLensNative]::TlElevationTypeName($Token.ElevationType())
        SessionId          = $Token.SessionId()
        LogonId            = if ($Token.HasLogonId()) { '0x{0:x}' -f $Token.LogonId() } else { $null }
        LogonPackage       = $Token.LogonPackage()
        LogonType          = [TokenLens.TokenLensNative]::TlLogonTypeName($Token.LogonType())
        LogonDomain        = $Token.LogonDomain()
        LogonUser          = $Token.LogonUser()
        Owner              = ConvertTo-TLSidOrNull $Token.OwnerSid()
        PrimaryGroup       = ConvertTo-TLSidOrNull $Token.PrimaryGroupSid()
        Groups             = $groups.ToArray()
        Privileges         = $privileges.ToArray()
        Source             = $Source
        Snapshot           = $Token.ToJson()
    }
}

# `tokenlens whoami --save` writes {"process": T, "thread": T|null, "effective": T}; a plain
# snapshot is one T. Returns one entry per token: Role and the member's JSON text, or a single
# entry with Json = $null for a plain snapshot (loaded by the library itself, which then
# reports errors with the file name and JSON path).
function Get-TLWhoamiMembers([string] $Path) {
    $plain = [pscustomobject]@{ Role = $null; Json = $null }
    $members = [System.Collections.Generic.List[object]]::new()
    $doc = $null
    try {
        # The library's reader first: it refuses a FIFO or device at once (ReadAllText would
        # block on one forever), and the caller's Token.Load then reports why (issue 18).
        ([TokenLens.Token]::Load($Path)).Dispose()
        $text = [System.IO.File]::ReadAllText($Path)
        if ('System.Text.Json.JsonDocument' -as [type]) {
            # Raw member text: no number or date conversion on the way back to the library.
            $doc = [System.Text.Json.JsonDocument]::Parse($text)
            $root = $doc.RootElement
            $el = [System.Text.Json.JsonElement]::new()
            if ($root.ValueKind -ne 'Object' -or $root.TryGetProperty('tokenlens_token', [ref]$el)) { return , $plain }
            foreach ($role in 'process', 'thread', 'effective') {
                if ($root.TryGetProperty($role, [ref]$el) -and $el.ValueKind -eq 'Object') {
                    $members.Add([pscustomobject]@{ Role = $role; Json = $el.GetRawText() })
                }
            }
        } else {
            # Windows PowerShell 5.1 has no System.Text.Json.
            $obj = $text | ConvertFrom-Json
            if ($null -ne $obj.PSObject.Properties['tokenlens_token']) { return , $plain }
            foreach ($role in 'process', 'thread', 'effective') {
                if ($null -ne $obj.PSObject.Properties[$role] -and $null -ne $obj.$role) {
                    $members.Add([pscustomobject]@{ Role = $role; Json = ($obj.$role | ConvertTo-Json -Depth 32) })
                }
            }
        }
    } catch {
        # Unreadable or not JSON: the library loads it and reports where it breaks.
        return , $plain
    } finally {
        if ($null -ne $doc) { $doc.Dispose() }
    }
    if ($members.Count -eq 0) { return , $plain }
    $members.ToArray()
}

# ---- SIDs ------------------------------------------------------------------------------------

function Get-TLSid {
    <#
    .SYNOPSIS
    Resolves account names and SIDs offline, including IIS application pool and service SIDs.

    .DESCRIPTION
    Turns a name (IIS APPPOOL\<pool>, NT SERVICE\<service>, a well-known name such as
    NT AUTHORITY\IUSR or BUILTIN\IIS_IUSRS, an SDDL alias such as BA or NS, or a string SID)
    into a TokenLens.SidInfo object with the canonical Sid, the Name Windows shows, the Kind of
    account and its SDDL alias. Nothing is looked up on a domain or on Windows: virtual-account
    SIDs (S-1-5-82-..., S-1-5-80-...) are computed with the same SHA-1 rule Windows uses, so
    this works on any machine.

    .PARAMETER Name
    One or more names to resolve. Accepts pipeline input (strings, or objects with a Name).

    .PARAMETER Sid
    One or more string SIDs (S-1-5-17) to parse and name. Accepts objects with a Sid property.

    .PARAMETER DomainSid
    Domain SID (S-1-5-21-a-b-c) for domain-relative names and aliases such as DU or DA.

    .EXAMPLE
    Get-TLSid -Name 'IIS APPPOOL\DefaultAppPool'

    The SID to grant when a site's files must be readable by the DefaultAppPool pool:
    S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415.

    .EXAMPLE
    'IUSR', 'IIS_IUSRS', 'NS' | Get-TLSid

    Resolves several names from the pipeline.

    .EXAMPLE
    Get-TLSid -Sid S-1-5-20

    Names a SID: NT AUTHORITY\NETWORK SERVICE.

    .OUTPUTS
    TokenLens.SidInfo
    #>
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType('TokenLens.SidInfo')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Name', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Name,

        [Parameter(Mandatory, ParameterSetName = 'Sid', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Sid,

        [string] $DomainSid
    )
    begin {
        $domain = $null
        if ($DomainSid) {
            try { $domain = [TokenLens.Sid]::Parse($DomainSid) }
            catch { $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $DomainSid 'Get-TLSid -DomainSid')) }
        }
    }
    process {
        $items = if ($PSCmdlet.ParameterSetName -eq 'Sid') { $Sid } else { $Name }
        foreach ($item in $items) {
            $s = $null
            try {
                $s = if ($PSCmdlet.ParameterSetName -eq 'Sid') { [TokenLens.Sid]::Parse($item) }
                     else { [TokenLens.Sid]::Resolve($item, $domain) }
                ConvertTo-TLSidInfo $s $(if ($PSCmdlet.ParameterSetName -eq 'Sid') { $null } else { $item }) $domain
            } catch {
                $PSCmdlet.WriteError((New-TLErrorRecord $_.Exception $item 'Get-TLSid'))
            } finally {
                if ($null -ne $s) { $s.Dispose() }
            }
        }
    }
    end {
        if ($null -ne $domain) { $domain.Dispose() }
    }
}

# ---- token snapshots -------------------------------------------------------------------------

function Import-TLToken {
    <#
    .SYNOPSIS
    Loads token snapshots (JSON) saved by Export-TLToken or `tokenlens whoami --save`.

    .DESCRIPTION
    Reads a portable token snapshot - user, groups and their attributes, privileges, owner,
    primary group, token type, impersonation level, integrity level, elevation and logon
    session - so a token captured on a Windows server can be examined anywhere. The file is
    validated strictly: a malformed snapshot is a terminating error naming the JSON path.
    A whoami file (`tokenlens whoami --save`) gives one object per token it holds, with Role
    set to process, thread or effective; a single snapshot gives one object with Role $null.

    .PARAMETER Path
    Snapshot file(s); wildcards are expanded (*.token.json). Accepts pipeline input, including
    FileInfo objects from Get-ChildItem. A file that does not exist, or a pattern that matches
    nothing, is a non-terminating error for that item; the others are still read.

    .PARAMETER LiteralPath
    Snapshot file(s), taken as typed: no wildcard characters ([, ], *, ?) are expanded.

    .PARAMETER WhoamiText
    The text of `whoami /all` (or /user, /groups, /priv, /fo list, /fo csv) as copied from a
    console; also from the pipeline: `whoami /all | Import-TLToken`. Gives one token with Role
    process (docs/whoami-import.md).

    .EXAMPLE
    Import-TLToken -Path .\web01-apppool.json | Select-Object -ExpandProperty Groups

    Lists the groups of a saved token.

    .EXAMPLE
    Get-ChildItem *.token.json | Import-TLToken | Format-Table User, ImpersonationLevel, LogonType

    .EXAMPLE
    whoami /all | Import-TLToken | Select-Object -ExpandProperty Privileges

    .EXAMPLE
    Import-TLToken .\web01-whoami.json | Where-Object Role -eq 'effective'

    The identity the thread acted as when `tokenlens whoami --save` ran on the server.

    .OUTPUTS
    TokenLens.Token
    #>
    [CmdletBinding(DefaultParameterSetName = 'Pipeline')]
    [OutputType('TokenLens.Token')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [Alias('FullName', 'PSPath')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,
        [Parameter(Mandatory, ParameterSetName = 'LiteralPath')]
        [Alias('LP')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,
        # The text of `whoami /all` (or /user, /groups, /priv, /fo list, /fo csv).
        [Parameter(Mandatory, ParameterSetName = 'Whoami')]
        [AllowEmptyString()]
        [string[]] $WhoamiText,
        # From the pipeline: FileInfo objects or strings naming snapshot files are loaded as
        # before; other strings are lines of whoami text (`whoami /all | Import-TLToken`).
        [Parameter(ValueFromPipeline, ParameterSetName = 'Pipeline')]
        [AllowEmptyString()]
        [AllowNull()]
        [object] $InputObject
    )
    begin { $tlWhoamiLines = [System.Collections.Generic.List[string]]::new() }
    end {
        if ($PSCmdlet.ParameterSetName -eq 'Whoami') {
            foreach ($l in $WhoamiText) { foreach ($x in ($l -split "`r?`n")) { $tlWhoamiLines.Add($x) } }
        }
        if (-not ($tlWhoamiLines | Where-Object { $_ })) { return }
        $t = $null
        try {
            $t = [TokenLens.Token]::FromWhoami(($tlWhoamiLines -join "`n"))
            ConvertTo-TLTokenObject $t 'whoami' | Add-Member -NotePropertyName Role -NotePropertyValue 'process' -PassThru
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception 'whoami text' 'Import-TLToken'))
        } finally {
            if ($null -ne $t) { $t.Dispose() }
        }
    }
    process {
        if ($PSCmdlet.ParameterSetName -eq 'Whoami') { return }
        $files = $null
        if ($PSCmdlet.ParameterSetName -eq 'Pipeline') {
            if ($null -eq $InputObject) { return }
            if ($InputObject -is [string]) {
                if ($InputObject -and (Test-Path -LiteralPath $InputObject -PathType Leaf)) {
                    $LiteralPath = @($InputObject)
                } else {
                    foreach ($x in ($InputObject -split "`r?`n")) { $tlWhoamiLines.Add($x) }
                    return
                }
            } elseif ($InputObject.PSObject.Properties['FullName']) {
                $LiteralPath = @([string]$InputObject.FullName)
            } elseif ($InputObject.PSObject.Properties['PSPath']) {
                $LiteralPath = @([string]$InputObject.PSPath)
            } else {
                $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord ([System.ArgumentException]::new('expected a snapshot path, a file, or whoami text')) "$InputObject" 'Import-TLToken'))
            }
        }
        # Missing files and patterns that match nothing are non-terminating errors, per item.
        $files = if ($LiteralPath) { Resolve-TLPathList $PSCmdlet $null $LiteralPath 'Import-TLToken' } else { Resolve-TLPathList $PSCmdlet $Path $null 'Import-TLToken' }
        foreach ($full in @($files)) {
            $p = $full
            foreach ($member in Get-TLWhoamiMembers $full) {
                $t = $null
                try {
                    $t = if ($null -eq $member.Json) { [TokenLens.Token]::Load($full) } else { [TokenLens.Token]::FromJson($member.Json) }
                    ConvertTo-TLTokenObject $t $full | Add-Member -NotePropertyName Role -NotePropertyValue $member.Role -PassThru
                } catch {
                    $what = if ($member.Role) { "$p ($($member.Role) token)" } else { $p }
                    $PSCmdlet.WriteError((New-TLErrorRecord $_.Exception $what 'Import-TLToken'))
                } finally {
                    if ($null -ne $t) { $t.Dispose() }
                }
            }
        }
    }
}

function Export-TLToken {
    <#
    .SYNOPSIS
    Saves a token object (from Get-TLToken or Import-TLToken) as a portable JSON snapshot.

    .DESCRIPTION
    Writes the versioned snapshot format (docs/token-snapshot.md) that Import-TLToken and
    `tokenlens whoami --snapshot` read on any platform. Capture on the server, analyse elsewhere.

    .PARAMETER InputObject
    A TokenLens.Token object. Accepts pipeline input.

    .PARAMETER Path
    File to write. Relative paths are relative to the current PowerShell location.

    .PARAMETER PassThru
    Also write the token object to the pipeline.

    .EXAMPLE
    Get-TLToken -Effective | Export-TLToken -Path C:\temp\effective.json

    On Windows: saves the identity the current thread acts as.

    .EXAMPLE
    Import-TLToken a.json | Export-TLToken -Path b.json

    Re-writes a snapshot in canonical form.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [psobject] $InputObject,

        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [switch] $PassThru
    )
    process {
        if (-not (Test-TLObjectType $InputObject 'Token') -or
            $null -eq $InputObject.PSObject.Properties['Snapshot']) {
            $ex = [System.ArgumentException]::new('Export-TLToken expects a TokenLens.Token object (from Get-TLToken or Import-TLToken).')
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                    $ex, 'TokenLens.NotAToken', [System.Management.Automation.ErrorCategory]::InvalidType, $InputObject))
        }
        $full = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
        if ($PSCmdlet.ShouldProcess($full, 'Write token snapshot')) {
            $t = $null
            try {
                $t = [TokenLens.Token]::FromJson([string]$InputObject.Snapshot)
                $t.Save($full)
            } catch {
                $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $Path 'Export-TLToken'))
            } finally {
                if ($null -ne $t) { $t.Dispose() }
            }
        }
        if ($PassThru) { $InputObject }
    }
}

function Get-TLToken {
    <#
    .SYNOPSIS
    Captures the live process, thread or effective token (Windows only).

    .DESCRIPTION
    Reads the access token of this PowerShell process (-Process), the calling thread's
    impersonation token (-Thread), or whichever of the two the thread acts as right now
    (-Effective, the default): user, groups, privileges, impersonation level, integrity level,
    elevation, and the logon session's authentication package and logon type.
    Live capture needs Windows; elsewhere this is a terminating error (NotImplemented) - load a
    snapshot saved on Windows with Import-TLToken instead.

    .PARAMETER Process
    The process's primary token.

    .PARAMETER Thread
    The calling thread's impersonation token; an ObjectNotFound error when the thread is not
    impersonating.

    .PARAMETER Effective
    The thread token when impersonating, else the process token (the default).

    .EXAMPLE
    Get-TLToken -Process | Select-Object User, IntegrityLevel, Elevated

    .EXAMPLE
    Get-TLToken -Effective | Export-TLToken -Path .\at-db-call.json

    Saves the identity in effect at this point of a script, for analysis elsewhere.

    .OUTPUTS
    TokenLens.Token
    #>
    [CmdletBinding(DefaultParameterSetName = 'Effective')]
    [OutputType('TokenLens.Token')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Process')][switch] $Process,
        [Parameter(Mandatory, ParameterSetName = 'Thread')][switch] $Thread,
        [Parameter(ParameterSetName = 'Effective')][switch] $Effective
    )
    $which = $PSCmdlet.ParameterSetName
    $method = [TokenLens.Token].GetMethod("Capture$which")
    if ($null -eq $method) {
        $ex = [System.PlatformNotSupportedException]::new('live capture needs Windows (this build has no live capture module); use Import-TLToken with a snapshot saved on Windows')
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                $ex, 'TokenLens.TL_ENOTSUP', [System.Management.Automation.ErrorCategory]::NotImplemented, $which))
    }
    $t = $null
    try {
        $t = $method.Invoke($null, @())
        ConvertTo-TLTokenObject $t ('live:' + $which.ToLowerInvariant())
    } catch {
        $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $which 'Get-TLToken'))
    } finally {
        if ($null -ne $t) { $t.Dispose() }
    }
}

# ---- explain ---------------------------------------------------------------------------------

function Invoke-TLExplain {
    <#
    .SYNOPSIS
    Explains which identity each off-box hop of an IIS/ASP.NET scenario arrives as, and why.

    .DESCRIPTION
    Loads a scenario (format v1: machine, app pool, site authentication, delegation, the request
    and the hops the code makes) and runs the tokenlens model of Windows impersonation. Writes
    one TokenLens.Hop object per hop: the Target, where the call is made From (request_thread,
    thread_pool, after_revert, new_credentials), who the code RunsAs, who the target sees it
    ArrivesAs, the Protocol (Kerberos, NTLM or none), the Outcome (ok, anonymous, denied), the
    usual Fix, Unsettled (the answer rests on a rule no source settles), and the Steps - each with
    the rule it applies and whether that rule is Unsettled (see docs/rules.md for the sources).
    Every optional field of scenario format v1 (Basic, SPN state, ASP.NET Core, the client,
    Protected Users, forests, RBCD, NEW_CREDENTIALS, the LocalSystem NTLM policy) is accepted. Process and RequestThread say who the worker process
    and the request thread are (with the thread's impersonation level and logon). The answers
    are the same as
    `tokenlens explain <file> --json`.

    .PARAMETER Path
    Scenario file(s); wildcards are expanded (.\scenarios\*.json). Accepts strings from the
    pipeline. A file that does not exist, or a pattern that matches nothing, is a
    non-terminating error for that item; the others are still explained.

    .PARAMETER LiteralPath
    Scenario file(s), taken as typed: no wildcard characters ([, ], *, ?) are expanded.
    FileInfo objects from Get-ChildItem bind here from the pipeline (by their PSPath).

    .PARAMETER Json
    Scenario JSON text instead of a file, e.g. built with ConvertTo-Json, or the Json of
    ConvertTo-TLScenario objects on the pipeline.

    .EXAMPLE
    Invoke-TLExplain -Path .\examples\scenarios\ntlm-double-hop.json

    Shows that the SQL call arrives as NT AUTHORITY\ANONYMOUS LOGON.

    .EXAMPLE
    Get-ChildItem .\examples\scenarios\*.json | Invoke-TLExplain | Where-Object Outcome -ne 'ok'

    Lists every hop that does not arrive as intended.

    .EXAMPLE
    (Invoke-TLExplain .\scenario.json)[0].Steps | Format-Table Rule, Text -Wrap

    Walks through the reasoning for the first hop.

    .EXAMPLE
    $s = Get-Content .\ntlm-double-hop.json -Raw | ConvertFrom-Json
    $s.request.protocol = 'kerberos'; $s.delegation.mode = 'constrained'; $s.delegation.to = @($s.hops[0].target)
    Invoke-TLExplain -Json ($s | ConvertTo-Json -Depth 10)

    What if the request used Kerberos and the pool account could delegate to SQL Server?

    .OUTPUTS
    TokenLens.Hop
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('TokenLens.Hop')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        # As Get-Content: FileInfo objects bind here by their PSPath, so a file name with
        # [ ] in it is not taken as a pattern.
        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'LP')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [Parameter(Mandatory, ParameterSetName = 'Json', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $Json
    )
    process {
        # One pass per file, or a single pass (with no file) for -Json.
        $inputs = [System.Collections.Generic.List[object]]::new()
        # Missing files and patterns that match nothing are non-terminating errors, per item.
        if ($PSCmdlet.ParameterSetName -eq 'Json') { $inputs.Add($null) }
        elseif ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { foreach ($f in Resolve-TLPathList $PSCmdlet $null $LiteralPath 'Invoke-TLExplain') { $inputs.Add($f) } }
        else { foreach ($f in Resolve-TLPathList $PSCmdlet $Path $null 'Invoke-TLExplain') { $inputs.Add($f) } }
        foreach ($p in $inputs) {
            $full = $p
            $scenario = $null
            $e = $null
            try {
                $scenario = if ($null -ne $full) { [TokenLens.Scenario]::Load($full) } else { [TokenLens.Scenario]::FromJson($Json) }
                $e = $scenario.Explain()
                $process = [pscustomobject]@{ PSTypeName = 'TokenLens.Identity'; Name = $e.ProcessName(); Sid = $e.ProcessSid() }
                $thread = [pscustomobject]@{
                    PSTypeName         = 'TokenLens.Identity'
                    Name               = $e.ThreadName()
                    Sid                = $e.ThreadSid()
                    ImpersonationLevel = $e.ThreadLevel()
                    LogonPackage       = $e.ThreadLogonPackage()
                    LogonType          = $e.ThreadLogonType()
                }
                for ($i = 0; $i -lt $e.HopCount(); $i++) {
                    $steps = [System.Collections.Generic.List[object]]::new()
                    for ($k = 0; $k -lt $e.HopStepCount($i); $k++) {
                        $steps.Add([pscustomobject]@{
                                PSTypeName = 'TokenLens.Step'
                                Rule       = $e.HopStepRule($i, $k)
                                Text       = $e.HopStepText($i, $k)
                                Unsettled  = $e.HopStepUnsettled($i, $k)
                            })
                    }
                    [pscustomobject]@{
                        PSTypeName   = 'TokenLens.Hop'
                        Scenario     = $e.ScenarioName()
                        Target       = $e.HopTarget($i)
                        From         = $e.HopFrom($i)
                        RunsAs       = $e.HopRunsAsName($i)
                        RunsAsSid    = $e.HopRunsAsSid($i)
                        RunsAsLevel  = $e.HopRunsAsLevel($i)
                        ArrivesAs    = $e.HopArrivesAsName($i)
                        ArrivesAsSid = $e.HopArrivesAsSid($i)
                        Protocol     = $e.HopProtocol($i)
                        Outcome      = $e.HopOutcome($i)
                        Fix          = $e.HopFix($i)
                        Unsettled    = $e.HopUnsettled($i)
                        Steps        = $steps.ToArray()
                        Process      = $process
                        RequestThread = $thread
                        Path         = $full
                    }
                }
            } catch {
                $target = if ($null -ne $p) { $p } else { 'scenario JSON' }
                $PSCmdlet.WriteError((New-TLErrorRecord $_.Exception $target 'Invoke-TLExplain'))
            } finally {
                if ($null -ne $e) { $e.Dispose() }
                if ($null -ne $scenario) { $scenario.Dispose() }
            }
        }
    }
}

# ---- security descriptors ----------------------------------------------------------------------

function ConvertFrom-TLSddl {
    <#
    .SYNOPSIS
    Parses SDDL offline and returns the canonical form Windows would print.

    .DESCRIPTION
    Parses a security descriptor in SDDL and writes a TokenLens.SecurityDescriptor object with
    the canonical Sddl (as ConvertSecurityDescriptorToStringSecurityDescriptor writes it), the
    Owner and Group, and the number of ACEs in the DACL and SACL. A malformed string is a
    terminating error that names the byte offset of the fault.

    .PARAMETER Sddl
    SDDL text. Accepts pipeline input.

    .PARAMETER DomainSid
    Domain SID used to resolve domain-relative aliases such as DU, DA, DC.

    .EXAMPLE
    ConvertFrom-TLSddl 'O:BAG:SYD:(A;;FA;;;BA)(A;;0x1200a9;;;IIS_IUSRS)'

    .EXAMPLE
    (Get-Acl C:\inetpub\wwwroot).Sddl | ConvertFrom-TLSddl

    .OUTPUTS
    TokenLens.SecurityDescriptor
    #>
    [CmdletBinding()]
    [OutputType('TokenLens.SecurityDescriptor')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Sddl,

        [string] $DomainSid
    )
    begin {
        $domain = $null
        if ($DomainSid) {
            try { $domain = [TokenLens.Sid]::Parse($DomainSid) }
            catch { $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $DomainSid 'ConvertFrom-TLSddl -DomainSid')) }
        }
    }
    process {
        foreach ($text in $Sddl) {
            $sd = $null
            try {
                $sd = [TokenLens.SecurityDescriptor]::FromSddl($text, $domain)
                [pscustomobject]@{
                    PSTypeName = 'TokenLens.SecurityDescriptor'
                    Sddl       = $sd.ToSddl($domain)
                    Owner      = ConvertTo-TLSidOrNull $sd.OwnerSid()
                    Group      = ConvertTo-TLSidOrNull $sd.GroupSid()
                    Control    = '0x{0:x4}' -f $sd.Control()
                    DaclPresent = $sd.DaclPresent()
                    DaclAces   = $sd.DaclCount()
                    SaclAces   = $sd.SaclCount()
                    Input      = $text
                }
            } catch {
                $PSCmdlet.WriteError((New-TLErrorRecord $_.Exception $text 'ConvertFrom-TLSddl'))
            } finally {
                if ($null -ne $sd) { $sd.Dispose() }
            }
        }
    }
    end {
        if ($null -ne $domain) { $domain.Dispose() }
    }
}

# PowerShell-style names for the SDDL rights tokens; the masks come from the C library
# (tl_sddl_rights_from_string), which also takes the tokens themselves (FR, GA, RPWP) and numbers.
$script:AccessNames = [ordered]@{
    GenericRead    = 'GR'
    GenericWrite   = 'GW'
    GenericExecute = 'GX'
    GenericAll     = 'GA'
    FileRead       = 'FR'   # FILE_GENERIC_READ
    FileWrite      = 'FW'   # FILE_GENERIC_WRITE
    FileExecute    = 'FX'   # FILE_GENERIC_EXECUTE
    FullControl    = 'FA'   # FILE_ALL_ACCESS
    ReadControl    = 'RC'
    WriteDac       = 'WD'
    WriteOwner     = 'WO'
    Delete         = 'SD'
}

function ConvertTo-TLAccessMask([string] $Access, [System.Management.Automation.PSCmdlet] $Cmdlet) {
    $mask = [uint32]0
    foreach ($part in ($Access -split '[,|+ ]+' | Where-Object { $_ })) {
        $sddl = if ($script:AccessNames.Contains($part)) { $script:AccessNames[$part] } else { $part }
        try { $mask = $mask -bor [TokenLens.SecurityDescriptor]::ParseRights($sddl); continue } catch { }
        $ex = [System.ArgumentException]::new("Unknown access right '$part': use a number (0x1200a9) or one of " + (($script:AccessNames.Keys) -join ', ') + '.')
        $Cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                $ex, 'TokenLens.BadAccess', [System.Management.Automation.ErrorCategory]::InvalidArgument, $Access))
    }
    $mask
}

function Test-TLAccess {
    <#
    .SYNOPSIS
    Checks offline whether a token (or a list of SIDs) gets the requested access to a security descriptor.

    .DESCRIPTION
    Runs the Windows access check (MS-DTYP 2.5.3.2) offline: the token's user and enabled groups
    against the DACL in SDDL, with file generic mapping by default. Writes a TokenLens.AccessResult
    with Allowed, the Granted and Desired masks, and the Reasons - the ACEs (and privileges or
    owner rights) that decided, each in one sentence. Combine with Get-TLIisAudit to answer
    "can this site's anonymous identity read that site's content?".

    .PARAMETER Sddl
    The security descriptor, as SDDL (e.g. (Get-Acl path).Sddl on Windows). Objects with an Sddl
    property - what Get-Acl writes - bind from the pipeline: Get-Acl C:\inetpub\wwwroot | Test-TLAccess ...

    .PARAMETER Token
    A TokenLens.Token from Get-TLToken or Import-TLToken.

    .PARAMETER Sid
    Instead of a token: the user SID followed by group SIDs (all enabled). Names work too.

    .PARAMETER Access
    The access wanted: a number (0x1200a9) or names joined by commas: GenericRead, GenericWrite,
    GenericExecute, GenericAll, FileRead, FileWrite, FileExecute, FullControl, ReadControl,
    WriteDac, WriteOwner, Delete.

    .PARAMETER ObjectKind
    Generic mapping: File (default), Key (registry) or Generic (no mapping).

    .EXAMPLE
    Test-TLAccess -Sddl 'D:(A;OICI;0x1200a9;;;IS)' -Sid 'NT AUTHORITY\IUSR', 'BUILTIN\IIS_IUSRS' -Access FileRead

    Can IUSR read content whose DACL grants IIS_IUSRS read and execute?

    .EXAMPLE
    Import-TLToken .\pool.json | ForEach-Object { Test-TLAccess -Sddl $sddl -Token $_ -Access FileWrite }

    .EXAMPLE
    Get-Acl C:\inetpub\wwwroot\Coke | Test-TLAccess -Sid 'IIS APPPOOL\Pepsi', 'S-1-1-0' -Access FileRead

    Can Pepsi's pool read Coke's content? Get-Acl's objects carry the descriptor as .Sddl.

    .OUTPUTS
    TokenLens.AccessResult
    #>
    [CmdletBinding(DefaultParameterSetName = 'Sid')]
    [OutputType('TokenLens.AccessResult')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)][ValidateNotNullOrEmpty()][string] $Sddl,
        [Parameter(Mandatory, ParameterSetName = 'Token', ValueFromPipeline)][psobject] $Token,
        [Parameter(Mandatory, ParameterSetName = 'Sid')][ValidateNotNullOrEmpty()][string[]] $Sid,
        [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string] $Access,
        [ValidateSet('File', 'Key', 'Generic')][string] $ObjectKind = 'File'
    )
    process {
        $mask = ConvertTo-TLAccessMask $Access $PSCmdlet
        $kind = switch ($ObjectKind) { 'File' { [TokenLens.ObjectKind]::OBJECT_FILE } 'Key' { [TokenLens.ObjectKind]::OBJECT_KEY } default { [TokenLens.ObjectKind]::OBJECT_GENERIC } }
        $sd = $null; $t = $null; $r = $null
        try {
            $sd = [TokenLens.SecurityDescriptor]::FromSddl($Sddl, $null)
            if ($PSCmdlet.ParameterSetName -eq 'Token') {
                if (-not (Test-TLObjectType $Token 'Token')) {
                    throw [System.ArgumentException]::new('-Token expects a TokenLens.Token object (from Get-TLToken or Import-TLToken).')
                }
                $t = [TokenLens.Token]::FromJson([string]$Token.Snapshot)
            } else {
                $t = [TokenLens.Token]::Create()
                for ($i = 0; $i -lt $Sid.Count; $i++) {
                    $s = [TokenLens.Sid]::Resolve($Sid[$i], $null)
                    try { if ($i -eq 0) { $t.SetUser($s) } else { $t.AddGroup($s) } } finally { $s.Dispose() }
                }
            }
            $r = [TokenLens.AccessResult]::Check($sd, $t, $mask, 0, $kind)
            $reasons = for ($i = 0; $i -lt $r.ReasonCount(); $i++) {
                [pscustomobject]@{
                    PSTypeName = 'TokenLens.AccessReason'
                    Kind       = $r.ReasonKind($i)
                    Mask       = '0x{0:x}' -f $r.ReasonMask($i)
                    Ace        = $r.ReasonAce($i)
                    Text       = $r.ReasonText($i)
                }
            }
            if (@($reasons | Where-Object Kind -EQ 'null_dacl').Count) {
                # True to Windows (a NULL DACL grants full access to any user), never quietly.
                Write-Warning 'The security descriptor has no DACL (or a NULL one), so everyone is granted full access.'
            }
            [pscustomobject]@{
                PSTypeName = 'TokenLens.AccessResult'
                Allowed    = $r.Allowed()
                Granted    = '0x{0:x}' -f $r.Granted()
                Desired    = '0x{0:x}' -f $r.Desired()
                Reasons    = @($reasons)
                Sddl       = $Sddl
            }
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $Sddl 'Test-TLAccess'))
        } finally {
            foreach ($x in @($r, $t, $sd)) { if ($null -ne $x) { $x.Dispose() } }
        }
    }
}

# ---- IIS ---------------------------------------------------------------------------------------

function Get-TLIisAudit {
    <#
    .SYNOPSIS
    Reads applicationHost.config and reports, per site, who requests run as.

    .DESCRIPTION
    Audits an IIS configuration file offline and writes one TokenLens.IisSite object per site:
    its application pool, the pool's process identity, the anonymous identity (IUSR, the pool
    identity when anonymousAuthentication userName is empty, or a specific account), and
    SharedAnonymousWith - the other sites whose anonymous requests run as the same account and
    can therefore read each other's content. Passwords are never read.

    .PARAMETER Path
    applicationHost.config file(s); wildcards allowed. Accepts pipeline input. On Windows the
    default is this server's own %windir%\system32\inetsrv\config\applicationHost.config.

    .PARAMETER LiteralPath
    applicationHost.config file(s), taken exactly as typed (no wildcards).

    .EXAMPLE
    Get-TLIisAudit

    On an IIS server: audits its own configuration.

    .EXAMPLE
    (Get-TLIisAudit .\applicationHost.config)[0].Findings | Format-List Severity, Text, Fix

    Each site carries the audit's findings that name it, and its application pool (Pool).

    .EXAMPLE
    Get-TLIisAudit .\applicationHost.config | Where-Object SharedAnonymousWith

    Sites that share an anonymous identity with another site.

    .OUTPUTS
    TokenLens.IisSite
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('TokenLens.IisSite')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Path', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath
    )
    process {
        $files = Resolve-TLPathList $PSCmdlet $Path $LiteralPath 'Get-TLIisAudit'
        foreach ($full in $files) {
            $p = $full
            $audit = $null
            try {
                $audit = [TokenLens.IisAudit]::Load($full)
                $doc = $audit.ToJson() | ConvertFrom-Json
            } catch {
                $PSCmdlet.WriteError((New-TLErrorRecord $_.Exception $p 'Get-TLIisAudit')); continue
            } finally {
                if ($null -ne $audit) { $audit.Dispose() }
            }
            foreach ($site in @($doc.sites)) {
                $shared = @()
                foreach ($group in @($doc.shared_anonymous_identities)) {
                    if (@($group.sites) -contains $site.name) {
                        $shared += @($group.sites | Where-Object { $_ -ne $site.name })
                    }
                }
                $anon = $site.anonymous_identity
                [pscustomobject]@{
                    PSTypeName          = 'TokenLens.IisSite'
                    Name                = $site.name
                    AppPool             = $site.app_pool
                    ProcessIdentity     = $site.process_identity.name
                    ProcessSid          = $site.process_identity.sid
                    AnonymousIdentity   = if ($null -ne $anon) { $anon.name } else { $null }
                    AnonymousSid        = if ($null -ne $anon) { $anon.sid } else { $null }
                    SharedAnonymousWith = $shared
                    Applications        = $site.applications
                    Pool                = @($doc.application_pools | Where-Object { $_.name -eq $site.app_pool }) | Select-Object -First 1
                    Findings            = @($doc.findings | Where-Object { $null -ne $_.PSObject.Properties['sites'] -and @($_.sites) -contains $site.name })
                    ConfigPath          = $full
                }
            }
        }
    }
}

function ConvertTo-TLScenario {
    <#
    .SYNOPSIS
    Turns an IIS site from applicationHost.config into an explain scenario.

    .DESCRIPTION
    Describes one site (its pool identity, anonymous and Windows authentication, impersonation)
    as a scenario (format v1) for Invoke-TLExplain, adding what the configuration cannot know:
    the machine and domain, who makes the request and how, and the off-box call to explain.
    Writes a TokenLens.Scenario object whose Json property Invoke-TLExplain takes from the
    pipeline - from IIS configuration to "and off the box, who arrives?" in one line.

    .PARAMETER Path
    applicationHost.config. Taken from Get-TLIisAudit objects (their ConfigPath) on the pipeline.

    .PARAMETER Site
    Site name. Taken from Get-TLIisAudit objects (their Name) on the pipeline.

    .PARAMETER Machine
    Computer name (default WEB01).

    .PARAMETER Domain
    NetBIOS domain name; omit for a workgroup machine.

    .PARAMETER User
    Who makes the request, DOMAIN\user; omit for an anonymous request where the site allows one.

    .PARAMETER Protocol
    ntlm (default) or kerberos.

    .PARAMETER HopTarget
    SPN of the off-box call (MSSQLSvc/db01.contoso.com:1433), or local.

    .PARAMETER Application
    Application path (/api); default the root application.

    .EXAMPLE
    Get-TLIisAudit .\applicationHost.config | ConvertTo-TLScenario -Domain CONTOSO -User CONTOSO\alice -HopTarget MSSQLSvc/db01.contoso.com:1433 | Invoke-TLExplain

    For every site: who the SQL connection arrives as when alice uses it.

    .OUTPUTS
    TokenLens.Scenario
    #>
    [CmdletBinding()]
    [OutputType('TokenLens.Scenario')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('ConfigPath')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [ValidateNotNullOrEmpty()]
        [string] $Site,

        [string] $Machine,
        [string] $Domain,
        [string] $User,
        [ValidateSet('ntlm', 'kerberos')][string] $Protocol,
        [string] $HopTarget,
        [string] $Application
    )
    process {
        $full = Resolve-TLInputPath $Path $PSCmdlet
        $audit = $null
        try {
            $audit = [TokenLens.IisAudit]::Load($full)
            $index = [uint64]0
            [void][TokenLens.TokenLensNative]::TlIisSiteFind([ref]$index, $audit, $Site)
            # PowerShell passes $null to a .NET string parameter as ""; [NullString] is a real null.
            $nz = { param($v) if ([string]::IsNullOrEmpty($v)) { [NullString]::Value } else { $v } }
            $json = $audit.SiteScenarioJson($index, (& $nz $Machine), (& $nz $Domain), (& $nz $User),
                (& $nz $Protocol), (& $nz $HopTarget), (& $nz $Application))
            [pscustomobject]@{
                PSTypeName = 'TokenLens.Scenario'
                Site       = $Site
                ConfigPath = $full
                Json       = $json
            }
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $Site 'ConvertTo-TLScenario'))
        } finally {
            if ($null -ne $audit) { $audit.Dispose() }
        }
    }
}

function Test-TLIisIsolation {
    <#
    .SYNOPSIS
    Can one IIS site's anonymous identity read another site's content? Checked offline.

    .DESCRIPTION
    For every site with anonymous authentication and every content folder given, runs the
    Windows access check of the site's anonymous identity (as a token with the groups Windows
    gives it, see docs/iis.md) against the folder's security descriptor for FILE_GENERIC_READ.
    Writes one TokenLens.IisIsolationCheck per (reader, content) pair with CanRead and the
    deciding ACE as Reason. With -Quiet, returns only whether isolation holds (no site can read
    another site's content). The same verdict as `tokenlens iis FILE --content SITE=SDDL`.

    .PARAMETER Path
    applicationHost.config.

    .PARAMETER Content
    Site name -> SDDL of its content folder, e.g. @{ coke = (Get-Acl C:\sites\coke).Sddl }.

    .PARAMETER ContentFile
    A file of lines SITE=SDDL (# starts a comment), as for `tokenlens iis --content-file`.

    .PARAMETER Quiet
    Return $true when isolation holds, $false when a site can read another site's content.

    .EXAMPLE
    Test-TLIisIsolation .\applicationHost.config -Content @{ coke = (Get-Acl C:\sites\coke).Sddl; pepsi = (Get-Acl C:\sites\pepsi).Sddl } | Where-Object { $_.CanRead -and -not $_.OwnContent }

    The cross-site reads: whose anonymous identity can read whose files.

    .EXAMPLE
    if (-not (Test-TLIisIsolation .\applicationHost.config -ContentFile .\content.txt -Quiet)) { 'sites are not isolated' }

    .OUTPUTS
    TokenLens.IisIsolationCheck, or System.Boolean with -Quiet
    #>
    [CmdletBinding(DefaultParameterSetName = 'Content')]
    [OutputType('TokenLens.IisIsolationCheck', [bool])]
    param(
        [Parameter(Mandatory, Position = 0)][ValidateNotNullOrEmpty()][string] $Path,
        [Parameter(Mandatory, ParameterSetName = 'Content')][System.Collections.IDictionary] $Content,
        [Parameter(Mandatory, ParameterSetName = 'ContentFile')][ValidateNotNullOrEmpty()][string] $ContentFile,
        [switch] $Quiet
    )
    $full = Resolve-TLInputPath $Path $PSCmdlet
    $file = if ($PSCmdlet.ParameterSetName -eq 'ContentFile') { Resolve-TLInputPath $ContentFile $PSCmdlet } else { $null }
    $audit = $null; $list = $null; $iso = $null
    try {
        $audit = [TokenLens.IisAudit]::Load($full)
        # The SITE=SDDL reader is the library's (tl_iis_content_*), as for `tokenlens iis`.
        $list = [TokenLens.IisContentList]::new()
        if ($file) {
            try { $list.Load($file) }
            catch { $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $ContentFile 'Test-TLIisIsolation')) }
        } else {
            foreach ($k in $Content.Keys) {
                try { $list.Add([string]$k, [string]$Content[$k]) }
                catch {
                    $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception ('{0}={1}' -f $k, $Content[$k]) 'Test-TLIisIsolation'))
                }
            }
        }
        $iso = $audit.Isolation($list)
        if ($Quiet) { return $iso.Holds() }
        for ($i = 0; $i -lt $iso.Count(); $i++) {
            $known = $iso.Known($i)
            [pscustomobject]@{
                PSTypeName  = 'TokenLens.IisIsolationCheck'
                Reader      = $iso.Reader($i)
                Identity    = $iso.Identity($i)
                IdentitySid = $iso.IdentitySid($i)
                Content     = $iso.Content($i)
                OwnContent  = $iso.Reader($i) -eq $iso.Content($i)
                Known       = $known
                CanRead     = if ($known) { $iso.CanRead($i) } else { $null }
                Reason      = $iso.Reason($i)
            }
        }
    } catch {
        $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $Path 'Test-TLIisIsolation'))
    } finally {
        foreach ($x in @($iso, $list, $audit)) { if ($null -ne $x) { $x.Dispose() } }
    }
}

# ---- hop probes (issue 12) ----

function Invoke-TLHopProbe {
    <#
    .SYNOPSIS
    Runs a real authentication exchange (client -> server, and optionally the server's own
    call onward) in this process and reports the mechanism, the delegation and why.

    .DESCRIPTION
    The hop probe of the C library (docs/hop-probes.md), both sides in this PowerShell process:
    the client authenticates to -Target with the current credentials (or -ClientPrincipal and
    -ClientKeytab), the server accepts with -ServerKeytab. With -NextTarget the server then
    calls onward, as the middle tier of a double hop: as the caller when delegated credentials
    arrived (-Impersonate IfDelegated, the default), always as the caller (Always: fails when
    nothing was delegated, NextSees is then null), or as itself (Never, -ProcessPrincipal and
    -ProcessKeytab), accepted by -NextKeytab. Writes a TokenLens.HopProbe with Mechanism,
    Delegated, Reason (granted, not_forwardable, not_ok_as_delegate, mech_cannot_delegate, ...),
    ReasonText, ServerSees and, for the next hop, NextAs and NextSees.

    .EXAMPLE
    Invoke-TLHopProbe -Target HTTP/web.lab.test -Mechanism Kerberos -ServerKeytab web.keytab -NextTarget MSSQLSvc/db.lab.test:1433 -NextKeytab db.keytab -ProcessPrincipal HTTP/web.lab.test -ProcessKeytab web.keytab

    .OUTPUTS
    TokenLens.HopProbe
    #>
    [CmdletBinding()]
    [OutputType('TokenLens.HopProbe')]
    param(
        [Parameter(Mandatory, Position = 0)][ValidateNotNullOrEmpty()][string] $Target,
        [ValidateSet('Negotiate', 'Kerberos', 'NTLM')][string] $Mechanism = 'Negotiate',
        [ValidateSet('None', 'Policy', 'Always')][string] $Delegation = 'Policy',
        [string] $ClientPrincipal,
        [string] $ClientKeytab,
        [ValidateSet('Any', 'Negotiate', 'Kerberos', 'NTLM')][string] $ServerMechanism = 'Any',
        [string] $ServerKeytab,
        [string] $NextTarget,
        [string] $NextKeytab,
        [ValidateSet('Never', 'IfDelegated', 'Always')][string] $Impersonate = 'IfDelegated',
        [string] $ProcessPrincipal,
        [string] $ProcessKeytab
    )
    $mech = @{ Any = 'HOP_MECH_UNKNOWN'; Negotiate = 'HOP_MECH_NEGOTIATE'; Kerberos = 'HOP_MECH_KERBEROS'; NTLM = 'HOP_MECH_NTLM' }
    $deleg = @{ None = 'HOP_DELEGATE_NONE'; Policy = 'HOP_DELEGATE_POLICY'; Always = 'HOP_DELEGATE_ALWAYS' }
    $client = $null; $server = $null; $onward = $null; $next = $null
    try {
        $client = [TokenLens.HopClient]::Create($Target, [TokenLens.HopMech]$mech[$Mechanism],
            [TokenLens.HopDelegation]$deleg[$Delegation], $(if ($ClientPrincipal) { $ClientPrincipal } else { $null }),
            $(if ($ClientKeytab) { $ClientKeytab } else { $null }))
        $server = [TokenLens.HopServer]::Create([TokenLens.HopMech]$mech[$ServerMechanism], $null,
            $(if ($ServerKeytab) { $ServerKeytab } else { $null }))
        [TokenLens.HopServer]::Exchange($client, $server)
        $nextAs = $null; $nextSees = $null; $nextMech = $null; $nextError = $null
        if ($NextTarget) {
            $asCaller = ($Impersonate -ne 'Never' -and $server.Delegated) -or $Impersonate -eq 'Always'
            try {
                if ($asCaller) {
                    $nextAs = 'delegated'
                    $onward = [TokenLens.HopClient]::CreateDelegated($server, $NextTarget)
                } else {
                    $nextAs = 'process identity'
                    $onward = [TokenLens.HopClient]::Create($NextTarget, [TokenLens.HopMech]::HOP_MECH_KERBEROS,
                        [TokenLens.HopDelegation]::HOP_DELEGATE_POLICY,
                        $(if ($ProcessPrincipal) { $ProcessPrincipal } else { $null }),
                        $(if ($ProcessKeytab) { $ProcessKeytab } else { $null }))
                }
                $next = [TokenLens.HopServer]::Create([TokenLens.HopMech]::HOP_MECH_KERBEROS, $null,
                    $(if ($NextKeytab) { $NextKeytab } else { $null }))
                [TokenLens.HopServer]::Exchange($onward, $next)
                $nextSees = $next.ClientName
                $nextMech = $next.Mechanism
            } catch {
                # Nothing delegated while insisting on the caller: the hop cannot happen at all.
                $e = Get-TLInnerException $_.Exception
                if ($asCaller -and $e -is [TokenLens.TokenLensException] -and $e.ErrorName -eq 'TL_ESTATE') {
                    $nextError = $e.Message
                } else {
                    throw
                }
            }
        }
        [pscustomobject]@{
            PSTypeName      = 'TokenLens.HopProbe'
            Target          = $Target
            ClientName      = $client.Name
            Mechanism       = $client.Mechanism
            Delegated       = $client.Delegated
            Reason          = $client.Reason
            ReasonText      = $client.ReasonText
            TicketFlags     = $client.TicketFlags
            ServerSees      = $server.ClientName
            ServerDelegated = $server.Delegated
            NextTarget      = $(if ($NextTarget) { $NextTarget } else { $null })
            NextAs          = $nextAs
            NextSees        = $nextSees
            NextMechanism   = $nextMech
            NextError       = $nextError
        }
    } catch {
        $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $Target 'Invoke-TLHopProbe'))
    } finally {
        # the onward client borrows the server's delegated credentials: release it first
        foreach ($o in @($next, $onward, $server, $client)) { if ($null -ne $o) { $o.Dispose() } }
    }
}

# ---- reading a real server (issue 14) ----
function Get-TLWebConfig {
    <#
    .SYNOPSIS
    Reads a web.config: impersonation, authentication, ASP.NET Core hosting, connection strings
    with the SPN a SQL client asks for, UNC shares.

    .DESCRIPTION
    The same reader as `tokenlens webconfig --json` (docs/webconfig.md): hostile files are
    refused with the file and line; encrypted sections and xdt transforms are reported, never
    guessed or applied.

    .PARAMETER Path
    web.config file(s). Accepts pipeline input, including FileInfo objects.

    .EXAMPLE
    Get-TLWebConfig C:\inetpub\shop\web.config | Select-Object -ExpandProperty Connections

    .OUTPUTS
    TokenLens.WebConfig
    #>
    [CmdletBinding()]
    [OutputType('TokenLens.WebConfig')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName', 'PSPath')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path
    )
    process {
        foreach ($p in $Path) {
            $full = Resolve-TLInputPath $p $PSCmdlet
            $w = $null
            try {
                $w = [TokenLens.WebConfig]::Load($full)
                $doc = $w.ToJson() | ConvertFrom-Json
            } catch {
                $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $p 'Get-TLWebConfig'))
            } finally {
                if ($null -ne $w) { $w.Dispose() }
            }
            [pscustomobject]@{
                PSTypeName         = 'TokenLens.WebConfig'
                Path               = $full
                Impersonate        = $doc.impersonate
                ImpersonateUser    = $doc.impersonate_user
                AuthenticationMode = $doc.authentication_mode
                AspNetCore         = $doc.aspnetcore
                Connections        = @($doc.connections)
                UncPaths           = @($doc.unc_paths)
                AuthOverrides      = $doc.auth_overrides
                Notes              = @($doc.notes)
            }
        }
    }
}

function Invoke-TLDiagnose {
    <#
    .SYNOPSIS
    Diagnoses a whole IIS server: every site's off-box calls and the identity they arrive as.

    .DESCRIPTION
    Reads applicationHost.config (configSource, redirection.config) and, through the maps,
    every application's web.config, then asks the explain engine about every SQL Server
    (Windows credentials) and UNC target: one object per hop, with the site, application and
    source (`tokenlens diagnose --json`, docs/diagnose.md).

    .PARAMETER Path
    applicationHost.config. On Windows it defaults to the server's own.

    .PARAMETER Map
    WINPATH=DIR pairs: where a copy of the server's disks is (e.g. 'C:\=/mnt/web01/c').

    .EXAMPLE
    Invoke-TLDiagnose .\applicationHost.config -Map 'C:\=D:\web01-c' -Domain CONTOSO |
        Where-Object Outcome -ne ok

    .OUTPUTS
    TokenLens.DiagnoseHop
    #>
    [CmdletBinding()]
    [OutputType('TokenLens.DiagnoseHop')]
    param(
        [Parameter(Position = 0)]
        [string] $Path,
        [string[]] $Map = @(),
        [string] $Machine,
        [string] $Domain
    )
    if (-not $Path) {
        if (-not $env:windir) {
            $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord ([System.ArgumentException]::new('give -Path: the default applicationHost.config exists only on Windows')) 'Path' 'Invoke-TLDiagnose'))
        }
        $Path = Join-Path $env:windir 'system32\inetsrv\config\applicationHost.config'
    }
    foreach ($m in $Map) {
        if ($m -notmatch '^[^=]+=.') {
            $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord ([System.ArgumentException]::new("map '$m' is not WINPATH=DIR")) $m 'Invoke-TLDiagnose'))
        }
    }
    $full = Resolve-TLInputPath $Path $PSCmdlet
    $srv = $null
    try {
        $m = if ($Machine) { $Machine } else { [NullString]::Value }
        $d = if ($Domain) { $Domain } else { [NullString]::Value }
        $srv = [TokenLens.IisServer]::Load($full, ($Map -join "`n"), $m, $d)
        $doc = $srv.DiagnoseJson() | ConvertFrom-Json
    } catch {
        $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $Path 'Invoke-TLDiagnose'))
    } finally {
        if ($null -ne $srv) { $srv.Dispose() }
    }
    foreach ($site in @($doc.sites)) {
        foreach ($app in @($site.applications)) {
            foreach ($hop in @($app.hops)) {
                [pscustomobject]@{
                    PSTypeName   = 'TokenLens.DiagnoseHop'
                    Site         = $site.name
                    Application  = $app.path
                    Source       = $hop.source
                    Target       = $hop.target
                    ArrivesAs    = if ($null -ne $hop.arrives_as) { $hop.arrives_as.name } else { $null }
                    ArrivesAsSid = if ($null -ne $hop.arrives_as) { $hop.arrives_as.sid } else { $null }
                    Protocol     = $hop.protocol
                    Outcome      = $hop.outcome
                    Fix          = $hop.fix
                    Steps        = @($hop.steps)
                }
            }
        }
    }
}

# ---- next hop of a token, Active Directory (issue 15) ----------------------------------------

function Test-TLHop {
    <#
    .SYNOPSIS
    Who arrives at each target SPN when code running with a token makes the call.

    .DESCRIPTION
    Takes the effective token (the request thread's impersonation token) and the process token
    (what RevertToSelf returns to) - from a saved `tokenlens whoami --json` file with -Token, or
    captured live on Windows - and explains one hop per -Target with the same engine as
    Invoke-TLExplain: the logon session's package and type and the token's impersonation level
    decide whether the user can leave the box. With -Ad the delegation settings of the process
    account, the user's "sensitive" flag and Protected Users membership, the SPN's state and
    RBCD come from Active Directory (LDAP bound with your Kerberos ticket or logon). Writes
    TokenLens.Hop objects, like Invoke-TLExplain. Same answers as
    `tokenlens explain --token FILE --target SPN --json`. Without -Domain, -Ad takes the DC's domain.

    .PARAMETER Target
    SPNs the code calls (MSSQLSvc/db01.contoso.com:1433, cifs/files, HTTP/api) or 'local'.

    .PARAMETER Token
    A whoami --json file ({"process", "thread", "effective"}). Without it, the live tokens of
    this PowerShell thread (Windows only).

    .PARAMETER Machine
    The machine the token belongs to (a service identity arrives as MACHINE$).

    .PARAMETER Domain
    Its domain; omit for a workgroup machine.

    .PARAMETER Ad
    Read the directory facts from Active Directory.

    .PARAMETER Server
    The DC to ask with -Ad (default: one found through DNS for your realm).

    .EXAMPLE
    Test-TLHop -Token .\w3wp-whoami.json -Target MSSQLSvc/db01.contoso.com:1433 -Machine WEB01 -Domain CONTOSO -Ad

    Does the SQL call arrive as the user, as WEB01$ or as ANONYMOUS LOGON, and why?

    .OUTPUTS
    TokenLens.Hop
    #>
    [CmdletBinding()]
    [OutputType('TokenLens.Hop')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Target,
        [string] $Token,
        [string] $Machine,
        [string] $Domain,
        [switch] $Ad,
        [string] $Server
    )
    begin {
        $process = $null; $thread = $null; $dc = $null
        try {
            if ($Token) {
                $full = Resolve-TLInputPath $Token $PSCmdlet
                $members = Get-TLWhoamiMembers $full
                if ($null -eq $members[0].Role) {
                    $process = [TokenLens.Token]::Load($full)
                } else {
                    foreach ($m in $members) {
                        if ($m.Role -eq 'process') { $process = [TokenLens.Token]::FromJson($m.Json) }
                        elseif ($m.Role -eq 'thread') { $thread = [TokenLens.Token]::FromJson($m.Json) }
                    }
                }
                if ($null -eq $process) { throw [System.ArgumentException]::new("$Token holds no process token") }
            } else {
                $process = [TokenLens.Token]::CaptureProcess()
                try { $thread = [TokenLens.Token]::CaptureThread() } catch { $thread = $null }
            }
            if ($Ad) { $dc = [TokenLens.ActiveDirectory]::Connect($(if ($Server) { $Server } else { $null })) }
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $(if ($Token) { $Token } else { 'live token' }) 'Test-TLHop'))
        }
    }
    process {
        foreach ($t in $Target) {
            $e = $null
            try {
                $m = if ($Machine) { $Machine } else { $null }
                $d = if ($Domain) { $Domain } else { $null }
                $e = [TokenLens.ActiveDirectory]::NextHop($thread, $process, $t, $m, $d, $dc)
                $steps = [System.Collections.Generic.List[object]]::new()
                for ($k = 0; $k -lt $e.HopStepCount(0); $k++) {
                    $steps.Add([pscustomobject]@{ PSTypeName = 'TokenLens.Step'; Rule = $e.HopStepRule(0, $k); Text = $e.HopStepText(0, $k) })
                }
                [pscustomobject]@{
                    PSTypeName    = 'TokenLens.Hop'
                    Scenario      = $e.ScenarioName()
                    Target        = $e.HopTarget(0)
                    From          = $e.HopFrom(0)
                    RunsAs        = $e.HopRunsAsName(0)
                    RunsAsSid     = $e.HopRunsAsSid(0)
                    RunsAsLevel   = $e.HopRunsAsLevel(0)
                    ArrivesAs     = $e.HopArrivesAsName(0)
                    ArrivesAsSid  = $e.HopArrivesAsSid(0)
                    Protocol      = $e.HopProtocol(0)
                    Outcome       = $e.HopOutcome(0)
                    Fix           = $e.HopFix(0)
                    Steps         = $steps.ToArray()
                    Process       = [pscustomobject]@{ PSTypeName = 'TokenLens.Identity'; Name = $e.ProcessName(); Sid = $e.ProcessSid() }
                    RequestThread = [pscustomobject]@{ PSTypeName = 'TokenLens.Identity'; Name = $e.ThreadName(); Sid = $e.ThreadSid(); ImpersonationLevel = $e.ThreadLevel(); LogonPackage = $e.ThreadLogonPackage(); LogonType = $e.ThreadLogonType() }
                    Path          = $Token
                }
            } catch {
                $PSCmdlet.ThrowTerminatingError((New-TLErrorRecord $_.Exception $t 'Test-TLHop'))
            } finally {
                if ($null -ne $e) { $e.Dispose() }
            }
        }
    }
    end {
        foreach ($h in @($thread, $process, $dc)) { if ($null -ne $h) { $h.Dispose() } }
    }
}

# ---- admin use: paths, deserialized objects, fleet audits (issue 16) ----

# The files a -Path (wildcards, relative to the PowerShell location) / -LiteralPath pair names.
# A -Path that matches nothing, or a -LiteralPath that does not exist, is a non-terminating
# ObjectNotFound error for that item (WriteError; -ErrorAction Stop makes it stop). With neither, on
# Windows: this server's applicationHost.config (the default of `tokenlens iis` too).
function Resolve-TLPathList {
    param([System.Management.Automation.PSCmdlet] $Cmdlet, [string[]] $Path, [string[]] $LiteralPath, [string] $Activity)
    if ($LiteralPath) {
        foreach ($lp in $LiteralPath) {
            $full = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($lp)
            if (Test-Path -LiteralPath $full -PathType Leaf) { $full; continue }
            $ex = [System.Management.Automation.ItemNotFoundException]::new("Cannot find file '$lp' because it does not exist.")
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    $ex, 'TokenLens.FileNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $lp))
        }
        return
    }
    if (-not $Path) {
        if ([System.Environment]::OSVersion.Platform -ne [System.PlatformID]::Win32NT) {
            $ex = [System.ArgumentException]::new("$Activity needs -Path off Windows (the default is the server's own applicationHost.config)")
            $Cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                    $ex, 'TokenLens.PathRequired', [System.Management.Automation.ErrorCategory]::InvalidArgument, $null))
        }
        $Path = @(Join-Path $env:windir 'system32\inetsrv\config\applicationHost.config')
    }
    foreach ($p in $Path) {
        $resolved = @()
        if (-not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($p)) {
            # Checked first: the provider's own exception would also land in -ErrorVariable.
            $resolved = @($Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p))
        } else {
            # Test-Path first: it is false, without an error, when nothing (not even the folder) matches.
            if (Test-Path -Path $p) { $resolved = @($Cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath($p, [ref]$null)) }
        }
        $files = @($resolved | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf })
        if ($files.Count -eq 0) {
            # A missing file, a pattern that matches nothing, or only folders.
            $what = if ([System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($p)) { "Cannot find a file matching '$p'." } else { "Cannot find file '$p' because it does not exist." }
            $ex = [System.Management.Automation.ItemNotFoundException]::new($what)
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    $ex, 'TokenLens.FileNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $p))
            continue
        }
        $files
    }
}

# True when $InputObject is a TokenLens.<Kind> object, live or as it comes back from
# Invoke-Command / Import-Clixml (PowerShell remoting prefixes the type names with
# "Deserialized."; the note properties, all plain data, survive the trip).
function Test-TLObjectType([psobject] $InputObject, [string] $Kind) {
    if ($null -eq $InputObject) { return $false }
    $names = $InputObject.PSObject.TypeNames
    ($names -contains "TokenLens.$Kind") -or ($names -contains "Deserialized.TokenLens.$Kind")
}

function Invoke-TLFleetAudit {
    <#
    .SYNOPSIS
    Audits the IIS configuration of many servers over PowerShell remoting and merges the results.

    .DESCRIPTION
    Runs Get-TLIisAudit on every server of -Session (or -ComputerName) through Invoke-Command,
    each against its own applicationHost.config (or -Path on the server), with the TokenLens
    module that is installed there. Writes one TokenLens.FleetSite per (server, site) with
    Server set, and with -Merge one TokenLens.FleetIdentity per identity that serves anonymous
    requests or runs a pool on more than one server: the same IUSR or pool account on several
    servers is one identity to protect, and what one site can read, the others can.
    Servers that fail are non-terminating errors naming the server; the others still report.

    .PARAMETER Session
    PSSessions to the servers (New-PSSession, over WinRM or SSH).

    .PARAMETER ComputerName
    Server names, for Invoke-Command -ComputerName.

    .PARAMETER Path
    applicationHost.config path on the servers; default each server's own.

    .PARAMETER Merge
    Write the merged TokenLens.FleetIdentity objects instead of the per-site rows.

    .PARAMETER ModulePath
    Where the TokenLens module is on the servers (a folder or TokenLens.psd1); default the
    one Import-Module TokenLens finds there.

    .EXAMPLE
    $s = New-PSSession -ComputerName web01, web02, web03
    Invoke-TLFleetAudit -Session $s -Merge | Where-Object ServerCount -gt 1

    Identities shared across servers.

    .EXAMPLE
    $s = 'web01', 'web02' | ForEach-Object { New-PSSession -HostName $_ -UserName admin -KeyFilePath ~/.ssh/id_ed25519 }
    Invoke-TLFleetAudit -Session $s -Path 'D:\IIS\applicationHost.config'

    Over SSH remoting (PowerShell 7 on both ends), with the configuration in another place.

    .OUTPUTS
    TokenLens.FleetSite, or TokenLens.FleetIdentity with -Merge
    #>
    [CmdletBinding(DefaultParameterSetName = 'Session')]
    [OutputType('TokenLens.FleetSite', 'TokenLens.FleetIdentity')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Session', Position = 0)]
        [System.Management.Automation.Runspaces.PSSession[]] $Session,
        [Parameter(Mandatory, ParameterSetName = 'ComputerName')]
        [string[]] $ComputerName,
        [string] $Path,
        [switch] $Merge,
        [string] $ModulePath
    )
    $remote = {
        param($ConfigPath, $ModulePath)
        $ErrorActionPreference = 'Stop'
        if ($ModulePath) { Import-Module $ModulePath } else { Import-Module TokenLens }
        if ($ConfigPath) { Get-TLIisAudit -LiteralPath $ConfigPath } else { Get-TLIisAudit }
    }
    $icm = @{ ScriptBlock = $remote; ArgumentList = @($Path, $ModulePath); ErrorAction = 'SilentlyContinue'; ErrorVariable = 'remoteErrors' }
    if ($PSCmdlet.ParameterSetName -eq 'Session') { $icm.Session = $Session } else { $icm.ComputerName = $ComputerName }
    $remoteErrors = $null
    $rows = @(Invoke-Command @icm)
    foreach ($e in @($remoteErrors)) {
        if ($null -eq $e) { continue }
        $server = if ($e.PSObject.Properties['OriginInfo'] -and $e.OriginInfo) { $e.OriginInfo.PSComputerName } else { $e.TargetObject }
        $ex = [System.Exception]::new("Invoke-TLFleetAudit: ${server}: $($e.Exception.Message)", $e.Exception)
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                $ex, 'TokenLens.FleetServerFailed', [System.Management.Automation.ErrorCategory]::ConnectionError, $server))
    }
    $sites = foreach ($r in $rows) {
        if (-not (Test-TLObjectType $r 'IisSite')) { continue }
        [pscustomobject]@{
            PSTypeName        = 'TokenLens.FleetSite'
            Server            = $r.PSComputerName
            Name              = $r.Name
            AppPool           = $r.AppPool
            ProcessIdentity   = $r.ProcessIdentity
            ProcessSid        = $r.ProcessSid
            AnonymousIdentity = $r.AnonymousIdentity
            AnonymousSid      = $r.AnonymousSid
            Findings          = @($r.Findings)
            ConfigPath        = $r.ConfigPath
        }
    }
    if (-not $Merge) { return $sites }
    # One row per identity (by SID) that serves anonymous requests or runs a pool.
    $byIdentity = [ordered]@{}
    foreach ($s in @($sites)) {
        foreach ($use in @(@('anonymous', $s.AnonymousSid, $s.AnonymousIdentity), @('process', $s.ProcessSid, $s.ProcessIdentity))) {
            $role, $sid, $name = $use
            if (-not $sid -and -not $name) { continue }
            # Virtual and well-known accounts (IUSR, IIS APPPOOL\X) have the same SID on every
            # server; a local account's SID differs per machine, so it keys on server too. A
            # domain account the configuration names but no SID can be computed for offline
            # (CONTOSO\svc-web as a pool identity) keys on its name, the same on every server.
            $key = if (-not $sid) {
                if ($name -match '^[^.\\][^\\]*\\.') { 'name|' + $name.ToUpperInvariant() } else { "$($s.Server)|name|$($name.ToUpperInvariant())" }
            } elseif ($sid -match '^S-1-5-21-' -and $name -notmatch '\\') { "$($s.Server)|$sid" } else { $sid }
            if (-not $byIdentity.Contains($key)) {
                $byIdentity[$key] = [pscustomobject]@{
                    PSTypeName  = 'TokenLens.FleetIdentity'
                    Identity    = $name
                    Sid         = $sid
                    Servers     = [System.Collections.Generic.List[string]]::new()
                    Sites       = [System.Collections.Generic.List[string]]::new()
                    Roles       = [System.Collections.Generic.List[string]]::new()
                    ServerCount = 0
                }
            }
            $row = $byIdentity[$key]
            if (-not $row.Servers.Contains([string]$s.Server)) { $row.Servers.Add([string]$s.Server) }
            $row.Sites.Add(('{0}:{1}' -f $s.Server, $s.Name))
            if (-not $row.Roles.Contains($role)) { $row.Roles.Add($role) }
            $row.ServerCount = $row.Servers.Count
        }
    }
    $byIdentity.Values
}
# ---- end admin use (issue 16) ----

