using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Backprop.Notebooks.Documents;
using Backprop.Notebooks.Execution;
using Backprop.Notebooks.Rendering;

namespace Backprop.Notebooks;

/// <summary>What a run wrote for one notebook, and how it went.</summary>
/// <param name="Name">The output name (file name without extension, made unique within a run).</param>
/// <param name="Source">The notebook file that was run.</param>
/// <param name="Ipynb">The executed .ipynb written.</param>
/// <param name="Html">The HTML page written.</param>
/// <param name="CodeCells">How many code cells the notebook has.</param>
/// <param name="FailedCell">The number of the failing cell, or null.</param>
/// <param name="FailureMessage">"name: cell N (kernel) failed: message", or null.</param>
internal sealed record RunSummary(string Name, string Source, string Ipynb, string Html, int CodeCells, int? FailedCell, string? FailureMessage)
{
    /// <summary>True when every cell ran.</summary>
    public bool Succeeded => FailedCell is null && FailureMessage is null;
}

/// <summary>
/// Runs notebooks (files, or folders searched for .ipynb and .dib) and writes, into the output folder, each
/// executed notebook (.ipynb), its HTML page and an index.html; with write-back, the source .ipynb files are
/// rewritten with their outputs too. Each notebook runs in a process of its own, as each gets a kernel
/// process of its own in an editor, so that no state (static counters, registered formatters, loaded
/// packages) leaks from one notebook into the next and a notebook's outputs do not depend on the batch.
/// </summary>
internal static class NotebookBatch
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The notebooks named by <paramref name="inputs"/>, in a stable order.</summary>
    public static IReadOnlyList<string> Find(IEnumerable<string> inputs)
    {
        var found = new List<string>();
        foreach (string input in inputs)
        {
            string full = Path.GetFullPath(input);
            if (Directory.Exists(full))
            {
                found.AddRange(Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                    .Where(IsNotebook)
                    .Where(f => !Path.GetRelativePath(full, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or ".ipynb_checkpoints"))
                    .OrderBy(f => Path.GetRelativePath(full, f), StringComparer.Ordinal));
            }
            else if (File.Exists(full) && IsNotebook(full)) found.Add(full);
            else throw new FileNotFoundException($"No notebook or folder '{input}' (expected .ipynb or .dib files).", input);
        }
        return found.Distinct().ToList();
    }

    private static bool IsNotebook(string path) =>
        path.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".dib", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs every notebook in <paramref name="paths"/> (each in a child process unless <paramref name="inProcess"/>)
    /// and writes the outputs and the index; returns one summary per notebook.</summary>
    public static async Task<IReadOnlyList<RunSummary>> RunAsync(IReadOnlyList<string> paths, string outDirectory, bool writeBack, RunnerOptions options, bool inProcess = false)
    {
        outDirectory = Path.GetFullPath(outDirectory);
        Directory.CreateDirectory(outDirectory);
        var summaries = new List<RunSummary>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in paths)
        {
            string baseName = Path.GetFileNameWithoutExtension(path);
            string name = baseName;
            for (int k = 2; !names.Add(name); k++) name = $"{baseName}-{k}";
            summaries.Add(inProcess
                ? await RunOneAsync(path, outDirectory, name, writeBack, options)
                : await RunChildAsync(path, outDirectory, name, writeBack, options));
        }
        WriteAtomically(Path.Combine(outDirectory, "index.html"), HtmlPage.Index(summaries));
        return summaries;
    }

    /// <summary>Runs one notebook in this process and writes its .ipynb and .html (and the source, with write-back).</summary>
    public static async Task<RunSummary> RunOneAsync(string path, string outDirectory, string name, bool writeBack, RunnerOptions options)
    {
        Notebook notebook = NotebookReader.Read(path);
        NotebookResult result = await NotebookSession.RunAsync(notebook, options);
        string ipynb = Path.Combine(outDirectory, name + ".ipynb");
        string html = Path.Combine(outDirectory, name + ".html");
        string json = IpynbWriter.Write(notebook);
        WriteAtomically(ipynb, json);
        WriteAtomically(html, HtmlPage.Render(notebook, result));
        if (writeBack && notebook.IsIpynb) WriteAtomically(path, json); // the user's own notebook: never half-written
        return new RunSummary(name, Path.GetFullPath(path), ipynb, html, notebook.Cells.Count(c => c.IsCode), result.Failure?.Number, result.FailureMessage);
    }

    /// <summary>Runs one notebook in a child process of this program (<c>run-one</c>), passing its status lines through.</summary>
    private static async Task<RunSummary> RunChildAsync(string path, string outDirectory, string name, bool writeBack, RunnerOptions options)
    {
        string report = Path.Combine(Path.GetTempPath(), $"backprop-notebooks-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        var psi = SelfStartInfo();
        foreach (string a in (string[])["run-one", path, "--out", outDirectory, "--name", name, "--report", report]) psi.ArgumentList.Add(a);
        if (writeBack) psi.ArgumentList.Add("--write-back");
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        if (options.Environment is not null) foreach (var (k, v) in options.Environment) psi.Environment[k] = v;
        using Process child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the notebook runner");
        var errors = new StringBuilder();
        child.OutputDataReceived += (_, e) => { if (e.Data is not null) options.Log?.WriteLine(e.Data); };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        await child.WaitForExitAsync();
        try
        {
            if (File.Exists(report)) return JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(report))!;
        }
        finally { File.Delete(report); }
        string failure = $"{name}: the runner process failed (exit code {child.ExitCode}): {errors.ToString().Trim()}";
        return new RunSummary(name, Path.GetFullPath(path), Path.Combine(outDirectory, name + ".ipynb"), Path.Combine(outDirectory, name + ".html"), 0, 0, failure);
    }

    /// <summary>Writes a child's summary for its parent.</summary>
    public static void WriteReport(RunSummary summary, string file) => WriteAtomically(file, JsonSerializer.Serialize(summary));

    /// <summary>Writes a file through a temporary file in the same folder and a rename, so a crash or kill
    /// leaves either the old file or the complete new one.</summary>
    private static void WriteAtomically(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text, Utf8);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>How to start this program again: its apphost, or <c>dotnet</c> with its assembly.</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        string assembly = typeof(NotebookBatch).Assembly.Location;
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet);
        psi.ArgumentList.Add(assembly);
        return psi;
    }
}
