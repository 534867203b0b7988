# The hop lab's cases (tests/hoplab/hoplab.sh) repeated through the PowerShell module: client,
# web and db run in one pwsh process through Invoke-TLHopProbe, and each case must show what
# the lab's three programs show over TCP. Run by `hoplab.sh --exec` (ctest -L hoplab), which
# provides the realm ($env:LAB, KRB5_CONFIG, ...); outside it the suite fails.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [string] $Cli,
    [string] $SourceDir,
    [string] $Pwsh
)

BeforeDiscovery {
    $realm = if ($env:REALM) { $env:REALM } else { 'LAB.TEST' }
    $web = 'HTTP/web.lab.test'; $plain = 'HTTP/plain.lab.test'
    # name, user, mech, delegate, web SPN, web keytab, impersonate, db sees, reason: the lab's table
    $cases = @(
        @{ Name = 'kerberos-delegated'; User = 'alice'; Mech = 'Kerberos'; Deleg = 'Policy'; Web = $web; Keytab = 'web.keytab'; Imp = 'IfDelegated'; Sees = "alice@$realm"; As = 'delegated'; Reason = 'granted' }
        @{ Name = 'kerberos-not-trusted'; User = 'alice'; Mech = 'Kerberos'; Deleg = 'Policy'; Web = $plain; Keytab = 'plain.keytab'; Imp = 'IfDelegated'; Sees = "$plain@$realm"; As = 'process identity'; Reason = 'not_ok_as_delegate' }
        @{ Name = 'kerberos-not-trusted-insist'; User = 'alice'; Mech = 'Kerberos'; Deleg = 'Policy'; Web = $plain; Keytab = 'plain.keytab'; Imp = 'Always'; Sees = $null; As = 'delegated'; Reason = 'not_ok_as_delegate' }
        @{ Name = 'kerberos-sensitive-user'; User = 'bob'; Mech = 'Kerberos'; Deleg = 'Policy'; Web = $web; Keytab = 'web.keytab'; Imp = 'IfDelegated'; Sees = "$web@$realm"; As = 'process identity'; Reason = 'not_forwardable' }
        @{ Name = 'kerberos-no-impersonation'; User = 'alice'; Mech = 'Kerberos'; Deleg = 'Policy'; Web = $web; Keytab = 'web.keytab'; Imp = 'Never'; Sees = "$web@$realm"; As = 'process identity'; Reason = 'granted' }
        @{ Name = 'ntlm'; User = 'alice'; Mech = 'NTLM'; Deleg = 'Policy'; Web = $web; Keytab = 'web.keytab'; Imp = 'IfDelegated'; Sees = "$web@$realm"; As = 'process identity'; Reason = 'mech_cannot_delegate' }
        @{ Name = 'negotiate-kerberos'; User = 'alice'; Mech = 'Negotiate'; Deleg = 'Policy'; Web = $web; Keytab = 'web.keytab'; Imp = 'IfDelegated'; Sees = "alice@$realm"; As = 'delegated'; Reason = 'granted' }
        @{ Name = 'negotiate-falls-back-to-ntlm'; User = $null; Mech = 'Negotiate'; Deleg = 'Policy'; Web = $web; Keytab = 'web.keytab'; Imp = 'IfDelegated'; Sees = "$web@$realm"; As = 'process identity'; Reason = 'mech_cannot_delegate' }
        @{ Name = 'kerberos-always-delegate'; User = 'alice'; Mech = 'Kerberos'; Deleg = 'Always'; Web = $plain; Keytab = 'plain.keytab'; Imp = 'IfDelegated'; Sees = "alice@$realm"; As = 'delegated'; Reason = 'granted' }
    )
}

BeforeAll {
    Import-Module $ModulePath -Force -ErrorAction Stop
    $script:lab = $env:LAB
    $script:realm = if ($env:REALM) { $env:REALM } else { 'LAB.TEST' }
    # .NET cannot change the native environment GSS-API reads: the cases use the lab's
    # default ccache (hoplab.sh exports KRB5CCNAME and NTLM_USER_FILE) and kinit into it.
}

Describe 'the hop lab through Invoke-TLHopProbe' {
    It 'runs inside the lab' {
        $script:lab | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path $script:lab 'db.keytab') | Should -BeTrue
    }

    It '<Name>: db sees <Sees> (<As>), reason <Reason>' -ForEach $cases {
        $principal = $null
        if ($Mech -eq 'NTLM') {
            $principal = "LAB\$User"
        } elseif (-not $User) {
            & kdestroy 2>&1 | Out-Null   # no Kerberos logon: SPNEGO can only offer NTLM
        } else {
            & kinit -f -k -t (Join-Path $script:lab "$User.keytab") $User 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
        }
        $probe = @{
            Target = $Web; Mechanism = $Mech; Delegation = $Deleg; ServerKeytab = (Join-Path $script:lab $Keytab)
            NextTarget = 'MSSQLSvc/db.lab.test:1433'; NextKeytab = (Join-Path $script:lab 'db.keytab')
            Impersonate = $Imp; ProcessPrincipal = $Web; ProcessKeytab = (Join-Path $script:lab $Keytab)
        }
        if ($principal) { $probe.ClientPrincipal = $principal }
        $r = Invoke-TLHopProbe @probe
        $r.PSObject.TypeNames[0] | Should -Be 'TokenLens.HopProbe'
        $r.Reason | Should -Be $Reason
        $r.Delegated | Should -Be ($Reason -eq 'granted')
        $r.ServerDelegated | Should -Be $r.Delegated
        $r.ReasonText | Should -Not -BeNullOrEmpty
        $r.Mechanism | Should -Be $(if ($Mech -eq 'NTLM' -or -not $User) { 'NTLM' } else { 'Kerberos' })
        if ($Mech -ne 'NTLM' -and $User) { $r.ServerSees | Should -Be "$User@$script:realm" }
        $r.NextAs | Should -Be $As
        $r.NextSees | Should -Be $Sees
        if ($null -eq $Sees) { $r.NextError | Should -Not -BeNullOrEmpty }
    }

    It 'fails with an AuthenticationError when the server has no keytab' {
        $err = $null
        try { Invoke-TLHopProbe -Target HTTP/web.lab.test -Mechanism Kerberos -ServerKeytab (Join-Path $script:lab 'missing.keytab') -ErrorAction Stop }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.FullyQualifiedErrorId | Should -BeLike 'TokenLens.TL_EAUTH*'
    }
}
