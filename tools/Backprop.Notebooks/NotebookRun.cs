using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.Notebooks.Hosts;
using Backprop.Notebooks.Outputs;
using Backprop.Notebooks.Rendering;
using Ipynb = Microsoft.DotNet.Interactive.Documents.Jupyter.Notebook;

namespace Backprop.Notebooks;

/// <summary>What a run wrote for one notebook, and how it went.</summary>
/// <param name="Name">The output name (file name without extension, unique within a run).</param>
/// <param name="Source">The notebook that was run.</param>
/// <param name="Ipynb">The executed notebook written.</param>
/// <param name="Html">Its HTML page.</param>
/// <param name="CodeCells">How many code cells it has.</param>
/// <param name="Failure">What went wrong, or null.</param>
/// <param name="Elapsed">The host's wall time for the notebook.</param>
internal sealed record NotebookRun(string Name, string Source, string Ipynb, string Html, int CodeCells, string? Failure, TimeSpan Elapsed)
{
    /// <summary>True when every cell ran without an error.</summary>
    public bool Succeeded => Failure is null;
}

/// <summary>
/// Runs notebooks in a real .NET Interactive host, one kernel process per notebook, and writes into the output
/// folder each executed notebook (the source with the outputs an editor would show, see <see cref="ExecutedOutputs"/>),
/// its HTML page and an index.html; with write-back, the source notebooks get those outputs too.
/// </summary>
internal static class NotebookBatch
{
    /// <summary>How nbformat writes notebooks: one-space indent, text as it is (not \u-escaped).</summary>
    private static readonly JsonSerializerOptions Nbformat = new() { WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The .ipynb notebooks named by <paramref name="inputs"/> (files, or folders searched), in a stable order.</summary>
    public static IReadOnlyList<string> Find(IEnumerable<string> inputs)
    {
        var found = new List<string>();
        foreach (string input in inputs)
        {
            string full = Path.GetFullPath(input);
            if (Directory.Exists(full))
                found.AddRange(Directory.EnumerateFiles(full, "*.ipynb", SearchOption.AllDirectories)
                    .Where(f => !Path.GetRelativePath(full, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or ".ipynb_checkpoints"))
                    .OrderBy(f => Path.GetRelativePath(full, f), StringComparer.Ordinal));
            else if (File.Exists(full) && full.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)) found.Add(full);
            else throw new FileNotFoundException($"No notebook or folder '{input}' (expected .ipynb files).", input);
        }
        return found.Distinct().ToList();
    }

    /// <summary>Runs every notebook through <paramref name="host"/> and writes the outputs and the index.</summary>
    /// <param name="paths">The notebooks.</param>
    /// <param name="outDirectory">Where the executed notebooks, pages and index go.</param>
    /// <param name="writeBack">Also write the outputs into the source notebooks that ran cleanly.</param>
    /// <param name="host">The kernel host.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="feed">When given, Backprop.* packages come from this folder only (see <see cref="PackageFeed"/>).</param>
    public static async Task<IReadOnlyList<NotebookRun>> RunAsync(IReadOnlyList<string> paths, string outDirectory, bool writeBack, KernelHost host, TextWriter log,
                                                                string? feed = null)
    {
        outDirectory = Path.GetFullPath(outDirectory);
        Directory.CreateDirectory(outDirectory);
        string raw = Directory.CreateTempSubdirectory("backprop-notebooks-").FullName;
        // No telemetry from the tools: the machine may have no network, and a run should not wait on one.
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        if (feed is not null) foreach (var (k, v) in PackageFeed.Isolate(feed, raw)) environment[k] = v;
        await host.PrepareAsync(environment, log);
        var runs = new List<NotebookRun>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (string path in paths)
            {
                string baseName = Path.GetFileNameWithoutExtension(path), name = baseName;
                for (int k = 2; !names.Add(name); k++) name = $"{baseName}-{k}";
                log.Write($"{name}: running in {host.Name}… ");
                NotebookRun run;
                try
                {
                    run = await RunOneAsync(path, name, outDirectory, Path.Combine(raw, name + ".ipynb"), writeBack, host, environment);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or InvalidOperationException)
                {
                    // One unreadable notebook or output is that notebook's failure, not the batch's.
                    run = new NotebookRun(name, path, Path.Combine(outDirectory, name + ".ipynb"), Path.Combine(outDirectory, name + ".html"), 0,
                                          $"{e.GetType().Name}: {e.Message}", TimeSpan.Zero);
                }
                log.WriteLine(run.Succeeded ? $"ok in {run.Elapsed.TotalSeconds:0.0} s" : "FAILED: " + run.Failure);
                runs.Add(run);
            }
        }
        finally
        {
            Directory.Delete(raw, recursive: true);
            host.Cleanup();
        }
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "index.html"), HtmlPage.Index(runs));
        return runs;
    }

    private static async Task<NotebookRun> RunOneAsync(string path, string name, string outDirectory, string raw, bool writeBack, KernelHost host,
                                                       IReadOnlyDictionary<string, string> environment)
    {
        string ipynb = Path.Combine(outDirectory, name + ".ipynb"), html = Path.Combine(outDirectory, name + ".html");
        var source = (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;
        int codeCells = source["cells"]?.AsArray().Count(c => (string?)c!["cell_type"] == "code") ?? 0;
        HostResult result = await host.ExecuteAsync(path, raw, environment);
        if (!File.Exists(raw))
            return new NotebookRun(name, path, ipynb, html, codeCells, $"{host.Name} wrote no notebook (exit code {result.ExitCode}):\n{Tail(result.Log)}", result.Elapsed);
        JsonObject merged = ExecutedOutputs.Merge(source, (JsonObject)JsonNode.Parse(File.ReadAllText(raw))!);
        string json = merged.ToJsonString(Nbformat) + "\n";
        string? failure = FirstError(merged) ?? (result.ExitCode != 0 ? $"{host.Name} exited with code {result.ExitCode}:\n{Tail(result.Log)}" : null);
        AtomicFile.WriteAllText(ipynb, json);
        AtomicFile.WriteAllText(html, HtmlPage.Render(name, Ipynb.Parse(json), failure));
        if (writeBack && failure is null) AtomicFile.WriteAllText(path, json); // the user's own notebook: only a clean run, never half-written
        return new NotebookRun(name, path, ipynb, html, codeCells, failure, result.Elapsed);
    }

    /// <summary>"cell N: name: message" for the first error output, or null.</summary>
    private static string? FirstError(JsonObject notebook)
    {
        int number = 0;
        foreach (JsonNode? cell in notebook["cells"]!.AsArray())
        {
            number++;
            foreach (JsonNode? output in cell!["outputs"]?.AsArray() ?? [])
                if ((string?)output!["output_type"] == "error")
                    return $"cell {number} failed: {(string?)output["ename"]}: {(string?)output["evalue"]}";
        }
        return null;
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : "…" + log[^4000..];
}
