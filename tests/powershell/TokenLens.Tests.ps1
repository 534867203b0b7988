# Pester 5 suite for the TokenLens PowerShell module. Run through run-pester.ps1 (CTest label
# "powershell"), which passes the built module folder, the built CLI and the source tree.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $Cli,
    [Parameter(Mandatory)][string] $SourceDir,
    [string] $Pwsh
)

BeforeDiscovery {
    $scenarioCases = @(Get-ChildItem (Join-Path $SourceDir 'examples/scenarios') -Filter *.json -File |
            ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
    # tests/winps/run.sh runs one scenario per process under Wine (its CLR cannot take more).
    if ($env:TL_TEST_SCENARIO) { $scenarioCases = @($scenarioCases | Where-Object { $_.Name -eq $env:TL_TEST_SCENARIO }) }
    # Snapshots in the token corpus: valid ones, and bad-*.json that must be refused.
    $tokenFiles = @(Get-ChildItem (Join-Path $SourceDir 'tests/data/token') -Filter *.json -File |
            Where-Object { $null -ne (Get-Content -Raw $_.FullName | ConvertFrom-Json).PSObject.Properties['tokenlens_token'] })
    $tokenCases = @($tokenFiles | Where-Object Name -NotLike 'bad*' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
    $badTokenCases = @($tokenFiles | Where-Object Name -Like 'bad*' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
    $iisCases = @(Get-ChildItem (Join-Path $SourceDir 'tests/data/iis') -Filter *.config -File |
            ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
    $module = Test-ModuleManifest (Join-Path $ModulePath 'TokenLens.psd1') -ErrorAction Stop
    $commandCases = @($module.ExportedFunctions.Keys | ForEach-Object { @{ Command = $_ } })
    $exported = @($module.ExportedFunctions.Keys)
}

BeforeAll {
    Import-Module $ModulePath -Force -ErrorAction Stop
    # pwsh installed as a .NET tool runs as `dotnet pwsh.dll`: the launcher comes from the runner.
    $script:pwsh = if ($Pwsh) { $Pwsh } else { (Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source }
    $script:scenarioCount = @(Get-ChildItem (Join-Path $SourceDir 'examples/scenarios') -Filter *.json -File).Count
    $script:exportedNames = $exportedNames = @((Test-ModuleManifest (Join-Path $ModulePath 'TokenLens.psd1')).ExportedFunctions.Keys)

    # The Windows build of PowerShell under Wine (tests/winps/run.sh): Wine has this key.
    $script:underWine = [bool]($IsWindows -and (Test-Path 'HKLM:\Software\Wine'))
    # The CLI as a native command, for the parity cases. Under Wine only, a process that the
    # Windows build of .NET starts now and then receives its own path as its first argument
    # (tokenlens: unknown command 'Z:\...\tokenlens.exe', exit status 2; seen once in the
    # winps stage's ~200 CLI runs, never on Linux): that run is made once more. These calls
    # are all valid usage, so exit status 2 never means anything else here.
    function Invoke-Cli {
        $out = & $Cli @args
        if ($script:underWine -and $LASTEXITCODE -eq 2) { $out = & $Cli @args }
        $out
    }
    # The TokenLensException behind an ErrorRecord (method calls wrap exceptions).
    function Get-Inner($err) {
        $e = $err.Exception
        while ($e -and $e -isnot [TokenLens.TokenLensException] -and $e.InnerException) { $e = $e.InnerException }
        $e
    }
    # Run a block that must fail with a terminating error; return the ErrorRecord.
    function Get-TerminatingError([scriptblock] $Block) {
        # Per-item errors are non-terminating (issue 16): -ErrorAction Stop makes them throw.
        # Set globally: a script module's functions do not see the caller's preference variables.
        $saved = $global:ErrorActionPreference
        $global:ErrorActionPreference = 'Stop'
        try { & $Block | Out-Null } catch { return $_ } finally { $global:ErrorActionPreference = $saved }
        throw 'expected a terminating error, got none'
    }
}

Describe 'TokenLens module' {
    It 'loads in a fresh pwsh session and exports exactly the TL cmdlets' {
        $names = & $script:pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath' -ErrorAction Stop; (Get-Command -Module TokenLens | Sort-Object Name).Name -join ','"
        $LASTEXITCODE | Should -Be 0
        $names | Should -Be (($script:exportedNames | Sort-Object) -join ',')
    }

    It 'prints the DefaultAppPool SID from the command line (issue done-when)' {
        $out = & $script:pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; (Get-TLSid -Name 'IIS APPPOOL\DefaultAppPool').Sid"
        $out | Should -Be 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415'
    }

    It 'has manifest version 0.1.0 and exports no variables, aliases or binary cmdlets' {
        $m = Test-ModuleManifest (Join-Path $ModulePath 'TokenLens.psd1')
        $m.Version | Should -Be ([version]'0.1.0')
        $m.ExportedVariables.Count | Should -Be 0
        $m.ExportedAliases.Count | Should -Be 0
        $m.ExportedCmdlets.Count | Should -Be 0
        $m.ExportedFunctions.Keys | Should -Contain 'Get-TLSid'
        $m.ExportedFunctions.Keys | Should -Contain 'Invoke-TLExplain'
    }

    It 'keeps its helpers private' {
        Get-Command -Module TokenLens -Name New-TLErrorRecord -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Command -Module TokenLens | ForEach-Object { $_.Name | Should -Match '^[A-Z][a-z]+-TL[A-Za-z]+$' }
    }

    It 'ships the native libraries beside the assembly or under runtimes/<rid>/native' {
        Test-Path (Join-Path $ModulePath 'TokenLens.dll') | Should -BeTrue
        # The build tree has them beside TokenLens.dll; the zip and the nupkg (issue 16) under
        # runtimes/<rid>/native, where the module loads the one for this OS from.
        @(Get-ChildItem $ModulePath -Recurse -File | Where-Object Name -Match 'tokenlens_csharp').Count | Should -BeGreaterThan 0
        $loaded = & (Get-Module TokenLens) { $script:TLNativeLibrary }
        Test-Path -LiteralPath $loaded | Should -BeTrue
        if (Test-Path (Join-Path $ModulePath 'runtimes')) {
            $loaded | Should -BeLike ('*' + [TokenLens.NativeLoader]::RuntimeIdentifier + '*')
        }
    }

    # Skipped in the Windows build of PowerShell under Wine only: Get-Help -Full compiles so
    # much dynamic code that Wine's coreclr dies finalizing it (Internal CLR error 0x80131506 in
    # DynamicResolver+DestroyScout.Finalize, docs/powershell.md), even one command per process.
    # The native pwsh suite runs it for every command.
    It '<Command> has comment-based help with a synopsis and examples' -ForEach $commandCases -Skip:($IsWindows -and (Test-Path 'HKLM:\Software\Wine')) {
        $help = Get-Help $Command -Full
        $help.Synopsis | Should -Not -Match "^\s*$Command"
        $help.Synopsis.Length | Should -BeGreaterThan 20
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }
}

Describe 'Get-TLSid' {
    It 'resolves <Name> to <Sid>' -ForEach @(
        @{ Name = 'IIS APPPOOL\DefaultAppPool'; Sid = 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415'; Kind = 'iis-apppool' }
        @{ Name = 'iis apppool\defaultapppool'; Sid = 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415'; Kind = 'iis-apppool' }
        @{ Name = 'NT SERVICE\TrustedInstaller'; Sid = 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464'; Kind = 'service' }
        @{ Name = 'NT AUTHORITY\IUSR'; Sid = 'S-1-5-17'; Kind = 'well-known' }
        @{ Name = 'BUILTIN\IIS_IUSRS'; Sid = 'S-1-5-32-568'; Kind = 'builtin' }
        @{ Name = 'NT AUTHORITY\NETWORK SERVICE'; Sid = 'S-1-5-20'; Kind = 'well-known' }
        @{ Name = 'NT AUTHORITY\ANONYMOUS LOGON'; Sid = 'S-1-5-7'; Kind = 'well-known' }
        @{ Name = 'BA'; Sid = 'S-1-5-32-544'; Kind = 'builtin' }
        @{ Name = 'S-1-5-18'; Sid = 'S-1-5-18'; Kind = 'well-known' }
    ) {
        $r = Get-TLSid -Name $Name
        $r.Sid | Should -BeExactly $Sid
        $r.Kind | Should -Be $Kind
        $r.PSObject.TypeNames | Should -Contain 'TokenLens.SidInfo'
    }

    It 'names virtual accounts as typed, with the canonical domain part' {
        (Get-TLSid 'iis apppool\Coke').Name | Should -BeExactly 'IIS APPPOOL\Coke'
        (Get-TLSid 'nt service\MSSQLSERVER').Name | Should -BeExactly 'NT SERVICE\MSSQLSERVER'
    }

    It 'names a SID given with -Sid' {
        $r = Get-TLSid -Sid 'S-1-5-20'
        $r.Name | Should -Be 'NT AUTHORITY\NETWORK SERVICE'
        $r.SddlAlias | Should -Be 'NS'
    }

    It 'takes names from the pipeline, one object per input, in order' {
        $r = @('IUSR', 'IIS_IUSRS', 'NS' | Get-TLSid)
        $r.Count | Should -Be 3
        $r.Sid | Should -Be @('S-1-5-17', 'S-1-5-32-568', 'S-1-5-20')
    }

    It 'takes -Sid by property name from piped objects' {
        $r = [pscustomobject]@{ Sid = 'S-1-5-18' }, [pscustomobject]@{ Sid = 'S-1-5-19' } | Get-TLSid
        $r.Name | Should -Be @('NT AUTHORITY\SYSTEM', 'NT AUTHORITY\LOCAL SERVICE')
    }

    It 'round-trips its own output through the pipeline' {
        $r = Get-TLSid 'IIS APPPOOL\DefaultAppPool' | Get-TLSid
        $r.Sid | Should -Be 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415'
    }

    It 'resolves domain-relative aliases with -DomainSid' {
        (Get-TLSid DU -DomainSid 'S-1-5-21-1004336348-1177238915-682003330').Sid | Should -Be 'S-1-5-21-1004336348-1177238915-682003330-513'
    }

    It 'agrees with `tokenlens sid --json` for <Name>' -ForEach @(
        @{ Name = 'IIS APPPOOL\DefaultAppPool' }, @{ Name = 'NT SERVICE\TrustedInstaller' },
        @{ Name = 'BUILTIN\IIS_IUSRS' }, @{ Name = 'NS' }, @{ Name = 'S-1-5-7' }
    ) {
        $fromCli = Invoke-Cli sid $Name --json | Out-String | ConvertFrom-Json
        $r = Get-TLSid -Name $Name
        $r.Sid | Should -BeExactly $fromCli.sid
        $r.Name | Should -Be $fromCli.name
    }

    It 'passes non-ASCII names as UTF-8 both ways' {
        $pool = "Caf$([char]0xE9)"
        $r = Get-TLSid -Name "IIS APPPOOL\$pool"
        $r.Name | Should -BeExactly "IIS APPPOOL\$pool"
        # Lower-casing happens in the library on the UTF-8 it receives: same SID for any case.
        (Get-TLSid -Name "IIS APPPOOL\CAF$([char]0xC9)").Sid | Should -Be $r.Sid
        @(Invoke-Cli sid "IIS APPPOOL\$pool")[0] | Should -BeExactly $r.Sid
        $err = Get-TerminatingError { Get-TLSid -Name "NO SUCH\Z$([char]0xFC)rich" }
        $err.Exception.Message | Should -Match "Z$([char]0xFC)rich"
    }

    It 'a malformed SID is a terminating parse error that names the byte offset' {
        $err = Get-TerminatingError { Get-TLSid -Sid 'S-1-5-x' }
        $err.FullyQualifiedErrorId | Should -BeLike 'TokenLens.TL_EPARSE*'
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        $inner = Get-Inner $err
        $inner | Should -BeOfType ([TokenLens.TokenLensParseException])
        $inner.Offset | Should -Be 6
        $err.Exception.Message | Should -Match '(offset|byte) 6\b'
    }

    It 'an unknown name is a terminating ObjectNotFound error naming the input' {
        $err = Get-TerminatingError { Get-TLSid -Name 'NO SUCH DOMAIN\nobody' }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'NO SUCH DOMAIN\nobody'
        (Get-Inner $err) | Should -BeOfType ([TokenLens.TokenLensNotFoundException])
    }

    It 'reports bad items as non-terminating errors and goes on with the rest' {
        $errs = $null
        $r = @('IUSR', 'S-1-5-x', 'NS' | Get-TLSid -ErrorAction SilentlyContinue -ErrorVariable errs)
        $r.Count | Should -Be 2
        $r[0].Sid | Should -Be 'S-1-5-17'
        $r[1].Sid | Should -Be 'S-1-5-20'
        # -ErrorVariable also collects the exception the cmdlet caught on the way: the record it
        # wrote is the ErrorRecord among them.
        $written = @($errs | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'TokenLens.*' })
        $written.Count | Should -Be 1
        $written[0].TargetObject | Should -Be 'S-1-5-x'
        $written[0].CategoryInfo.Category | Should -Be 'ParserError'
    }

    It 'accepts objects deserialized from remoting (Deserialized.TokenLens.*) where the live type goes' {
        $t = Import-TLToken (Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json')
        $d = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($t, 5))
        $d.PSObject.TypeNames[0] | Should -Be 'Deserialized.TokenLens.Token'
        (Test-TLAccess -Sddl 'D:(A;;FA;;;WD)' -Token $d -Access FileRead).Allowed | Should -BeTrue
        $out = Join-Path $TestDrive 'deserialized.json'
        $d | Export-TLToken -Path $out
        (Import-TLToken $out).User.Sid | Should -Be $t.User.Sid
    }

    It 'Test-TLAccess takes the Sddl of Get-Acl output from the pipeline' {
        ([pscustomobject]@{ Sddl = 'D:(A;;FA;;;WD)' } | Test-TLAccess -Sid 'S-1-1-0' -Access FileRead).Allowed | Should -BeTrue
        ([pscustomobject]@{ Sddl = 'D:(A;;FR;;;WD)' } | Test-TLAccess -Sid 'S-1-1-0' -Access FileWrite).Allowed | Should -BeFalse
    }

    It 'Test-TLAccess names the reason of every denial and warns about a descriptor without a DACL (issue 18)' {
        $r = Test-TLAccess -Sddl 'D:' -Sid 'S-1-1-0' -Access FileRead
        $r.Allowed | Should -BeFalse
        @($r.Reasons).Count | Should -BeGreaterThan 0
        $r.Reasons[0].Text | Should -Match 'the DACL is empty'
        $r = Test-TLAccess -Sddl 'D:NO_ACCESS_CONTROL' -Sid 'S-1-1-0' -Access FileRead -WarningVariable w -WarningAction SilentlyContinue
        $r.Allowed | Should -BeTrue
        "$w" | Should -Match 'everyone is granted full access'
        $r = Test-TLAccess -Sddl 'D:(A;;FA;;;WD)' -Sid 'S-1-1-0' -Access FileRead -WarningVariable w2 -WarningAction SilentlyContinue
        @($w2).Count | Should -Be 0
        { Test-TLAccess -Sddl 'D:' -Sid 'S-1-1-0' -Access '' } | Should -Throw
    }

    It 'Get-TLIisAudit carries findings and pools, takes wildcards and -LiteralPath' {
        $cfg = Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config'
        $a = @(Get-TLIisAudit -LiteralPath $cfg)
        $coke = $a | Where-Object Name -EQ 'coke'
        @($coke.Findings.kind) | Should -Contain 'shared_anonymous_identity'
        $coke.Pool.name | Should -Be $coke.AppPool
        $coke.Pool.process_identity.sid | Should -Be $coke.ProcessSid
        @(Get-TLIisAudit (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.conf*')).Count | Should -Be $a.Count
        $errs = $null
        @(Get-TLIisAudit (Join-Path $TestDrive 'nothing-*.config'), $cfg -ErrorAction SilentlyContinue -ErrorVariable errs).Count | Should -Be $a.Count
        @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'TokenLens.FileNotFound*' }).TargetObject | Should -Be (Join-Path $TestDrive 'nothing-*.config')
    }
}

Describe 'C# layer' {
    It 'turns error codes into typed exceptions with code, name and offset' {
        $e = $null
        try { [TokenLens.Sid]::Parse('S-1-5-32-') } catch { $e = Get-Inner $_ }
        $e | Should -BeOfType ([TokenLens.TokenLensParseException])
        $e.Code | Should -Be -4
        $e.ErrorName | Should -Be 'TL_EPARSE'
    }

    It 'clears the error between calls (a success after a failure does not throw)' {
        try { [TokenLens.Sid]::Parse('nope') } catch { }
        $s = [TokenLens.Sid]::Parse('S-1-1-0')
        try { $s.ToString() | Should -Be 'S-1-1-0' } finally { $s.Dispose() }
    }

    It 'proxies that own native memory are IDisposable' {
        [System.IDisposable].IsAssignableFrom([TokenLens.Sid]) | Should -BeTrue
        [System.IDisposable].IsAssignableFrom([TokenLens.Token]) | Should -BeTrue
        [System.IDisposable].IsAssignableFrom([TokenLens.Explanation]) | Should -BeTrue
    }

    It 'uses CamelCase names' {
        [TokenLens.Token].GetMethod('GroupCount') | Should -Not -BeNullOrEmpty
        [TokenLens.TokenLensNative].GetMethod('TlSidKindOf') | Should -Not -BeNullOrEmpty
        [TokenLens.Sid].GetMethod('IisAppPool') | Should -Not -BeNullOrEmpty
    }

    It 'offers enumerable views over count + indexed getters' {
        $t = [TokenLens.Token]::Load((Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json'))
        try {
            $groups = @($t.Groups)
            $groups.Count | Should -Be $t.GroupCount()
            $s = $groups[1].GetSid(); try { $s.ToString() | Should -Be 'S-1-1-0' } finally { $s.Dispose() }
            @($t.Privileges).Name | Should -Contain 'SeChangeNotifyPrivilege'
        } finally { $t.Dispose() }
        # Items are copies: still valid after the parent is gone.
        $groups[0].Attributes | Should -Be 7
        $sc = [TokenLens.Scenario]::Load((Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json'))
        $e = $sc.Explain(); $sc.Dispose()
        try {
            $hop = @($e.Hops)[0]
            $hop.ArrivesAs | Should -Be 'NT AUTHORITY\ANONYMOUS LOGON'
            $hop.Steps.Count | Should -BeGreaterThan 0
        } finally { $e.Dispose() }
    }

    It 'returns size_t results through a pointer as out ulong' {
        $a = [TokenLens.IisAudit]::Load((Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config'))
        try {
            $names = @(Get-TLIisAudit (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config')).Name
            $index = [uint64]0
            [TokenLens.TokenLensNative]::TlIisSiteFind([ref]$index, $a, $names[1]) | Should -Be 0
            $index | Should -Be 1
            { [TokenLens.TokenLensNative]::TlIisSiteFind([ref]$index, $a, 'no-such-site') } | Should -Throw
        } finally { $a.Dispose() }
    }

    It 'targets netstandard2.0 (loads in Windows PowerShell 5.1 and PowerShell 7)' {
        $asm = [TokenLens.Sid].Assembly
        $tf = $asm.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false)
        $tf.FrameworkName | Should -Be '.NETStandard,Version=v2.0'
    }
}

Describe 'Ownership' {
    It 'every cmdlet releases what the library allocated, on success and on error' {
        # Under Wine the CLR dies finalizing DynamicMethod resolvers on a forced full collection
        # (Internal CLR error 0x80131506 in DynamicResolver+DestroyScout.Finalize); the count
        # below starts after it and does not depend on it.
        if (-not $script:underWine) { [GC]::Collect(); [GC]::WaitForPendingFinalizers() }
        $token = Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json'
        $scenario = Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json'
        $out = Join-Path $TestDrive 'own.json'
        # Warm up once so lazily created state (thread-local error text, caches) exists first.
        Import-TLToken $token | Export-TLToken -Path $out
        Invoke-TLExplain $scenario | Out-Null
        [TokenLens.TokenLensNative]::TlSwigAllocCounting($true)
        try {
            # Under Wine, fewer rounds: each round's garbage brings the collection that Wine's
            # CLR cannot finalize through (above); three rounds still count every cmdlet.
            $rounds = if ($script:underWine) { 3 } else { 25 }
            for ($i = 0; $i -lt $rounds; $i++) {
                Get-TLSid 'IIS APPPOOL\DefaultAppPool', 'S-1-5-20', 'BA' | Out-Null
                Import-TLToken $token | Export-TLToken -Path $out
                Invoke-TLExplain $scenario | Out-Null
                ConvertFrom-TLSddl 'O:BAG:SYD:(A;;FA;;;BA)' | Out-Null
                Test-TLAccess -Sddl 'D:(A;;FA;;;BA)' -Sid 'S-1-5-32-544' -Access FileRead | Out-Null
                Test-TLIisIsolation (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config') -ContentFile (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.content') | Out-Null
                try { Test-TLIisIsolation (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config') -Content @{ coke = 'D:(A;;FA;;;BA' } } catch { }
                Get-TLIisAudit (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config') | ConvertTo-TLScenario -HopTarget 'MSSQLSvc/db01:1433' | Invoke-TLExplain | Out-Null
                try { Get-TLSid -Sid 'S-1-5-x' } catch { }
                try { Import-TLToken (Join-Path $SourceDir 'tests/data/token/bad-group-sid.json') } catch { }
            }
            # Released deterministically (Dispose in the cmdlets), not left to the finalizers.
            [TokenLens.TokenLensNative]::TlSwigAllocTotal() | Should -BeGreaterThan 100
            [TokenLens.TokenLensNative]::TlSwigAllocOutstanding() | Should -Be 0
        } finally {
            [TokenLens.TokenLensNative]::TlSwigAllocCounting($false)
        }
    }
}

Describe 'Import-TLToken and Export-TLToken' {
    It 'imports <Name>' -ForEach $tokenCases {
        $t = Import-TLToken -Path $Path
        $t.PSObject.TypeNames | Should -Contain 'TokenLens.Token'
        $t.Type | Should -BeIn @('primary', 'impersonation', $null)
        $src = Get-Content -Raw $Path | ConvertFrom-Json
        $t.User.Sid | Should -Be $src.user.sid
        @($t.Groups).Count | Should -Be @($src.groups).Count
        @($t.Privileges).Count | Should -Be @($src.privileges).Count
    }

    It 'reads the fields of an NTLM network logon snapshot' {
        $t = Import-TLToken (Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json')
        $t.ImpersonationLevel | Should -Be 'Impersonation'
        $t.LogonPackage | Should -Be 'NTLM'
        $t.LogonType | Should -Be 'Network'
        $t.IntegrityLevel | Should -Be 'Medium'
        $t.Elevated | Should -BeFalse
        ($t.Groups | Where-Object Sid -EQ 'S-1-1-0').Name | Should -Be 'Everyone'
        ($t.Privileges | Where-Object Name -EQ 'SeChangeNotifyPrivilege').Enabled | Should -BeTrue
    }

    It 'round-trips <Name> through Export-TLToken' -ForEach $tokenCases {
        $out = Join-Path $TestDrive "rt-$Name"
        $t = Import-TLToken $Path
        $t | Export-TLToken -Path $out
        $back = Import-TLToken $out
        $back.Snapshot | Should -BeExactly $t.Snapshot
    }

    It 'imports every token of a `tokenlens whoami --save` file, with its Role' {
        $path = Join-Path $SourceDir 'tests/data/token/wine-whoami.json'
        $src = Get-Content -Raw $path | ConvertFrom-Json
        $r = @(Import-TLToken $path)
        $roles = @('process', 'thread', 'effective' | Where-Object { $null -ne $src.$_ })
        $r.Role | Should -Be $roles
        $r[0].User.Sid | Should -Be $src.process.user.sid
        @($r[0].Groups).Count | Should -Be @($src.process.groups).Count
    }

    It 'shows a SID inside another object as NAME (SID)' {
        $t = Import-TLToken (Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json')
        "$($t.Groups[1])" | Should -Match 'S-1-1-0'
        (Get-TLSid 'S-1-1-0').ToString() | Should -Be 'Everyone (S-1-1-0)'
    }

    It 'takes FileInfo objects from Get-ChildItem on the pipeline' {
        $r = @(Get-ChildItem (Join-Path $SourceDir 'tests/data/token') -Filter iis-*.json | Import-TLToken)
        $r.Count | Should -Be @(Get-ChildItem (Join-Path $SourceDir 'tests/data/token') -Filter iis-*.json).Count
        $r[0].PSObject.TypeNames | Should -Contain 'TokenLens.Token'
    }

    It 'resolves relative paths against the PowerShell location' {
        Push-Location (Join-Path $SourceDir 'tests/data/token')
        try {
            (Import-TLToken './iis-ntlm-impersonation.json').LogonUser | Should -Be 'alice'
            Import-TLToken './iis-ntlm-impersonation.json' | Export-TLToken -Path 'TestDrive:/rel.json'
            Test-Path 'TestDrive:/rel.json' | Should -BeTrue
        } finally { Pop-Location }
    }

    It 'a malformed snapshot is a terminating parse error naming the JSON path' {
        $bad = Join-Path $TestDrive 'bad.json'
        (Get-Content -Raw (Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json')) -replace '"S-1-1-0"', '"S-1-1-zero"' |
            Set-Content -LiteralPath $bad -NoNewline
        $err = Get-TerminatingError { Import-TLToken $bad }
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        (Get-Inner $err).InputPath | Should -Match '^\$\.groups\[1\]'
        $err.Exception.Message | Should -Match 'groups\[1\]'
    }

    It 'refuses the bad snapshot <Name> with a parse error naming where' -ForEach $badTokenCases {
        $err = Get-TerminatingError { Import-TLToken $Path }
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        (Get-Inner $err).InputPath + (Get-Inner $err).Offset | Should -Not -BeNullOrEmpty
    }

    It 'a missing file is a terminating ObjectNotFound error' {
        $err = Get-TerminatingError { Import-TLToken (Join-Path $TestDrive 'nope.json') }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'nope.json'
    }

    It 'Export-TLToken refuses objects that are not tokens' {
        $err = Get-TerminatingError { [pscustomobject]@{ A = 1 } | Export-TLToken -Path (Join-Path $TestDrive 'x.json') }
        $err.CategoryInfo.Category | Should -Be 'InvalidType'
    }
}

Describe 'Get-TLToken' {
    It 'is a clear terminating NotImplemented error off Windows (<Switch>)' -Skip:$IsWindows -ForEach @(
        @{ Switch = 'Process' }, @{ Switch = 'Thread' }, @{ Switch = 'Effective' }
    ) {
        $p = @{ $Switch = $true }
        $err = Get-TerminatingError { Get-TLToken @p }
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
        $err.Exception.Message | Should -Match 'Windows'
    }

    It 'captures the process token on Windows' -Skip:(-not $IsWindows) {
        $t = Get-TLToken -Process
        $t.Type | Should -Be 'primary'
        $t.User.Sid | Should -Match '^S-1-'
    }
}

Describe 'Invoke-TLExplain' {
    It 'gives the same answer as `tokenlens explain --json` for <Name>' -ForEach $scenarioCases {
        $json = Invoke-Cli explain $Path --json | Out-String
        $LASTEXITCODE | Should -Be 0
        $fromCli = $json | ConvertFrom-Json
        $hops = @(Invoke-TLExplain -Path $Path)
        $hops.Count | Should -Be @($fromCli.hops).Count
        for ($i = 0; $i -lt $hops.Count; $i++) {
            $h = $hops[$i]; $c = @($fromCli.hops)[$i]
            $h.PSObject.TypeNames | Should -Contain 'TokenLens.Hop'
            $h.Target | Should -BeExactly $c.target
            $h.From | Should -BeExactly $c.from
            $h.ArrivesAs | Should -BeExactly $c.arrives_as.name
            $h.ArrivesAsSid | Should -BeExactly $c.arrives_as.sid
            $h.Protocol | Should -BeExactly $c.protocol
            $h.Outcome | Should -BeExactly $c.outcome
            @($h.Steps).Count | Should -Be @($c.steps).Count
            for ($k = 0; $k -lt @($c.steps).Count; $k++) {
                $h.Steps[$k].Rule | Should -BeExactly @($c.steps)[$k].rule
                $h.Steps[$k].Text | Should -BeExactly @($c.steps)[$k].text
                $h.Steps[$k].Unsettled | Should -Be @($c.steps)[$k].unsettled
            }
            $h.Unsettled | Should -Be $c.unsettled
            $h.RunsAsLevel | Should -BeExactly $c.runs_as.impersonation_level
        }
        $hops[0].Process.Name | Should -BeExactly $fromCli.process.name
        $hops[0].Process.Sid | Should -BeExactly $fromCli.process.sid
        $hops[0].RequestThread.Name | Should -BeExactly $fromCli.request_thread.name
        $hops[0].RequestThread.ImpersonationLevel | Should -BeExactly $fromCli.request_thread.impersonation_level
        $hops[0].RequestThread.LogonPackage | Should -BeExactly $fromCli.request_thread.logon.package
        $hops[0].RequestThread.LogonType | Should -BeExactly $fromCli.request_thread.logon.type
    }

    It 'the NTLM double hop arrives as ANONYMOUS LOGON' {
        $h = Invoke-TLExplain (Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json') | Select-Object -First 1
        $h.ArrivesAs | Should -Be 'NT AUTHORITY\ANONYMOUS LOGON'
        $h.Outcome | Should -Be 'anonymous'
        $h.Steps[-1].Rule | Should -Not -BeNullOrEmpty
    }

    It 'takes scenario files from Get-ChildItem on the pipeline' {
        $all = @(Get-ChildItem (Join-Path $SourceDir 'examples/scenarios') -Filter *.json | Invoke-TLExplain)
        $all.Count | Should -BeGreaterOrEqual $script:scenarioCount
        @($all.Path | Sort-Object -Unique).Count | Should -Be $script:scenarioCount
    }

    It 'explains scenario JSON text (-Json): a what-if with Kerberos constrained delegation' {
        $s = Get-Content -Raw (Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json') | ConvertFrom-Json
        $s.request.protocol = 'kerberos'
        $s.delegation.mode = 'constrained'
        $s.delegation.to = @($s.hops[0].target)
        $h = Invoke-TLExplain -Json ($s | ConvertTo-Json -Depth 10) | Select-Object -First 1
        $h.ArrivesAs | Should -Be $s.request.user
        $h.Protocol | Should -Be 'Kerberos'
        $h.Path | Should -BeNullOrEmpty
    }

    It 'explains the explain-v2 fields: <Case>' -ForEach @(
        @{ Case = 'same box'; Hop = @{ target = 'MSSQLSvc/web01.contoso.com:1433'; from = 'after_revert' }; Request = @{ user = 'CONTOSO\alice'; protocol = 'ntlm' }; Arrives = 'IIS APPPOOL\Coke'; Outcome = 'ok' }
        @{ Case = 'IP target'; Hop = @{ target = 'MSSQLSvc/10.0.0.5:1433'; from = 'after_revert' }; Request = @{ user = 'CONTOSO\alice'; protocol = 'ntlm' }; Arrives = 'CONTOSO\WEB01$'; Outcome = 'ok'; Protocol = 'NTLM' }
        @{ Case = 'Protected Users over NTLM'; Hop = @{ target = 'MSSQLSvc/db01.contoso.com:1433' }; Request = @{ user = 'CONTOSO\alice'; protocol = 'ntlm'; protected_users = $true }; Arrives = $null; Outcome = 'denied' }
        @{ Case = 'RBCD'; Hop = @{ target = 'MSSQLSvc/db01.contoso.com:1433'; allowed_to_act = @('CONTOSO\WEB01$') }; Request = @{ user = 'CONTOSO\alice'; protocol = 'kerberos' }; Arrives = 'CONTOSO\alice'; Outcome = 'ok' }
        @{ Case = 'NEW_CREDENTIALS'; Hop = @{ target = 'cifs/files01'; from = 'new_credentials'; credentials = 'CONTOSO\svc' }; Request = @{ user = 'CONTOSO\alice'; protocol = 'ntlm' }; Arrives = 'CONTOSO\svc'; Outcome = 'ok' }
        @{ Case = 'anonymous request with a protocol'; Hop = @{ target = 'local' }; Request = @{ user = $null; protocol = 'kerberos' }; Arrives = 'NT AUTHORITY\IUSR'; Outcome = 'ok' }
    ) {
        $s = [ordered]@{
            tokenlens_scenario = 1
            machine            = @{ name = 'WEB01'; domain = 'CONTOSO' }
            app_pool           = @{ name = 'Coke'; identity = 'ApplicationPoolIdentity' }
            site               = @{ anonymous = @{ enabled = ($null -eq $Request.user) }; windows = @{ enabled = $true }; impersonate = $true }
            request            = $Request
            hops               = @($Hop)
        }
        $h = Invoke-TLExplain -Json ($s | ConvertTo-Json -Depth 10) | Select-Object -First 1
        $h.ArrivesAs | Should -Be $Arrives
        $h.Outcome | Should -Be $Outcome
        if ($Protocol) { $h.Protocol | Should -Be $Protocol }
    }

    It 'marks an unsettled answer (RBCD for an NTLM user)' {
        $s = [ordered]@{
            tokenlens_scenario = 1
            machine = @{ name = 'WEB01'; domain = 'CONTOSO' }
            app_pool = @{ name = 'Coke'; identity = 'ApplicationPoolIdentity' }
            site = @{ anonymous = @{ enabled = $false }; windows = @{ enabled = $true }; impersonate = $true }
            request = @{ user = 'CONTOSO\alice'; protocol = 'ntlm' }
            hops = @(@{ target = 'MSSQLSvc/db01.contoso.com:1433'; allowed_to_act = @('CONTOSO\WEB01$') })
        }
        $h = Invoke-TLExplain -Json ($s | ConvertTo-Json -Depth 10) | Select-Object -First 1
        $h.Unsettled | Should -BeTrue
        @($h.Steps | Where-Object Unsettled).Rule | Should -Contain 'kerberos.rbcd-ntlm-user'
    }

    It 'a bad value of a new field names its JSON path' {
        $err = Get-TerminatingError { Invoke-TLExplain -Json '{"tokenlens_scenario": 1, "machine": {"name": "WEB01"}, "app_pool": {"name": "P", "identity": "NetworkService"}, "site": {"basic": {"logon_method": "Kerberos"}}, "request": {"user": null}, "hops": []}' }
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        $err.Exception.Message | Should -Match 'site\.basic\.logon_method'
    }

    It 'bad scenario JSON text is a terminating parse error' {
        $err = Get-TerminatingError { Invoke-TLExplain -Json '{"tokenlens_scenario": 2}' }
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        $err.TargetObject | Should -Be 'scenario JSON'
    }

    It 'an invalid scenario is a terminating parse error naming the JSON path' {
        $bad = Join-Path $TestDrive 'bad-scenario.json'
        (Get-Content -Raw (Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json')) -replace '"ApplicationPoolIdentity"', '"Bogus"' |
            Set-Content -LiteralPath $bad -NoNewline
        $err = Get-TerminatingError { Invoke-TLExplain $bad }
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        $err.Exception.Message | Should -Match 'app_pool'
    }

    It 'malformed JSON names the byte offset' {
        $bad = Join-Path $TestDrive 'broken.json'
        Set-Content -LiteralPath $bad -Value '{"tokenlens_scenario": 1,' -NoNewline
        $err = Get-TerminatingError { Invoke-TLExplain $bad }
        (Get-Inner $err) | Should -BeOfType ([TokenLens.TokenLensParseException])
    }
}

Describe 'ConvertFrom-TLSddl' {
    It 'returns the canonical SDDL and the owner' {
        $r = ConvertFrom-TLSddl 'O:BAG:SYD:(A;;FA;;;BA)(A;;0x1200a9;;;S-1-5-32-568)'
        $r.Sddl | Should -BeExactly 'O:BAG:SYD:(A;;FA;;;BA)(A;;0x1200a9;;;IS)'
        $r.Owner.Sid | Should -Be 'S-1-5-32-544'
        $r.DaclAces | Should -Be 2
    }

    It 'agrees with `tokenlens sddl`' {
        $in = 'D:(A;OICI;GA;;;SY)(A;;GR;;;WD)'
        $first = @(Invoke-Cli sddl $in)[0]
        (ConvertFrom-TLSddl $in).Sddl | Should -BeExactly $first
    }

    It 'a malformed SDDL string is a terminating parse error naming the byte offset' {
        $err = Get-TerminatingError { ConvertFrom-TLSddl 'O:BAD:(A;;FA;;;BA' }
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        (Get-Inner $err).Offset | Should -Not -BeNullOrEmpty
    }
}

Describe 'Test-TLAccess' {
    It 'grants read to IIS_IUSRS through the ACE that decides it' {
        $r = Test-TLAccess -Sddl 'O:BAG:SYD:(A;;0x1200a9;;;IS)' -Sid 'S-1-5-17', 'S-1-5-32-568' -Access FileRead
        $r.Allowed | Should -BeTrue
        ($r.Reasons | Where-Object Kind -EQ 'allow_ace').Ace | Should -Match 'IS'
    }

    It 'takes Get-Acl objects (their .Sddl) from the pipeline' {
        # What Get-Acl writes on Windows: an object whose Sddl property is the descriptor.
        $acls = @([pscustomobject]@{ Path = 'a'; Sddl = 'D:(A;;FA;;;WD)' },
                  [pscustomobject]@{ Path = 'b'; Sddl = 'D:(D;;FA;;;WD)(A;;FA;;;WD)' })
        $r = @($acls | Test-TLAccess -Sid 'S-1-5-17', 'S-1-1-0' -Access FileRead)
        $r.Count | Should -Be 2
        $r[0].Allowed | Should -BeTrue
        $r[1].Allowed | Should -BeFalse
        $r[1].Reasons[0].Kind | Should -BeExactly 'deny_ace'
    }

    It 'denies write and says so' {
        $r = Test-TLAccess -Sddl 'O:BAG:SYD:(A;;0x1200a9;;;IS)' -Sid 'S-1-5-17', 'S-1-5-32-568' -Access FileWrite
        $r.Allowed | Should -BeFalse
        @($r.Reasons).Count | Should -BeGreaterThan 0
    }

    It 'checks an imported token' {
        $t = Import-TLToken (Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json')
        (Test-TLAccess -Sddl 'D:(A;;FA;;;WD)' -Token $t -Access FullControl).Allowed | Should -BeTrue
        (Test-TLAccess -Sddl 'D:(A;;FA;;;BA)' -Token $t -Access FileRead).Allowed | Should -BeFalse
    }

    It 'an unknown access name is a terminating error' {
        $err = Get-TerminatingError { Test-TLAccess -Sddl 'D:' -Sid 'S-1-1-0' -Access 'Frobnicate' }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Get-TLIisAudit' {
    It 'agrees with `tokenlens iis --json` for <Name>' -ForEach $iisCases {
        $fromCli = Invoke-Cli iis $Path --json | Out-String | ConvertFrom-Json
        $sites = @(Get-TLIisAudit $Path)
        $sites.Count | Should -Be @($fromCli.sites).Count
        for ($i = 0; $i -lt $sites.Count; $i++) {
            $sites[$i].Name | Should -BeExactly @($fromCli.sites)[$i].name
            $sites[$i].ProcessIdentity | Should -BeExactly @($fromCli.sites)[$i].process_identity.name
        }
    }

    It 'reports sites that share an anonymous identity' {
        $sites = @(Get-TLIisAudit (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config'))
        @($sites | Where-Object { @($_.SharedAnonymousWith).Count -gt 0 }).Count | Should -BeGreaterThan 1
    }
}

Describe 'ConvertTo-TLScenario' {
    BeforeAll {
        $config = Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config'
        $hop = 'MSSQLSvc/db01.contoso.com:1433'
    }

    It 'gives the scenario `tokenlens iis --explain SITE --scenario` gives, for every site' {
        foreach ($site in Get-TLIisAudit $config) {
            $mine = $site | ConvertTo-TLScenario -Domain CONTOSO -User 'CONTOSO\alice' -HopTarget $hop
            $fromCli = Invoke-Cli iis $config --explain $site.Name --domain CONTOSO --user 'CONTOSO\alice' --hop $hop --scenario | Out-String
            $LASTEXITCODE | Should -Be 0
            ($mine.Json | ConvertFrom-Json | ConvertTo-Json -Depth 20 -Compress) |
                Should -BeExactly ($fromCli | ConvertFrom-Json | ConvertTo-Json -Depth 20 -Compress)
        }
    }

    It 'pipes from the IIS audit through the explain engine' {
        $hops = @(Get-TLIisAudit $config | ConvertTo-TLScenario -Domain CONTOSO -User 'CONTOSO\alice' -HopTarget $hop | Invoke-TLExplain)
        $hops.Count | Should -Be @(Get-TLIisAudit $config).Count
        $hops | ForEach-Object { $_.Target | Should -Be $hop; $_.ArrivesAs | Should -Not -BeNullOrEmpty }
    }

    It 'an unknown site is a terminating ObjectNotFound error' {
        $err = Get-TerminatingError { ConvertTo-TLScenario -Path $config -Site 'no-such-site' }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Test-TLIisIsolation' {
    It 'gives the verdict of `tokenlens iis --content-file` for <Name>' -ForEach @(
        @{ Name = 'coke-pepsi'; Holds = $false }, @{ Name = 'coke-pepsi-isolated'; Holds = $true }
    ) {
        $config = Join-Path $SourceDir "tests/data/iis/$Name.config"
        $content = Join-Path $SourceDir "tests/data/iis/$Name.content"
        $fromCli = (Invoke-Cli iis $config --content-file $content --json | Out-String | ConvertFrom-Json).isolation
        $checks = @(Test-TLIisIsolation $config -ContentFile $content)
        $checks.Count | Should -Be @($fromCli.checks).Count
        for ($i = 0; $i -lt $checks.Count; $i++) {
            $c = @($fromCli.checks)[$i]
            $checks[$i].Reader | Should -BeExactly $c.reader
            $checks[$i].Content | Should -BeExactly $c.content
            $checks[$i].Identity | Should -BeExactly $c.identity.name
            $checks[$i].CanRead | Should -Be $c.can_read
            $checks[$i].OwnContent | Should -Be $c.own_content
            $checks[$i].Reason | Should -BeExactly $c.reason
        }
        Test-TLIisIsolation $config -ContentFile $content -Quiet | Should -Be $Holds
        $fromCli.holds | Should -Be $Holds
    }

    It 'takes the descriptors as a hashtable' {
        $config = Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config'
        $sddl = 'O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;S-1-5-17)'
        $r = @(Test-TLIisIsolation $config -Content @{ coke = $sddl; pepsi = $sddl } |
                Where-Object { $_.CanRead -and -not $_.OwnContent })
        $r.Count | Should -Be 2
    }

    It 'a malformed descriptor is a terminating parse error naming the offset' {
        $err = Get-TerminatingError { Test-TLIisIsolation (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config') -Content @{ coke = 'D:(A;;FA;;;BA' } }
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        (Get-Inner $err).Offset | Should -Be 13
    }

    It 'a site that is not in the configuration is ObjectNotFound' {
        $err = Get-TerminatingError { Test-TLIisIsolation (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config') -Content @{ fanta = 'D:' } }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Format views' {
    It 'has a default view for <Type>' -ForEach @(
        @{ Type = 'TokenLens.SidInfo' }, @{ Type = 'TokenLens.Hop' }, @{ Type = 'TokenLens.Token' },
        @{ Type = 'TokenLens.TokenGroup' }, @{ Type = 'TokenLens.Step' }, @{ Type = 'TokenLens.IisSite' },
        @{ Type = 'TokenLens.AccessResult' }, @{ Type = 'TokenLens.Scenario' }, @{ Type = 'TokenLens.SecurityDescriptor' },
        @{ Type = 'TokenLens.IisIsolationCheck' }
    ) {
        Get-FormatData -TypeName $Type | Should -Not -BeNullOrEmpty
    }

    It 'the SID table fits a 120-column console' {
        $text = Get-TLSid 'IIS APPPOOL\DefaultAppPool', 'BA' | Out-String -Width 120
        $text | Should -Match 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415'
        ($text -split "`n" | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
    }

    It 'the hop table shows target, identity and outcome' {
        $text = Invoke-TLExplain (Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json') | Out-String -Width 120
        $text | Should -Match 'ANONYMOUS LOGON'
        $text | Should -Match 'anonymous'
    }
}

Describe 'examples/powershell/Get-HopIdentity.ps1' {
    It 'says the DB call arrives as ANONYMOUS LOGON in the NTLM double hop, and why' {
        $script = Join-Path $SourceDir 'examples/powershell/Get-HopIdentity.ps1'
        $out = & $script -Path (Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json') -ModulePath $ModulePath
        $out.ArrivesAs | Should -Contain 'NT AUTHORITY\ANONYMOUS LOGON'
        $out[0].Why | Should -Not -BeNullOrEmpty
    }
}

Describe 'Error contract (issue 12)' {
    # The C# binding raises on a negative tl_result only, never on an error an earlier call
    # left in tl_error_last().
    It 'a raw call that fails throws; the same call succeeding afterwards returns 0' {
        $sid = [TokenLens.Sid]::new()
        $err = { [TokenLens.TokenLensNative]::TlSidFromString($sid, 'S-1-5-x') } | Should -Throw -PassThru
        (Get-Inner $err) | Should -BeOfType ([TokenLens.TokenLensParseException])
        [TokenLens.TokenLensNative]::TlSidFromString($sid, 'S-1-5-18') | Should -Be 0
        $sid.ToString() | Should -Be 'S-1-5-18'
    }
    It 'a successful <Name> after a failure does not throw' -ForEach @(
        @{ Name = 'Sid.Parse'; Call = { [TokenLens.Sid]::Parse('S-1-5-32-544').ToString() } }
        @{ Name = 'Get-TLSid'; Call = { (Get-TLSid 'BA').Sid } }
        @{ Name = 'ConvertFrom-TLSddl'; Call = { (ConvertFrom-TLSddl 'D:(A;;FA;;;BA)').Sddl } }
        @{ Name = 'Test-TLAccess'; Call = { (Test-TLAccess -Sddl 'D:(A;;FA;;;BA)' -Sid 'S-1-5-32-544' -Access FileRead).Allowed } }
    ) {
        { [TokenLens.Sid]::Parse('S-1-5-x') } | Should -Throw
        & $Call | Should -Not -BeNullOrEmpty
    }
    It 'a binding helper failure names the (C#) call, not a stale message' {
        { [TokenLens.Sid]::Parse('S-1-5-x') } | Should -Throw
        $err = { [TokenLens.TokenLensNative]::TlSwigSidCopy([TokenLens.Sid]::new(), $null) } | Should -Throw -PassThru
        $inner = Get-Inner $err
        $inner | Should -BeOfType ([TokenLens.TokenLensArgumentException])
        $inner.Message | Should -Be 'TlSwigSidCopy failed: TL_EINVAL'
    }
}

Describe 'Native status kind (issue 12)' {
    It 'says an unreadable file failed with the operating system''s code' {
        $err = { [TokenLens.Token]::Load((Join-Path $TestDrive 'missing.json')) } | Should -Throw -PassThru
        $inner = Get-Inner $err
        $inner | Should -BeOfType ([TokenLens.TokenLensIOException])
        # ENOENT is 2, and so is ERROR_FILE_NOT_FOUND from CreateFile on Windows (issue 18: the
        # one file reader opens with CreateFile there, so the code is a Win32 one).
        $inner.NativeCode | Should -Be 2
        $inner.NativeKind | Should -Be $(if ($IsWindows) { 'win32' } else { 'errno' })
    }
}

Describe 'Test-TLAccess rights come from the library (issue 12)' {
    It '-Access <Access> asks for <Mask>' -ForEach @(
        @{ Access = 'FileRead'; Mask = '0x120089' }
        @{ Access = 'FR'; Mask = '0x120089' }
        @{ Access = 'FullControl'; Mask = '0x1f01ff' }
        # generic rights are mapped (file mapping): GENERIC_READ | READ_CONTROL is FILE_GENERIC_READ
        @{ Access = 'GenericRead, ReadControl'; Mask = '0x120089' }
        @{ Access = 'RPWP'; Mask = '0x30' }
        @{ Access = '0x1200a9'; Mask = '0x1200a9' }
    ) {
        (Test-TLAccess -Sddl 'D:(A;;FA;;;WD)' -Sid 'S-1-1-0' -Access $Access).Desired | Should -Be $Mask
    }
}

Describe 'Test-TLIisIsolation reads content through the library (issue 12)' {
    It 'names the line of a malformed -ContentFile' {
        $bad = Join-Path $TestDrive 'bad.content'
        Set-Content -Path $bad -Value "coke=D:(A;;FR;;;WD)`n# fine`nbroken line"
        $err = Get-TerminatingError { Test-TLIisIsolation (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config') -ContentFile $bad }
        $err.FullyQualifiedErrorId | Should -BeLike 'TokenLens.TL_EPARSE*'
        $err.Exception.Message | Should -BeLike '*line 3: expected SITE=SDDL*'
    }
    It 'refuses a site given twice in -ContentFile, naming both lines (issue 18)' {
        $dup = Join-Path $TestDrive 'dup.content'
        Set-Content -Path $dup -Value "coke=D:(A;;FA;;;SY)`npepsi=D:(A;;FA;;;SY)`nCOKE=D:(A;;FA;;;WD)"
        $err = Get-TerminatingError { Test-TLIisIsolation (Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config') -ContentFile $dup }
        $err.FullyQualifiedErrorId | Should -BeLike 'TokenLens.TL_EPARSE*'
        $err.Exception.Message | Should -BeLike '*line 3: site ''COKE'' is given twice (first on line 1)*'
    }
}

Describe 'Reading a real server (issue 14)' {
    BeforeAll {
        $wc = Join-Path $SourceDir 'tests/data/webconfig'
        $who = Join-Path $SourceDir 'tests/data/whoami'
        $srv = Join-Path $SourceDir 'tests/data/server/web01/c'
        $cfg = Join-Path $srv 'Windows/System32/inetsrv/config/applicationHost.config'
    }
    It 'Get-TLWebConfig reads connection strings into SPNs' {
        $w = Get-TLWebConfig (Join-Path $wc 'classic.config')
        $w.Impersonate | Should -BeTrue
        ($w.Connections | Where-Object name -eq 'ShopDb').spn | Should -Be 'MSSQLSvc/db01.contoso.com:1433'
    }
    It 'Get-TLWebConfig names the file of a hostile web.config' {
        { Get-TLWebConfig (Join-Path $wc 'doctype.config') } | Should -Throw '*DOCTYPE*'
    }
    It 'Import-TLToken -WhoamiText reads whoami /all text' {
        $t = Import-TLToken -WhoamiText (Get-Content -Raw (Join-Path $who 'all.txt'))
        $t.User | Should -Be 'S-1-5-21-1004336348-1177238915-682003330-1106'
        $t.IntegrityLevel | Should -Be 'Medium'
        $t.Role | Should -Be 'process'
    }
    It 'Import-TLToken takes whoami output from the pipeline, line by line' {
        $t = Get-Content (Join-Path $who 'apppool.txt') | Import-TLToken
        $t.User | Should -Be 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415'
    }
    It 'Import-TLToken still reads piped snapshot paths' {
        $r = @((Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json') | Import-TLToken)
        $r.Count | Should -Be 1
    }
    It 'Invoke-TLDiagnose gives one object per hop with site, application and source' {
        $hops = @(Invoke-TLDiagnose $cfg -Map "C:\=$srv" -Domain CONTOSO)
        $shop = $hops | Where-Object { $_.Site -eq 'shop' -and $_.Application -eq '/' }
        $shop.Source | Should -Be 'connectionStrings/ShopDb'
        $shop.ArrivesAs | Should -Be 'NT AUTHORITY\ANONYMOUS LOGON'
        $files = @($hops | Where-Object Site -eq 'files')
        $files.Count | Should -Be 2
        $files | ForEach-Object { $_.ArrivesAs | Should -Be 'CONTOSO\WEB01$' }
        $files[1].Source | Should -Be '/reports: connectionStrings/Reports'
    }
}

Describe 'Test-TLHop' {
    BeforeAll {
        $nh = Join-Path $SourceDir 'tests/data/nexthop'
        $db = 'MSSQLSvc/db01.contoso.com:1433'
    }
    It 'answers <file> as <arrives> (<outcome>), as tokenlens explain --token does' -TestCases @(
        @{ file = 'whoami-apppool-ntlm.json'; arrives = 'NT AUTHORITY\ANONYMOUS LOGON'; outcome = 'anonymous' }
        @{ file = 'whoami-apppool-kerberos.json'; arrives = 'NT AUTHORITY\ANONYMOUS LOGON'; outcome = 'anonymous' }
        @{ file = 'whoami-apppool-kerberos-delegation.json'; arrives = 'CONTOSO\alice'; outcome = 'ok' }
        @{ file = 'whoami-apppool-no-impersonation.json'; arrives = 'CONTOSO\WEB01$'; outcome = 'ok' }
    ) {
        param($file, $arrives, $outcome)
        $h = Test-TLHop -Token (Join-Path $nh $file) -Target $db -Machine WEB01 -Domain CONTOSO
        $h.PSObject.TypeNames | Should -Contain 'TokenLens.Hop'
        $h.ArrivesAs | Should -Be $arrives
        $h.Outcome | Should -Be $outcome
        $h.Steps.Count | Should -BeGreaterThan 0
    }
    It 'explains one hop per target from the pipeline' {
        $hops = $db, 'local' | Test-TLHop -Token (Join-Path $nh 'whoami-apppool-ntlm.json') -Machine WEB01 -Domain CONTOSO
        $hops.Count | Should -Be 2
        $hops[1].Target | Should -Be 'local'
    }
    It 'fails with a terminating error for an unreachable DC' {
        { Test-TLHop -Token (Join-Path $nh 'whoami-apppool-ntlm.json') -Target $db -Ad -Server '127.0.0.1:9' } |
            Should -Throw '*unreachable*'
    }
}

Describe 'File readers: wildcard -Path, -LiteralPath, per-item errors (issue 16)' {
    BeforeAll {
        $tok = Join-Path $SourceDir 'tests/data/token/iis-ntlm-impersonation.json'
        $scen = Join-Path $SourceDir 'examples/scenarios/ntlm-double-hop.json'
        # File names with wildcard characters: -Path reads them as patterns, -LiteralPath as typed.
        $dir = Join-Path $TestDrive 'lit'
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        $tokBr = Join-Path $dir 'web[1].json'
        $scenBr = Join-Path $dir 'hop[1].json'
        Copy-Item -LiteralPath $tok -Destination $tokBr
        Copy-Item -LiteralPath $scen -Destination $scenBr
        Copy-Item -LiteralPath $tok -Destination (Join-Path $dir 'web1.json')
        $missing = Join-Path $TestDrive 'missing.json'
        $cases = @(
            @{ Command = 'Import-TLToken'; Good = $tok; Bracket = $tokBr; Pattern = (Join-Path $SourceDir 'tests/data/token/iis-*.json'); Count = 1 }
            @{ Command = 'Invoke-TLExplain'; Good = $scen; Bracket = $scenBr; Pattern = (Join-Path $SourceDir 'examples/scenarios/ntlm-double-*.json'); Count = @(Invoke-TLExplain $scen).Count }
        )
    }

    It '<Command> -LiteralPath reads a file whose name has [ ] in it' -ForEach @(
        @{ Command = 'Import-TLToken' }, @{ Command = 'Invoke-TLExplain' }) {
        $c = $cases | Where-Object Command -EQ $Command
        @(& $Command -LiteralPath $c.Bracket).Count | Should -Be $c.Count
        @(& $Command -LP $c.Bracket).Count | Should -Be $c.Count
    }

    It '<Command> -Path expands wildcards (and treats [1] as a character class)' -ForEach @(
        @{ Command = 'Import-TLToken' }, @{ Command = 'Invoke-TLExplain' }) {
        $c = $cases | Where-Object Command -EQ $Command
        @(& $Command -Path $c.Pattern).Count | Should -Be $c.Count
        if ($Command -eq 'Import-TLToken') {
            # web[1].json as a pattern matches web1.json, not itself.
            $r = @(Import-TLToken -Path $tokBr)
            $r.Count | Should -Be 1
            $r[0].Source | Should -Be (Join-Path $dir 'web1.json')
        }
    }

    It '<Command>: a missing file is a non-terminating error for that item; the others still come out' -ForEach @(
        @{ Command = 'Import-TLToken'; Set = 'Path' }, @{ Command = 'Import-TLToken'; Set = 'LiteralPath' },
        @{ Command = 'Invoke-TLExplain'; Set = 'Path' }, @{ Command = 'Invoke-TLExplain'; Set = 'LiteralPath' }) {
        $c = $cases | Where-Object Command -EQ $Command
        $errs = $null
        $splat = @{ $Set = @($missing, $c.Good, (Join-Path $TestDrive 'none-*.json')) }
        $out = @(& $Command @splat -ErrorAction SilentlyContinue -ErrorVariable errs)
        $out.Count | Should -Be $c.Count
        $notFound = @($errs | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'TokenLens.FileNotFound*' })
        # -LiteralPath takes 'none-*.json' as a file name, which does not exist either.
        $notFound.Count | Should -Be 2
        $notFound[0].TargetObject | Should -Be $missing
        $notFound[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { & $Command @splat -ErrorAction Stop } | Should -Throw '*missing.json*'
    }

    It 'Import-TLToken and Invoke-TLExplain read piped FileInfo objects literally (a name with [ ] in it)' {
        $r = @(Get-Item -LiteralPath $tokBr | Import-TLToken)
        $r.Count | Should -Be 1
        $r[0].Source | Should -Be $tokBr
        $h = @(Get-Item -LiteralPath $scenBr | Invoke-TLExplain)
        $h.Count | Should -Be @(Invoke-TLExplain -LiteralPath $scen).Count
        $h[0].Path | Should -Be $scenBr
        # Strings still bind to -Path (patterns).
        @((Join-Path $SourceDir 'examples/scenarios/ntlm-double-*.json') | Invoke-TLExplain).Count | Should -Be $h.Count
    }
}

# ---- input files (issue 18) ----
Describe 'Input files (issue 18)' {
    It 'Import-TLToken refuses a FIFO at once instead of blocking on it' -Skip:($IsWindows) {
        $fifo = Join-Path ([System.IO.Path]::GetTempPath()) "tl-fifo-$PID"
        & mkfifo $fifo
        try {
            # In a separate process, so a regression fails after 30 s instead of hanging Pester.
            $job = Start-Job -ScriptBlock {
                param($m, $f)
                Import-Module $m -ErrorAction Stop
                try { Import-TLToken -LiteralPath $f -ErrorAction Stop; 'loaded' } catch { "$_" }
            } -ArgumentList $ModulePath, $fifo
            $done = Wait-Job $job -Timeout 30
            $out = if ($done) { Receive-Job $job } else { 'blocked' }
            Remove-Job $job -Force
            $out | Should -BeLike "*is a FIFO, not a regular file*"
        } finally {
            Remove-Item -LiteralPath $fifo -Force
        }
    }
    It 'Import-TLToken still reads every token of a whoami document' {
        $roles = @(Import-TLToken (Join-Path $SourceDir 'tests/data/token/wine-whoami.json')).Role
        $roles | Should -Be @('process', 'effective')
    }
}

Describe 'Raw views keep their parent alive (issue 18)' {
    BeforeAll {
        $script:viewField = [System.Reflection.BindingFlags]'NonPublic,Instance'
        function Get-ViewParent($view) { $view.GetType().GetField('swigParentRef', $script:viewField).GetValue($view) }
        $script:iisConfig = Join-Path $SourceDir 'tests/data/iis/coke-pepsi.config'
    }
    It '<Name> holds the object it points into' -TestCases @(
        @{ Name = 'TlSdAceAt'; Parent = { [TokenLens.SecurityDescriptor]::FromSddl('O:BAG:BAD:(A;;FA;;;BA)', $null) }; View = { param($p) [TokenLens.TokenLensNative]::TlSdAceAt($p, [TokenLens.AclKind]::ACL_DACL, 0) } }
        @{ Name = 'TlSdOwner'; Parent = { [TokenLens.SecurityDescriptor]::FromSddl('O:BAG:BAD:(A;;FA;;;BA)', $null) }; View = { param($p) [TokenLens.TokenLensNative]::TlSdOwner($p) } }
        @{ Name = 'Ace.Sid'; Parent = { [TokenLens.TokenLensNative]::TlSdAceAt([TokenLens.SecurityDescriptor]::FromSddl('D:(A;;FA;;;BA)', $null), [TokenLens.AclKind]::ACL_DACL, 0) }; View = { param($p) $p.Sid } }
        @{ Name = 'TlIisSiteAt'; Parent = { [TokenLens.IisAudit]::Load($script:iisConfig) }; View = { param($p) [TokenLens.TokenLensNative]::TlIisSiteAt($p, 0) } }
        @{ Name = 'TlIisPoolAt'; Parent = { [TokenLens.IisAudit]::Load($script:iisConfig) }; View = { param($p) [TokenLens.TokenLensNative]::TlIisPoolAt($p, 0) } }
        @{ Name = 'IisPool.Identity'; Parent = { [TokenLens.TokenLensNative]::TlIisPoolAt([TokenLens.IisAudit]::Load($script:iisConfig), 0) }; View = { param($p) $p.Identity } }
    ) {
        param($Name, $Parent, $View)
        $p = & $Parent
        $v = & $View $p
        $v | Should -Not -BeNullOrEmpty
        [object]::ReferenceEquals((Get-ViewParent $v), $p) | Should -BeTrue
    }
    It 'an ACE read after its descriptor was collected is intact' {
        $ace = & { [TokenLens.TokenLensNative]::TlSdAceAt([TokenLens.SecurityDescriptor]::FromSddl('D:(A;;0x1f01ff;;;BA)', $null), [TokenLens.AclKind]::ACL_DACL, 0) }
        if (-not $script:underWine) { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect() }
        $ace.Mask | Should -Be 0x1f01ff
        $ace.Sid.ToString() | Should -Be 'S-1-5-32-544'
    }
}
