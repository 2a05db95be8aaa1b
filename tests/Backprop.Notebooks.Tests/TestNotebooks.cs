using System.Text.Json.Nodes;
using Backprop.Notebooks.Documents;
using Backprop.Notebooks.Execution;

namespace Backprop.Notebooks.Tests;

/// <summary>Builds notebooks in a temporary folder and runs them through the runner.</summary>
internal static class TestNotebooks
{
    /// <summary>A fresh temporary folder.</summary>
    public static string NewFolder() => Directory.CreateTempSubdirectory("bp-notebooks-test-").FullName;

    /// <summary>An nbformat 4 document whose code cells carry Polyglot Notebooks' kernel metadata.</summary>
    public static string Ipynb(params (string Kernel, string Source)[] cells)
    {
        var array = new JsonArray();
        foreach (var (kernel, source) in cells)
        {
            array.Add(kernel == "markdown"
                ? new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = IpynbWriter.Lines(source) }
                : new JsonObject
                {
                    ["cell_type"] = "code", ["execution_count"] = null, ["outputs"] = new JsonArray(), ["source"] = IpynbWriter.Lines(source),
                    ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = kernel } },
                });
        }
        var doc = new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp" } },
            },
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        return doc.ToJsonString();
    }

    /// <summary>Writes <paramref name="text"/> as a notebook file and runs it.</summary>
    public static NotebookResult Run(string fileName, string text, IReadOnlyDictionary<string, string>? environment = null, string? folder = null)
    {
        string path = Path.Combine(folder ?? NewFolder(), fileName);
        File.WriteAllText(path, text);
        return NotebookSession.RunAsync(NotebookReader.Read(path), new RunnerOptions { Environment = environment }).GetAwaiter().GetResult();
    }

    /// <summary>Runs C# cells (one per argument) as an .ipynb.</summary>
    public static NotebookResult CSharp(params string[] cells) => Run("test.ipynb", Ipynb(cells.Select(c => ("csharp", c)).ToArray()));

    /// <summary>The outputs of code cell <paramref name="number"/> (1-based among all cells).</summary>
    public static IReadOnlyList<CellOutput> Outputs(this NotebookResult result, int number) => result.Notebook.Cells[number - 1].Outputs;

    /// <summary>The cell's result (execute_result), or fails.</summary>
    public static DataOutput Result(this NotebookResult result, int number) =>
        Assert.Single(result.Outputs(number).OfType<DataOutput>(), o => o.IsResult);

    /// <summary>Everything the cell wrote to standard output.</summary>
    public static string Stdout(this NotebookResult result, int number) =>
        string.Concat(result.Outputs(number).OfType<StreamOutput>().Where(s => s.Name == "stdout").Select(s => s.Text));

    /// <summary>Asserts that every cell ran.</summary>
    public static NotebookResult Succeeds(this NotebookResult result)
    {
        Assert.True(result.Succeeded, result.FailureMessage);
        return result;
    }
}
