// tlpwsh: the Windows build of PowerShell 7 (Microsoft.PowerShell.SDK) in a small console
// program for tests. It takes the part of pwsh's command line the tests use
//   tlpwsh [-NoProfile] [-NonInteractive] [-ExecutionPolicy P] -File SCRIPT [-Name value | -Switch]...
//   tlpwsh [-NoProfile] [-NonInteractive] -Command TEXT
// and exits with the script's exit code, so a test can use it wherever it would run pwsh.exe.
// PowerShell's own console host (ConsoleShell) needs a real console buffer, which Wine does not
// give a process whose output is a pipe; this host writes plain text to stdout/stderr instead.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;

internal sealed class PlainHost : PSHost
{
    private readonly Guid id = Guid.NewGuid();
    private readonly PlainUI ui = new PlainUI();
    public int? ExitCode;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override Guid InstanceId => id;
    public override string Name => "tlpwsh";
    public override Version Version => new Version(1, 0);
    public override PSHostUserInterface UI => ui;
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
}

internal sealed class PlainUI : PSHostUserInterface
{
    public override PSHostRawUserInterface? RawUI => null;
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
        throw new NotSupportedException("tlpwsh is non-interactive");
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) =>
        throw new NotSupportedException("tlpwsh is non-interactive");
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new NotSupportedException("tlpwsh is non-interactive");
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        throw new NotSupportedException("tlpwsh is non-interactive");
    public override string ReadLine() => Console.ReadLine() ?? string.Empty;
    public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("tlpwsh is non-interactive");
    public override void Write(string value) => Console.Out.Write(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Out.Write(value);
    public override void WriteLine(string value) => Console.Out.WriteLine(value);
    public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);
    public override void WriteDebugLine(string message) => Console.Error.WriteLine("DEBUG: " + message);
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) => Console.Error.WriteLine("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => Console.Error.WriteLine("WARNING: " + message);
}

internal static class Program
{
    private static int Usage(string why)
    {
        Console.Error.WriteLine("tlpwsh: " + why);
        Console.Error.WriteLine("usage: tlpwsh [-NoProfile] [-NonInteractive] (-File SCRIPT [args...] | -Command TEXT)");
        return 64;
    }

    private static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        string? file = null, command = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i].ToLowerInvariant();
            if (a == "-noprofile" || a == "-nonintractive" || a == "-noninteractive" || a == "-nologo") continue;
            if (a == "-executionpolicy" && i + 1 < args.Length) { i++; continue; }
            if ((a == "-file" || a == "-f") && i + 1 < args.Length) { file = args[++i]; rest.AddRange(args[(i + 1)..]); break; }
            if ((a == "-command" || a == "-c") && i + 1 < args.Length) { command = string.Join(" ", args[(i + 1)..]); break; }
            return Usage("unknown argument '" + args[i] + "'");
        }
        if (file == null && command == null) return Usage("give -File or -Command");

        var host = new PlainHost();
        var iss = InitialSessionState.CreateDefault2();
        iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        using var rs = RunspaceFactory.CreateRunspace(host, iss);
        rs.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = rs;
        if (file != null)
        {
            ps.AddCommand(file);
            // pwsh -File binds "-Name value" and "-Switch" as named parameters.
            for (int i = 0; i < rest.Count; i++)
            {
                string r = rest[i];
                if (r.Length > 1 && r[0] == '-' && !char.IsDigit(r[1]))
                {
                    string name = r.Substring(1).TrimEnd(':');
                    if (i + 1 < rest.Count && !(rest[i + 1].Length > 1 && rest[i + 1][0] == '-' && !char.IsDigit(rest[i + 1][1])))
                        ps.AddParameter(name, rest[++i]);
                    else
                        ps.AddParameter(name, true);
                }
                else ps.AddArgument(r);
            }
        }
        else
        {
            ps.AddScript(command!);
        }
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand("Out-Default");
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException e)
        {
            Console.Error.WriteLine(e.ErrorRecord?.ToString() ?? e.Message);
            return host.ExitCode ?? 1;
        }
        if (host.ExitCode.HasValue) return host.ExitCode.Value;
        if (file != null)
        {
            object? code = rs.SessionStateProxy.GetVariable("LASTEXITCODE");
            return code is int n ? n : 0;
        }
        return ps.HadErrors ? 1 : 0;
    }
}
