# Fleet use through PowerShell's SSH remoting transport (issue 16 item 4). Run by
# tests/powershell/ssh-loopback.sh, which starts a private sshd on 127.0.0.1, .2 and .3 (three
# "servers") and sets TL_SSH_PORT / TL_SSH_USER / TL_SSH_KEY / TL_SSH_KNOWN_HOSTS / TL_SSH_WORK.
# Nothing here skips: without those, or without a session, every test fails.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [string] $Cli,
    [Parameter(Mandatory)][string] $SourceDir,
    [string] $Pwsh
)

BeforeAll {
    Import-Module $ModulePath -Force -ErrorAction Stop
    foreach ($v in 'TL_SSH_PORT', 'TL_SSH_USER', 'TL_SSH_KEY', 'TL_SSH_KNOWN_HOSTS', 'TL_SSH_WORK') {
        if (-not [System.Environment]::GetEnvironmentVariable($v)) { throw "$v is not set: run through tests/powershell/ssh-loopback.sh" }
    }
    $script:work = $env:TL_SSH_WORK
    # One "server" per loopback address, each with its own applicationHost.config in the
    # folder its session starts in (so -Path names the same relative file on every server).
    $script:servers = [ordered]@{ '127.0.0.1' = 'coke-pepsi.config'; '127.0.0.2' = 'coke-pepsi.config'; '127.0.0.3' = $null }
    $opts = @{ StrictHostKeyChecking = 'yes'; UserKnownHostsFile = $env:TL_SSH_KNOWN_HOSTS; BatchMode = 'yes'; IdentitiesOnly = 'yes' }
    $script:sessions = [ordered]@{}
    foreach ($h in $servers.Keys) {
        $dir = Join-Path $work "srv-$h"
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        if ($servers[$h]) {
            Copy-Item (Join-Path $SourceDir "tests/data/iis/$($servers[$h])") (Join-Path $dir 'applicationHost.config')
            # A second configuration (-Path b/applicationHost.config): built-in and domain pool accounts.
            New-Item -ItemType Directory -Path (Join-Path $dir 'b') -Force | Out-Null
            Copy-Item (Join-Path $SourceDir 'tests/data/iis/pool-identities.config') (Join-Path $dir 'b/applicationHost.config')
        }
        $s = New-PSSession -HostName $h -Port ([int]$env:TL_SSH_PORT) -UserName $env:TL_SSH_USER -KeyFilePath $env:TL_SSH_KEY `
            -Options $opts -ConnectingTimeout 60000 -ErrorAction Stop
        Invoke-Command -Session $s -ScriptBlock { param($d) Set-Location -LiteralPath $d } -ArgumentList $dir -ErrorAction Stop
        $sessions[$h] = $s
    }
    $script:good = @($sessions['127.0.0.1'], $sessions['127.0.0.2'])
    $script:all = @($sessions.Values)
}

AfterAll {
    if ($script:sessions) { $script:sessions.Values | Remove-PSSession -ErrorAction SilentlyContinue }
}

Describe 'Invoke-TLFleetAudit over SSH remoting (loopback)' {
    It 'opens a real SSH session on each server, running PowerShell 7 remotely' {
        foreach ($h in $servers.Keys) {
            $s = $sessions[$h]
            $s.State | Should -Be 'Opened'
            $s.Transport | Should -Be 'SSH'
            $r = Invoke-Command -Session $s -ScriptBlock { [pscustomobject]@{ Major = $PSVersionTable.PSVersion.Major; Where = (Get-Location).Path } }
            $r.Major | Should -BeGreaterOrEqual 7
            $r.PSComputerName | Should -Be $h
            $r.Where | Should -Be (Join-Path $work "srv-$h")
        }
    }

    It 'writes one FleetSite per (server, site), with Server set' {
        $rows = @(Invoke-TLFleetAudit -Session $good -Path 'applicationHost.config' -ModulePath $ModulePath)
        $rows.Count | Should -Be 4
        @($rows | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be 'TokenLens.FleetSite'
        @($rows.Server | Sort-Object -Unique) | Should -Be @('127.0.0.1', '127.0.0.2')
        $coke = $rows | Where-Object { $_.Server -eq '127.0.0.2' -and $_.Name -eq 'coke' }
        $coke.ProcessIdentity | Should -Be 'IIS APPPOOL\Coke'
        $coke.AnonymousSid | Should -Be 'S-1-5-17'
        @($coke.Findings.kind) | Should -Contain 'shared_anonymous_identity'
        $coke.ConfigPath | Should -Be (Join-Path $work 'srv-127.0.0.2/applicationHost.config')
    }

    It '-Merge gives one FleetIdentity per identity, with the servers that share it' {
        $ids = @(Invoke-TLFleetAudit -Session $good -Path 'applicationHost.config' -ModulePath $ModulePath -Merge)
        @($ids | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique) | Should -Be 'TokenLens.FleetIdentity'
        # IUSR serves anonymous requests for both sites on both servers.
        $iusr = $ids | Where-Object Sid -EQ 'S-1-5-17'
        $iusr.Identity | Should -Be 'NT AUTHORITY\IUSR'
        $iusr.ServerCount | Should -Be 2
        @($iusr.Servers | Sort-Object) | Should -Be @('127.0.0.1', '127.0.0.2')
        @($iusr.Sites | Sort-Object) | Should -Be @('127.0.0.1:coke', '127.0.0.1:pepsi', '127.0.0.2:coke', '127.0.0.2:pepsi')
        $iusr.Roles | Should -Be 'anonymous'
        # The pool account IIS APPPOOL\Coke (a virtual account: the same SID everywhere) runs
        # the coke pool on both servers: one identity, two servers.
        $pool = $ids | Where-Object Identity -EQ 'IIS APPPOOL\Coke'
        $pool.ServerCount | Should -Be 2
        @($pool.Sites | Sort-Object) | Should -Be @('127.0.0.1:coke', '127.0.0.2:coke')
        $pool.Roles | Should -Be 'process'
        $ids.Count | Should -Be 3
    }

    It '-Merge keys a domain pool account without a SID on its name, and built-in accounts on their SID' {
        $ids = @(Invoke-TLFleetAudit -Session $good -Path 'b/applicationHost.config' -ModulePath $ModulePath -Merge)
        # CONTOSO\svc-web runs pool "svc" on both servers; offline there is no SID for it.
        $svc = $ids | Where-Object Identity -EQ 'CONTOSO\svc-web'
        $svc.ServerCount | Should -Be 2
        $svc.Sid | Should -BeNullOrEmpty
        @($svc.Roles | Sort-Object) | Should -Be @('anonymous', 'process')
        # NETWORK SERVICE both runs the pool and serves anonymous requests of site a.
        $ns = $ids | Where-Object Sid -EQ 'S-1-5-20'
        $ns.ServerCount | Should -Be 2
        @($ns.Sites | Sort-Object -Unique) | Should -Be @('127.0.0.1:a', '127.0.0.2:a')
        @($ids.Sid | Where-Object { $_ }) | Sort-Object | Should -Be @('S-1-5-18', 'S-1-5-19', 'S-1-5-20',
            'S-1-5-82-378670381-369222378-1591327458-2569082047-3646778271')
        $ids.Count | Should -Be 5
    }

    It 'a server that fails is a non-terminating error naming it; the others still report' {
        $errs = $null
        $rows = @(Invoke-TLFleetAudit -Session $all -Path 'applicationHost.config' -ModulePath $ModulePath -ErrorAction SilentlyContinue -ErrorVariable errs)
        @($rows.Server | Sort-Object -Unique) | Should -Be @('127.0.0.1', '127.0.0.2')
        $mine = @($errs | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'TokenLens.FleetServerFailed*' })
        $mine.Count | Should -Be 1
        $mine[0].TargetObject | Should -Be '127.0.0.3'
        $mine[0].Exception.Message | Should -BeLike '*127.0.0.3*applicationHost.config*'
        # With -ErrorAction Stop the first failure stops the command.
        { Invoke-TLFleetAudit -Session $all -Path 'applicationHost.config' -ModulePath $ModulePath -ErrorAction Stop } | Should -Throw '*127.0.0.3*'
    }

    It 'a missing module on the server is reported per server' {
        $errs = $null
        $rows = @(Invoke-TLFleetAudit -Session $good -Path 'applicationHost.config' -ModulePath (Join-Path $work 'no-such-module') -ErrorAction SilentlyContinue -ErrorVariable errs)
        $rows.Count | Should -Be 0
        @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'TokenLens.FleetServerFailed*' }).Count | Should -Be 2
    }
}

Describe 'Objects that come back deserialized over SSH (Deserialized.TokenLens.*)' {
    It 'Get-TLIisAudit sites from Invoke-Command go into ConvertTo-TLScenario and Invoke-TLExplain' {
        $sites = @(Invoke-Command -Session $good[0] -ScriptBlock { param($m) Import-Module $m; Get-TLIisAudit -LiteralPath applicationHost.config } -ArgumentList $ModulePath)
        $sites[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.TokenLens.IisSite'
        $hops = @($sites | ConvertTo-TLScenario -Domain CONTOSO -User CONTOSO\alice -HopTarget 'MSSQLSvc/db01.contoso.com:1433' | Invoke-TLExplain)
        $hops.Count | Should -Be 2
        $local = @(Get-TLIisAudit -LiteralPath (Join-Path $work 'srv-127.0.0.1/applicationHost.config') |
                ConvertTo-TLScenario -Domain CONTOSO -User CONTOSO\alice -HopTarget 'MSSQLSvc/db01.contoso.com:1433' | Invoke-TLExplain)
        @($hops.ArrivesAs) | Should -Be @($local.ArrivesAs)
    }

    It 'a scenario built on the server goes into Invoke-TLExplain here' {
        $sc = Invoke-Command -Session $good[0] -ScriptBlock { param($m) Import-Module $m; ConvertTo-TLScenario applicationHost.config coke -Domain CONTOSO -HopTarget 'MSSQLSvc/db01:1433' } -ArgumentList $ModulePath
        $sc.PSObject.TypeNames[0] | Should -Be 'Deserialized.TokenLens.Scenario'
        @($sc | Invoke-TLExplain).Count | Should -Be 1
    }

    It 'a token imported on the server goes into Test-TLAccess and Export-TLToken here' {
        $file = Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json'
        $t = Invoke-Command -Session $good[1] -ScriptBlock { param($m, $f) Import-Module $m; Import-TLToken -LiteralPath $f } -ArgumentList $ModulePath, $file
        $t.PSObject.TypeNames[0] | Should -Be 'Deserialized.TokenLens.Token'
        (Test-TLAccess -Sddl 'D:(A;;FA;;;WD)' -Token $t -Access FileRead).Allowed | Should -BeTrue
        (Test-TLAccess -Sddl 'D:(D;;FA;;;WD)(A;;FA;;;WD)' -Token $t -Access FileRead).Allowed | Should -BeFalse
        $out = Join-Path $work 'roundtrip.json'
        $t | Export-TLToken -Path $out
        (Import-TLToken -LiteralPath $out).User.Sid | Should -Be (Import-TLToken -LiteralPath $file).User.Sid
    }

    It 'a plain object with TokenLens-like properties is still refused where a token is required' {
        $fake = [pscustomobject]@{ PSTypeName = 'Deserialized.Something.Else'; User = 'S-1-1-0' }
        { Test-TLAccess -Sddl 'D:(A;;FA;;;WD)' -Token $fake -Access FileRead -ErrorAction Stop } | Should -Throw
    }
}
