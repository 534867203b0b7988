# One Describe block of tests/powershell/TokenLens.Tests.ps1 in this PowerShell (tests/winps/run.sh
# runs one tlpwsh process per block under Wine: the CLR there cannot survive the garbage of the
# whole suite in one process, see run.sh). Prints one line per test and, last,
# "N passed, N failed, N skipped". Exit status 0 only when everything ran and passed.
param(
    [Parameter(Mandatory)][string] $Block,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $PesterPath,
    [string] $Cli,
    [string] $Pwsh,
    [Parameter(Mandatory)][string] $SourceDir,
    # Only the It on this line of the test file (all its -ForEach cases).
    [int] $Line = 0,

    # Print the line of each It in the block and run nothing.
    [switch] $ListLines
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$data = @{ ModulePath = $ModulePath; Cli = $Cli; SourceDir = $SourceDir; Pwsh = $Pwsh }
$config = New-PesterConfiguration
$config.Run.Container = New-PesterContainer -Path (Join-Path $SourceDir 'tests/powershell/TokenLens.Tests.ps1') -Data $data
$config.Run.PassThru = $true
$testFile = Join-Path $SourceDir 'tests/powershell/TokenLens.Tests.ps1'
if ($Line -gt 0) { $config.Filter.Line = "${testFile}:$Line" } else { $config.Filter.FullName = "$Block.*" }
if ($ListLines) { $config.Run.SkipRun = $true }
$config.Output.Verbosity = 'None'
$result = Invoke-Pester -Configuration $config
if ($ListLines) {
    $result.Tests | Where-Object { $_.Block.Path[0] -eq $Block } | ForEach-Object { $_.StartLine } | Sort-Object -Unique | ForEach-Object { "line $_" }

    exit 0
}
foreach ($c in $result.Containers | Where-Object Result -EQ 'Failed') {
    foreach ($e in $c.ErrorRecord) { "[!] container $($c.Item): $e" }
}
foreach ($t in $result.Tests | Where-Object { $_.Result -ne 'NotRun' }) {
    $mark = switch ($t.Result) { 'Passed' { '[+]' } 'Failed' { '[-]' } default { '[ ]' } }
    "$mark $($t.ExpandedPath) ($([int]$t.Duration.TotalMilliseconds) ms)"
    if ($t.Result -eq 'Failed') {
        foreach ($e in $t.ErrorRecord) { "      $e"; "      $($e.ScriptStackTrace -split "`n" | Select-Object -First 2)" }
    }
}
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
"$($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($failed -gt 0 -or ($result.PassedCount + $result.SkippedCount) -eq 0) { exit 1 }
exit 0
