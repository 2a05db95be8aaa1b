using System.Diagnostics;

namespace Backprop.Interactive.Tests;

/// <summary>Runs a command and captures its output (tests of the package and the browser).</summary>
internal static class ProcessRunner
{
    public static (int ExitCode, string Output) Run(string file, string arguments, string workingDirectory,
        IDictionary<string, string>? environment = null, int timeoutSeconds = 600)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeoutSeconds} s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The repository root (the folder holding Backprop.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Backprop.sln"))) return dir.FullName;
            throw new InvalidOperationException($"No Backprop.sln above {AppContext.BaseDirectory}.");
        }
    }
}
