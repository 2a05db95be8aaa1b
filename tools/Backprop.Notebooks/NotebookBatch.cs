using System.Text;
using Backprop.Notebooks.Documents;
using Backprop.Notebooks.Execution;
using Backprop.Notebooks.Rendering;

namespace Backprop.Notebooks;

/// <summary>What a <c>run</c> writes for each notebook.</summary>
internal sealed record RunOutputs(NotebookResult Result, string Ipynb, string Html);

/// <summary>
/// Runs notebooks (files, or folders searched for .ipynb and .dib) and writes, into the output folder, each
/// executed notebook (.ipynb), its HTML page and an index.html; with write-back, the source .ipynb files are
/// rewritten with their outputs too.
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

    /// <summary>Runs every notebook in <paramref name="paths"/> and writes the outputs; returns one entry per notebook.</summary>
    public static async Task<IReadOnlyList<RunOutputs>> RunAsync(IReadOnlyList<string> paths, string outDirectory, bool writeBack, RunnerOptions options)
    {
        Directory.CreateDirectory(outDirectory);
        var results = new List<RunOutputs>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in paths)
        {
            Notebook notebook = NotebookReader.Read(path);
            NotebookResult result = await NotebookSession.RunAsync(notebook, options);
            string name = notebook.Name;
            for (int k = 2; !names.Add(name); k++) name = $"{notebook.Name}-{k}";
            string ipynb = Path.Combine(outDirectory, name + ".ipynb");
            string html = Path.Combine(outDirectory, name + ".html");
            string json = IpynbWriter.Write(notebook);
            File.WriteAllText(ipynb, json, Utf8);
            File.WriteAllText(html, HtmlPage.Render(notebook, result), Utf8);
            if (writeBack && notebook.IsIpynb) File.WriteAllText(path, json, Utf8);
            results.Add(new RunOutputs(result, ipynb, html));
        }
        File.WriteAllText(Path.Combine(outDirectory, "index.html"),
            HtmlPage.Index(results.Select(r => (r.Result, Path.GetFileName(r.Html))).ToList()), Utf8);
        return results;
    }
}
