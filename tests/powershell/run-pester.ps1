# Runs the TokenLens Pester suite against a built module and prints the count as
# "N passed, N failed, N skipped" on its last line. Exit status 0 only when everything passed.
#   pwsh -NoProfile -File tests/powershell/run-pester.ps1 -ModulePath build/default/bindings/powershell/TokenLens \
#        -PesterPath ~/.cache/tokenlens/nuget/pester/5.7.1/tools/Pester.psd1 -Cli build/default/cli/tokenlens
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $PesterPath,
    [string] $Cli,
    [string] $Pwsh,
    [string] $SourceDir = (Resolve-Path "$PSScriptRoot/../..").Path,
    # Another suite with the same parameters (tests/hoplab/TokenLens.Hop.Tests.ps1)
    [string] $TestsPath = (Join-Path $PSScriptRoot 'TokenLens.Tests.ps1')
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

$data = @{
    ModulePath = (Resolve-Path $ModulePath).Path
    Cli        = if ($Cli) { (Resolve-Path $Cli).Path } else { '' }
    SourceDir  = $SourceDir
    Pwsh       = $Pwsh
}
$config = New-PesterConfiguration
$config.Run.Container = New-PesterContainer -Path $TestsPath -Data $data
$config.Run.PassThru = $true
# Pester's own summary is left out so that the one count below is the only one a log
# scraper (scripts/test.sh) sees; each test is listed instead.
$config.Output.Verbosity = 'None'
$result = Invoke-Pester -Configuration $config

foreach ($c in $result.Containers | Where-Object Result -EQ 'Failed') {
    foreach ($e in $c.ErrorRecord) { "[!] container $($c.Item): $e" }
}
foreach ($t in $result.Tests) {
    $mark = switch ($t.Result) { 'Passed' { '[+]' } 'Failed' { '[-]' } default { '[ ]' } }
    "$mark $($t.ExpandedPath) ($([int]$t.Duration.TotalMilliseconds) ms)"
    if ($t.Result -eq 'Failed') {
        foreach ($e in $t.ErrorRecord) { "      $e"; "      $($e.ScriptStackTrace -split "`n" | Select-Object -First 2)" }
    }
}
foreach ($b in $result.Failed | Where-Object { $_ -isnot [Pester.Test] }) { "[!] block $($b.ExpandedPath) failed" }

# A failure in BeforeAll/discovery fails the container without failing a test: count it.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
"$($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($result.Result -ne 'Passed' -or $failed -gt 0) { exit 1 }
exit 0
