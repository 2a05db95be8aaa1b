namespace Backprop.Notebooks.Hosts;

/// <summary>
/// dotnet-repl, headless: <c>dotnet repl --run NB --exit-after-run --output-format ipynb --output-path OUT</c>
/// (exit code 2 when a cell fails). It keeps every update of a display as an output of its own; the run's
/// <see cref="Outputs.ExecutedOutputs"/> reduces those to the final state, as an editor would show it.
/// </summary>
internal sealed class DotnetRepl(ToolManifest tools) : KernelHost(tools)
{
    public override string Name => "repl";

    public override Task PrepareAsync(IReadOnlyDictionary<string, string> environment, TextWriter log) => Tools.RestoreAsync(environment, log);

    public override Task<HostResult> ExecuteAsync(string notebook, string executed, IReadOnlyDictionary<string, string> environment) =>
        ToolProcess.RunAsync("dotnet",
            ["tool", "run", "dotnet-repl", "--", "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", executed,
             "--working-dir", Path.GetDirectoryName(notebook)!],
            Tools.Directory, environment, TimeSpan.FromMinutes(20));
}
