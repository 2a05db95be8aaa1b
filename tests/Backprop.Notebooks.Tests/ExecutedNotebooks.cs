using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Backprop.Interactive.Tests;

namespace Backprop.Notebooks.Tests;

/// <summary>
/// Runs every notebook of notebooks/ and the view test notebooks of tests/notebooks/ through the runner, once per
/// host, in the real .NET Interactive kernel, as a user's machine would: the package is packed from a copy of src/
/// into a local feed that the runner's <c>--feed</c> makes the only source of Backprop.* (the notebooks load it
/// with a plain <c>#r "nuget: Backprop.Interactive, 0.1.0"</c>), with a private package cache.
/// </summary>
public abstract partial class ExecutedNotebooks : IDisposable
{
    private readonly PackageFixture _package = new();

    protected ExecutedNotebooks(string host)
    {
        Host = host;
        Unavailable = host == "jupyter" ? JupyterUnavailable() : null;
        Output = Path.Combine(_package.Root, "executed-" + host);
        if (Unavailable is not null) { Log = Unavailable; ExitCode = -1; return; }
        string runner = Path.Combine(AppContext.BaseDirectory, "Backprop.Notebooks.dll");
        (ExitCode, Log) = ProcessRunner.Run("dotnet", $"\"{runner}\" run \"{Source}\" \"{ViewSource}\" --out \"{Output}\" --host {host} --feed \"{_package.Feed}\"",
                                            ProcessRunner.RepositoryRoot, _package.Environment, timeoutSeconds: 1800);
    }

    /// <summary>The host: "repl" (dotnet-repl) or "jupyter" (jupyter nbconvert with the .NET kernel).</summary>
    public string Host { get; }

    /// <summary>Why the host cannot run here, or null.</summary>
    public string? Unavailable { get; }

    /// <summary>Jupyter needs Debian's jupyter-nbconvert and python3-nbclient (.ci/run installs them).</summary>
    private static string? JupyterUnavailable() =>
        File.Exists("/usr/bin/jupyter-nbconvert") ? null : "jupyter-nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient)";

    /// <summary>The committed worked-example notebooks.</summary>
    public static string Source => Path.Combine(ProcessRunner.RepositoryRoot, "notebooks");

    /// <summary>The test notebooks that show every view, from C# and from F#.</summary>
    public static string ViewSource => Path.Combine(ProcessRunner.RepositoryRoot, "tests", "notebooks");

    /// <summary>Where the runner wrote the executed notebooks and pages.</summary>
    public string Output { get; }

    public int ExitCode { get; }

    public string Log { get; }

    /// <summary>The worked examples, by name.</summary>
    public static IEnumerable<string> Names => NotebookNames(Source);

    /// <summary>The view test notebooks, by name.</summary>
    public static IEnumerable<string> ViewNames => NotebookNames(ViewSource);

    private static IEnumerable<string> NotebookNames(string folder) =>
        Directory.GetFiles(folder, "*.ipynb").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    /// <summary>Fails (or skips, off CI) when the host is not there; fails when the run did.</summary>
    public void RequireRun()
    {
        Backprop.Core.Tests.Oracle.ExternalRequirement.RequireOrSkip($"The {Host} host", Unavailable);
        Assert.True(ExitCode == 0, Log);
    }

    public JsonObject Executed(string name) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Output, name + ".ipynb")))!;

    /// <summary>The code cells of a notebook with the HTML and text of their outputs.</summary>
    public static IReadOnlyList<(string Source, IReadOnlyList<string> Outputs)> CodeCells(JsonObject notebook) =>
        notebook["cells"]!.AsArray()
            .Where(c => (string?)c!["cell_type"] == "code")
            .Select(c => (Text(c!["source"]!), (IReadOnlyList<string>)(c!["outputs"]?.AsArray() ?? []).Select(o => OutputText(o!)).ToList()))
            .ToList();

    /// <summary>Everything a notebook's outputs say (all MIME types and streams), for number checks.</summary>
    public string OutputText(string name) => string.Join("\n", CodeCells(Executed(name)).SelectMany(c => c.Outputs));

    /// <summary>The same with the markup removed and white space folded: "h4 1" for a table row h4 | 1.</summary>
    public string PlainText(string name) => Spaces().Replace(WebUtility.HtmlDecode(Tag().Replace(OutputText(name), " ")), " ");

    private static string OutputText(JsonNode output)
    {
        var parts = new List<string>();
        if (output["text"] is JsonNode text) parts.Add(Text(text));
        if (output["data"] is JsonObject data) foreach (var (_, v) in data) parts.Add(Text(v!));
        if (output["evalue"] is JsonNode e) parts.Add(e.ToString());
        return string.Join("\n", parts);
    }

    private static string Text(JsonNode node) => node is JsonArray a ? string.Concat(a.Select(x => x!.GetValue<string>())) : node.ToString();

    /// <summary>A notebook's JSON with what changes from run to run (throughput, elapsed time, ETA, wall
    /// time) replaced by placeholders.</summary>
    public static string Normalize(string json) =>
        Seconds().Replace(Eta().Replace(Elapsed().Replace(Throughput().Replace(json.Replace("\r\n", "\n"), "# samples/s"), "elapsed #"), "ETA #"), "in # s");

    [GeneratedRegex(@"[\d,]+ samples/s")]
    private static partial Regex Throughput();

    [GeneratedRegex(@"elapsed \d+(:\d\d)+")]
    private static partial Regex Elapsed();

    [GeneratedRegex(@"ETA \d+(:\d\d)+")]
    private static partial Regex Eta();

    [GeneratedRegex(@"in \d+(\.\d+)? s\b")]
    private static partial Regex Seconds();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    public void Dispose() => _package.Dispose();
}

/// <summary>The notebooks as dotnet-repl runs them (the runner's default host).</summary>
public sealed class ReplNotebooks() : ExecutedNotebooks("repl");

/// <summary>The notebooks as Jupyter's executor runs them with the .NET kernel.</summary>
public sealed class JupyterNotebooks() : ExecutedNotebooks("jupyter");
