namespace Backprop.Notebooks.Hosts;

/// <summary>
/// Jupyter's own executor (<c>jupyter nbconvert --to notebook --execute</c>, Debian's jupyter-nbconvert and
/// python3-nbclient) driving the <c>.NET (C#)</c> kernel of the pinned <c>Microsoft.dotnet-interactive</c>. The
/// kernel specs are installed into a private folder named by <c>JUPYTER_PATH</c>, never into the user's. Their
/// command, <c>dotnet interactive</c>, finds the local tool from the notebook's folder, so the notebook must lie
/// below the tool manifest's folder.
/// </summary>
internal sealed class Jupyter(ToolManifest tools) : KernelHost(tools)
{
    private string? _jupyterPath;

    public override string Name => "jupyter";

    public override async Task PrepareAsync(IReadOnlyDictionary<string, string> environment, TextWriter log)
    {
        await Tools.RestoreAsync(environment, log);
        _jupyterPath = Directory.CreateTempSubdirectory("backprop-jupyter-").FullName;
        string kernels = Directory.CreateDirectory(Path.Combine(_jupyterPath, "kernels")).FullName;
        var install = await ToolProcess.RunAsync("dotnet", ["tool", "run", "dotnet-interactive", "--", "jupyter", "install", "--path", kernels],
                                                 Tools.Directory, environment, TimeSpan.FromMinutes(5));
        if (install.ExitCode != 0 || !File.Exists(Path.Combine(kernels, ".net-csharp", "kernel.json")))
            throw new InvalidOperationException($"dotnet interactive jupyter install failed (exit code {install.ExitCode}):\n{install.Log}");
        log.WriteLine("Jupyter kernel specs installed in " + kernels);
    }

    public override void Cleanup()
    {
        if (_jupyterPath is null) return;
        try { Directory.Delete(_jupyterPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        _jupyterPath = null;
    }

    public override Task<HostResult> ExecuteAsync(string notebook, string executed, IReadOnlyDictionary<string, string> environment)
    {
        if (_jupyterPath is null) throw new InvalidOperationException("PrepareAsync must run first.");
        string notebookFolder = Path.GetDirectoryName(Path.GetFullPath(notebook))!;
        if (!Path.GetRelativePath(Tools.Directory, notebookFolder).Split(Path.DirectorySeparatorChar).All(p => p != ".."))
            throw new InvalidOperationException($"The Jupyter host runs notebooks below {Tools.Directory} only (its kernel is a local tool): {notebook}");
        var withPath = new Dictionary<string, string>(environment) { ["JUPYTER_PATH"] = _jupyterPath };
        return ToolProcess.RunAsync("jupyter",
            ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=1200",
             "--output-dir", Path.GetDirectoryName(executed)!, "--output", Path.GetFileName(executed), notebook],
            notebookFolder, withPath, TimeSpan.FromMinutes(20));
    }
}
