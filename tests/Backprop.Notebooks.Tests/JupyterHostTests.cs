using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Backprop.Notebooks.Tests;

/// <summary>The same notebooks through Jupyter's own executor and the .NET kernel of Microsoft.dotnet-interactive:
/// they run cleanly, every view renders as ours, and the outputs are the committed ones (dotnet-repl's) but for
/// how each host labels a cell's value.</summary>
public partial class JupyterHostTests(JupyterNotebooks notebooks) : IClassFixture<JupyterNotebooks>
{
    [SkippableFact]
    public void Every_notebook_runs_cleanly_in_jupyter()
    {
        notebooks.RequireRun();
        foreach (string name in ExecutedNotebooks.Names.Concat(ExecutedNotebooks.ViewNames))
            foreach (var cell in notebooks.Executed(name)["cells"]!.AsArray())
                foreach (var output in cell!["outputs"]?.AsArray() ?? [])
                    Assert.True((string?)output!["output_type"] != "error", $"{name}: {output.ToJsonString()}");
    }

    [SkippableFact]
    public void Every_view_in_the_committed_outputs_renders_as_ours_in_jupyter() => ViewChecks.RenderLikeCommitted(notebooks);

    [SkippableFact]
    public void Both_test_notebooks_show_every_public_view_type_as_ours_in_jupyter() => ViewChecks.EveryViewType(notebooks);

    [SkippableFact]
    public void Outputs_match_the_committed_ones_and_hold_no_script()
    {
        notebooks.RequireRun();
        foreach (string name in ExecutedNotebooks.Names)
        {
            string produced = File.ReadAllText(Path.Combine(notebooks.Output, name + ".ipynb"));
            Assert.DoesNotContain("<script", produced, StringComparison.OrdinalIgnoreCase);
            string committed = Comparable(File.ReadAllText(Path.Combine(ExecutedNotebooks.Source, name + ".ipynb")));
            Assert.Equal(committed, Comparable(produced));
        }
    }

    /// <summary>Jupyter labels a cell's value execute_result (with a count), dotnet-repl display_data: equal otherwise.</summary>
    private static string Comparable(string json)
    {
        var notebook = JsonNode.Parse(ExecutedNotebooks.Normalize(json))!;
        foreach (JsonNode? cell in notebook["cells"]!.AsArray())
            foreach (JsonNode? output in cell!["outputs"]?.AsArray() ?? [])
            {
                if ((string?)output!["output_type"] == "execute_result") output["output_type"] = "display_data";
                output.AsObject().Remove("execution_count");
            }
        return notebook.ToJsonString();
    }
}
