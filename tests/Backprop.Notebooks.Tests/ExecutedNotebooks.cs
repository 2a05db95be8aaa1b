using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Backprop.Interactive.Tests;

namespace Backprop.Notebooks.Tests;

/// <summary>
/// Runs every notebook of notebooks/ and the view test notebooks of tests/notebooks/ through the runner, once per
/// host, in the real .NET Interactive kernel, as a user's machine would: the package is packed from a copy of src/
/// into a local feed that the NuGet configuration of a private HOME names (the notebooks load it with a
/// plain <c>#r "nuget: Backprop.Interactive, 0.1.0"</c>), with a private package cache and a private HOME.
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
        // The kernel restores #r "nuget: …" with the NuGet configuration of the notebook's folder and of the user,
        // not of a folder we choose: a private HOME gives it a user configuration that names the test feed.
        string home = Directory.CreateDirectory(Path.Combine(_package.Root, "home")).FullName;
        string config = Directory.CreateDirectory(Path.Combine(home, ".nuget", "NuGet")).FullName;
        File.WriteAllText(Path.Combine(config, "NuGet.Config"), NuGetConfig(_package.Feed, _package.Root));
        var environment = _package.Environment;
        environment["HOME"] = home;
        string runner = Path.Combine(AppContext.BaseDirectory, "Backprop.Notebooks.dll");
        (ExitCode, Log) = ProcessRunner.Run("dotnet", $"\"{runner}\" run \"{Source}\" \"{ViewSource}\" --out \"{Output}\" --host {host}",
                                            ProcessRunner.RepositoryRoot, environment, timeoutSeconds: 1800);
    }

    /// <summary>The host: "repl" (dotnet-repl) or "jupyter" (jupyter nbconvert with the .NET kernel).</summary>
    public string Host { get; }

    /// <summary>Why the host cannot run here, or null.</summary>
    public string? Unavailable { get; }

    /// <summary>Jupyter needs Debian's jupyter-nbconvert and python3-nbclient (.ci/run installs them).</summary>
    private static string? JupyterUnavailable() =>
        File.Exists("/usr/bin/jupyter-nbconvert") ? null : "jupyter-nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient)";

    /// <summary>
    /// A NuGet configuration with the test feed and the user's own sources (but any "backprop-local" that a run.sh of
    /// some clone registered), with package source mapping so that Backprop.* comes only from the test feed.
    /// </summary>
    private static string NuGetConfig(string feed, string workingDirectory)
    {
        var (_, list) = ProcessRunner.Run("dotnet", "nuget list source --format Detailed", workingDirectory);
        string[] lines = list.Replace("\r", "").Split('\n');
        var sources = new List<(string Name, string Url)>();
        for (int i = 0; i + 1 < lines.Length; i++)
            if (SourceLine().Match(lines[i]) is { Success: true } m && m.Groups[1].Value.Trim() is var name && name is not ("backprop-test-feed" or "backprop-local"))
                sources.Add((name, lines[i + 1].Trim()));
        string Escape(string x) => System.Security.SecurityElement.Escape(x);
        var adds = string.Concat(sources.Select(s => $"<add key=\"{Escape(s.Name)}\" value=\"{Escape(s.Url)}\" />"));
        var mapping = string.Concat(sources.Select(s => $"<packageSource key=\"{Escape(s.Name)}\"><package pattern=\"*\" /></packageSource>"));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="backprop-test-feed" value="{Escape(feed)}" />{adds}</packageSources>
              <packageSourceMapping><packageSource key="backprop-test-feed"><package pattern="Backprop.*" /></packageSource>{mapping}</packageSourceMapping>
            </configuration>
            """;
    }

    [GeneratedRegex(@"^\s*\d+\.\s+(.+?)\s+\[Enabled\]\s*$")]
    private static partial Regex SourceLine();

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
