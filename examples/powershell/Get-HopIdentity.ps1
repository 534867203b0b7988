<#
.SYNOPSIS
Why does the database call use the process identity? Which identity a SQL connection from an
IIS/ASP.NET setup arrives as, and the reasoning behind it.

.DESCRIPTION
The PowerShell twin of the Python example. Give it a scenario (format v1, see
examples/scenarios/): the app pool identity, the site's authentication, delegation settings,
the request and the hops the code makes. For every hop to SQL Server (MSSQLSvc/... by default)
it reports who the code runs as at that point, who SQL Server sees (ArrivesAs), whether that is
the process identity rather than the user, and why - the rule chain from the tokenlens model,
each rule citing its source in docs/rules.md.

.PARAMETER Path
Scenario file.

.PARAMETER Target
Which hops to report (wildcards). Default: SQL Server connections, MSSQLSvc/*.

.PARAMETER ModulePath
Where the TokenLens module is (a build tree's bindings/powershell/TokenLens). Default: the
installed module, else build/default in this checkout.

.EXAMPLE
./examples/powershell/Get-HopIdentity.ps1 -Path examples/scenarios/thread-pool-continuation.json

The connection opened on a thread-pool continuation: it runs as IIS APPPOOL\<pool> locally and
arrives at SQL Server as the machine account CONTOSO\WEB01$.

.EXAMPLE
Get-ChildItem examples/scenarios/*.json | ForEach-Object { ./examples/powershell/Get-HopIdentity.ps1 $_.FullName } |
    Format-Table Scenario, RunsAs, ArrivesAs, UsesProcessIdentity -AutoSize
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory, Position = 0)][string] $Path,
    [string] $Target = 'MSSQLSvc/*',
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module TokenLens)) {
    if (-not $ModulePath) {
        $ModulePath = if (Get-Module -ListAvailable TokenLens) { 'TokenLens' }
                      else { Join-Path $PSScriptRoot '../../build/default/bindings/powershell/TokenLens' }
    }
    Import-Module $ModulePath
}

foreach ($hop in Invoke-TLExplain -Path $Path | Where-Object Target -Like $Target) {
    # "The process identity" off the box: what the worker process itself presents when the
    # thread is not impersonating (the machine account for NetworkService/ApplicationPoolIdentity).
    $usesProcess = $hop.From -ne 'request_thread' -or $hop.RunsAs -eq $hop.Process.Name
    [pscustomobject]@{
        Scenario            = $hop.Scenario
        Target              = $hop.Target
        From                = $hop.From
        RunsAs              = $hop.RunsAs
        ArrivesAs           = $hop.ArrivesAs
        Protocol            = $hop.Protocol
        Outcome             = $hop.Outcome
        UsesProcessIdentity = $usesProcess
        Why                 = @($hop.Steps)[-1].Text
        Reasoning           = @($hop.Steps | ForEach-Object { '[{0}] {1}' -f $_.Rule, $_.Text })
        Fix                 = $hop.Fix
    }
}
