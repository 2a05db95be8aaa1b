using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Benchmarks;

/// <summary>
/// The whole-notebook run (ours only): each notebook of notebooks/ executed in the real kernel (dotnet-repl) by the runner
/// (tools/Backprop.Notebooks), as run.sh does, timed from process start to exit. The package is packed from a
/// copy of src/ into a temporary feed (or taken from --packages DIR, e.g. artifacts/packages after run.sh) that
/// the runner's --feed makes the only source of Backprop.*, with a private package cache: nothing of the user's
/// NuGet setup or cache is changed. One untimed run of the first notebook fills that cache first.
/// </summary>
public static partial class NotebookTimes
{
    /// <summary>One notebook: wall seconds of the runner process (best of the runs), the runner's own
    /// "ok in X s" figure (cells only, after start-up and restore), and whether every cell ran.</summary>
    public sealed record Result(string Name, double WallSeconds, double? CellSeconds, bool Ok);

    public static List<Result> Run(string repo, int runs, string? packages)
    {
        string root = Directory.CreateTempSubdirectory("backprop-bench-notebooks-").FullName;
        try { return Run(repo, runs, packages, root); }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static List<Result> Run(string repo, int runs, string? packages, string root)
    {
        var clock = Stopwatch.StartNew();
        string feed = packages ?? Pack(repo, root);
        if (!File.Exists(Path.Combine(feed, "Backprop.Interactive.0.1.0.nupkg")))
            throw new FileNotFoundException($"notebooks: no Backprop.Interactive.0.1.0.nupkg in {feed}");
        var env = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-cache"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        var (code, output) = Exec("dotnet", ["build", Path.Combine(repo, "tools", "Backprop.Notebooks"), "-c", "Release", "--nologo", "-v", "quiet"], repo, null);
        if (code != 0) throw new InvalidOperationException("notebooks: building tools/Backprop.Notebooks failed:\n" + output);
        string runner = Path.Combine(repo, "tools", "Backprop.Notebooks", "bin", "Release", $"net{Environment.Version.Major}.0", "Backprop.Notebooks.dll");
        string[] notebooks = [.. Directory.GetFiles(Path.Combine(repo, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)];
        string outDir = Path.Combine(root, "out");

        (code, output) = Exec("dotnet", [runner, "run", notebooks[0], "--out", outDir, "--feed", feed], root, env); // fills the private cache
        if (code != 0) throw new InvalidOperationException($"notebooks: warm-up run of {notebooks[0]} failed:\n{output}");
        Console.WriteLine($"  notebooks: packed, runner built, cache filled in {clock.Elapsed.TotalSeconds:F0} s");

        var results = new List<Result>();
        foreach (string notebook in notebooks)
        {
            string name = Path.GetFileNameWithoutExtension(notebook);
            double wall = double.MaxValue;
            double? cells = null;
            bool ok = true;
            for (int r = 0; r < runs; r++)
            {
                long start = Stopwatch.GetTimestamp();
                (code, output) = Exec("dotnet", [runner, "run", notebook, "--out", outDir, "--feed", feed], root, env);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                ok &= code == 0;
                if (seconds < wall)
                {
                    wall = seconds;
                    Match m = OkLine().Match(output);
                    cells = m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
                }
            }
            if (!ok) Console.WriteLine($"  notebook {name} FAILED:\n{output}");
            Console.WriteLine($"  ours notebook {name,-40} {wall,7:F1} s wall" + (cells is double c ? $"   ({c:F1} s in the runner's session)" : ""));
            results.Add(new Result(name, wall, cells, ok));
        }
        return results;
    }

    [GeneratedRegex(@": ok in ([0-9.]+) s")]
    private static partial Regex OkLine();

    /// <summary>Packs Backprop.Core and Backprop.Interactive from a copy of their sources (the worktree's bin/obj untouched).</summary>
    static string Pack(string repo, string root)
    {
        string src = Path.Combine(root, "src"), feed = Path.Combine(root, "feed");
        foreach (string project in new[] { "Backprop.Core", "Backprop.Interactive" })
            CopyDirectory(Path.Combine(repo, "src", project), Path.Combine(src, "src", project));
        File.Copy(Path.Combine(repo, "Directory.Build.props"), Path.Combine(src, "Directory.Build.props"));
        File.Copy(Path.Combine(repo, "README.md"), Path.Combine(src, "README.md"));
        foreach (string project in new[] { "Backprop.Core", "Backprop.Interactive" })
        {
            var (code, output) = Exec("dotnet", ["pack", $"src/{project}", "-c", "Release", "-o", feed, "--nologo", "-v", "quiet"], src, null);
            if (code != 0) throw new InvalidOperationException($"notebooks: dotnet pack {project} failed:\n{output}");
        }
        return feed;
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative), overwrite: true);
        }
    }

    static (int Code, string Output) Exec(string file, string[] arguments, string workingDirectory, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }
}
