using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Backprop.Interactive.Tests;

namespace Backprop.Notebooks.Tests;

/// <summary>
/// Runs every notebook of notebooks/ through the runner, once, as a user's machine would: the package is
/// packed from a copy of src/ into a local feed that a nuget.config above the runner's temporary folder
/// names (the notebooks themselves load it with a plain <c>#r "nuget: Backprop.Interactive, 0.1.0"</c>),
/// with a private package cache.
/// </summary>
public sealed partial class ExecutedNotebooks : IDisposable
{
    private readonly PackageFixture _package = new();

    public ExecutedNotebooks()
    {
        string temp = Directory.CreateDirectory(Path.Combine(_package.Root, "tmp")).FullName;
        File.WriteAllText(Path.Combine(_package.Root, "nuget.config"), NuGetConfig(_package.Feed, _package.Root));
        Output = Path.Combine(_package.Root, "executed");
        var environment = _package.Environment;
        environment["TMPDIR"] = temp; // the runner restores under Path.GetTempPath(), below the nuget.config above
        string runner = Path.Combine(AppContext.BaseDirectory, "Backprop.Notebooks");
        (ExitCode, Log) = ProcessRunner.Run(runner, $"run \"{Source}\" --out \"{Output}\"", _package.Root, environment, timeoutSeconds: 1500);
    }

    /// <summary>
    /// A nuget.config adding the test feed, with package source mapping so that Backprop.* comes only from it
    /// (never from another feed, such as a user-level one left by an older clone) and everything else from
    /// the user's own sources, whatever their names.
    /// </summary>
    private static string NuGetConfig(string feed, string workingDirectory)
    {
        var (_, list) = ProcessRunner.Run("dotnet", "nuget list source", workingDirectory);
        var names = list.Split('\n')
            .Select(l => SourceLine().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value.Trim())
            .Where(n => n != "backprop-test-feed")
            .ToList();
        string Escape(string x) => System.Security.SecurityElement.Escape(x);
        var mapping = string.Concat(names.Select(n => $"<packageSource key=\"{Escape(n)}\"><package pattern=\"*\" /></packageSource>"));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><add key="backprop-test-feed" value="{Escape(feed)}" /></packageSources>
              <packageSourceMapping><packageSource key="backprop-test-feed"><package pattern="Backprop.*" /></packageSource>{mapping}</packageSourceMapping>
            </configuration>
            """;
    }

    [GeneratedRegex(@"^\s*\d+\.\s+(.+?)\s+\[Enabled\]\s*$")]
    private static partial Regex SourceLine();

    /// <summary>The committed notebooks.</summary>
    public static string Source => Path.Combine(ProcessRunner.RepositoryRoot, "notebooks");

    /// <summary>Where the runner wrote the executed notebooks and pages.</summary>
    public string Output { get; }

    public int ExitCode { get; }

    public string Log { get; }

    public static IEnumerable<string> Names =>
        Directory.GetFiles(Source, "*.ipynb").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public JsonNode Executed(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Output, name + ".ipynb")))!;

    /// <summary>Everything a notebook's outputs say (all MIME types and streams), for number checks.</summary>
    public string OutputText(string name)
    {
        var sb = new System.Text.StringBuilder();
        foreach (JsonNode? cell in Executed(name)["cells"]!.AsArray())
            foreach (JsonNode? output in cell!["outputs"]?.AsArray() ?? [])
            {
                if (output!["text"] is JsonNode text) sb.AppendLine(Join(text));
                if (output["data"] is JsonObject data) foreach (var (_, v) in data) sb.AppendLine(Join(v!));
                if (output["evalue"] is JsonNode e) sb.AppendLine(e.ToString());
            }
        return sb.ToString();
    }

    private static string Join(JsonNode node) => node is JsonArray a ? string.Concat(a.Select(x => x!.GetValue<string>())) : node.ToString();

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

    public void Dispose() => _package.Dispose();
}
