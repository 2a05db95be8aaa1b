using System.Diagnostics;
using System.Text;

namespace Backprop.Notebooks.Hosts;

/// <summary>Starts a process, collects what it prints, and ends it (with its children) after a time limit.</summary>
internal static class ToolProcess
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<HostResult> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory,
                                                  IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // the tools must never wait for a keyboard
            UseShellExecute = false,
        };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var log = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (log) log.AppendLine($"[ended after the time limit of {timeout.TotalMinutes:0} minutes]");
            return new HostResult(-1, log.ToString(), stopwatch.Elapsed);
        }
        process.WaitForExit(); // drains the output events
        lock (log) return new HostResult(process.ExitCode, log.ToString(), stopwatch.Elapsed);
    }
}
