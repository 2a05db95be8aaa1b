namespace Backprop.Notebooks.Hosts;

/// <summary>
/// The repository's local tool manifest (<c>.config/dotnet-tools.json</c>), which pins the kernel's tools.
/// <c>dotnet tool run</c> finds a manifest by walking up from the current folder, so tools are started from
/// <see cref="Directory"/> and told where the notebook is.
/// </summary>
internal sealed class ToolManifest(string directory)
{
    /// <summary>The folder holding <c>.config/dotnet-tools.json</c>.</summary>
    public string Directory { get; } = directory;

    /// <summary>The manifest above <paramref name="start"/> (or above this program), or an error saying what to do.</summary>
    public static ToolManifest Find(string? start = null)
    {
        foreach (string? from in (string?[])[start, Environment.CurrentDirectory, AppContext.BaseDirectory])
        {
            for (string? dir = from is null ? null : Path.GetFullPath(from); dir is not null; dir = Path.GetDirectoryName(dir))
                if (File.Exists(Path.Combine(dir, ".config", "dotnet-tools.json"))) return new ToolManifest(dir);
        }
        throw new InvalidOperationException("No .config/dotnet-tools.json found above the current folder or the runner: " +
                                            "run from a clone of Backprop.NET (the manifest pins dotnet-repl and Microsoft.dotnet-interactive).");
    }

    /// <summary>Runs <c>dotnet tool restore</c> (quick when the tools are already in the package cache).</summary>
    public async Task RestoreAsync(IReadOnlyDictionary<string, string> environment, TextWriter log)
    {
        var result = await ToolProcess.RunAsync("dotnet", ["tool", "restore"], Directory, environment, TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0) throw new InvalidOperationException($"dotnet tool restore failed (exit code {result.ExitCode}):\n{result.Log}");
        log.WriteLine("Tools restored from " + Path.Combine(Directory, ".config", "dotnet-tools.json"));
    }
}
