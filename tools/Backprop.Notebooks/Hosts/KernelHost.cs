namespace Backprop.Notebooks.Hosts;

/// <summary>
/// A real .NET Interactive host that executes a notebook headlessly and writes the executed .ipynb:
/// <see cref="DotnetRepl"/> (the default; needs only the .NET SDK) or <see cref="Jupyter"/> (Jupyter's own
/// executor driving the kernel of <c>Microsoft.dotnet-interactive</c>). Both tools are pinned in the
/// repository's tool manifest, <c>.config/dotnet-tools.json</c>.
/// </summary>
internal abstract class KernelHost(ToolManifest tools)
{
    /// <summary>The pinned tools, and the folder to start them from.</summary>
    protected ToolManifest Tools { get; } = tools;

    /// <summary>The host's name, as given to <c>--host</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Prepares the host once per run (restores the tools; installs kernel specs).</summary>
    public abstract Task PrepareAsync(IReadOnlyDictionary<string, string> environment, TextWriter log);

    /// <summary>Executes <paramref name="notebook"/>, writing the executed notebook to <paramref name="executed"/>.</summary>
    public abstract Task<HostResult> ExecuteAsync(string notebook, string executed, IReadOnlyDictionary<string, string> environment);

    /// <summary>Removes what <see cref="PrepareAsync"/> left behind (temporary folders).</summary>
    public virtual void Cleanup() { }

    /// <summary>The host named <paramref name="name"/>.</summary>
    public static KernelHost Create(string name, ToolManifest tools) => name switch
    {
        "repl" or "dotnet-repl" => new DotnetRepl(tools),
        "jupyter" => new Jupyter(tools),
        _ => throw new ArgumentException($"Unknown host '{name}': expected 'repl' (dotnet-repl) or 'jupyter' (jupyter nbconvert with the .NET kernel)."),
    };
}

/// <summary>How a host's execution of one notebook went.</summary>
/// <param name="ExitCode">The host process's exit code.</param>
/// <param name="Log">What it printed (standard output and error).</param>
/// <param name="Elapsed">Wall time.</param>
internal sealed record HostResult(int ExitCode, string Log, TimeSpan Elapsed);
