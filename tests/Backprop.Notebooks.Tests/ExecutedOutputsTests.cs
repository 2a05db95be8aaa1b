using System.Text.Json.Nodes;
using Backprop.Notebooks.Outputs;

namespace Backprop.Notebooks.Tests;

/// <summary>How a host's outputs become what an editor shows when a cell has finished.</summary>
public class ExecutedOutputsTests
{
    private static JsonObject Html(string html) => new() { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = html }, ["metadata"] = new JsonObject() };

    private static string[] Htmls(JsonArray outputs) => outputs.Select(o => ExecutedOutputs.Html(o!.AsObject())!).ToArray();

    [Fact]
    public void A_live_display_keeps_its_final_state_where_it_first_appeared()
    {
        var reduced = ExecutedOutputs.Reduce([Html("<div data-bp-live=\"1\">a</div>"), Html("<p>between</p>"),
                                              Html("<div data-bp-live=\"1\">b</div>"), Html("<div data-bp-live=\"2\">x</div>"),
                                              Html("<div data-bp-live=\"1\">c</div>")]);
        Assert.Equal(["<div data-bp-live=\"1\">c</div>", "<p>between</p>", "<div data-bp-live=\"2\">x</div>"], Htmls(reduced));
    }

    [Fact]
    public void Package_install_progress_gives_way_to_the_installed_list()
    {
        var reduced = ExecutedOutputs.Reduce([Html("<div><strong>Installing Packages</strong>A.</div>"), Html("<div><strong>Installing Packages</strong>A..</div>"),
                                              Html("<div><strong>Installed Packages</strong>A, 1.0</div>")]);
        Assert.Equal(["<div><strong>Installed Packages</strong>A, 1.0</div>"], Htmls(reduced));
        // Progress that never finished stays: it says what happened.
        Assert.Single(ExecutedOutputs.Reduce([Html("<div><strong>Installing Packages</strong>A.</div>")]));
    }

    [Fact]
    public void Scripts_and_the_jupyter_bootstrap_are_removed()
    {
        var reduced = ExecutedOutputs.Reduce([Html("<div id='dotnet-interactive-this-cell-1'></div><script>load()</script>"),
                                              Html("<b>kept</b><SCRIPT type=\"text/javascript\">\nx()\n</script >")]);
        Assert.Equal(["<b>kept</b>"], Htmls(reduced));
    }

    [Fact]
    public void Merge_keeps_the_source_and_numbers_the_code_cells()
    {
        JsonObject Notebook(params JsonNode[] cells) => new() { ["cells"] = new JsonArray(cells), ["metadata"] = new JsonObject { ["mine"] = 1 } };
        JsonObject Code(string id, params JsonNode[] outputs) => new() { ["cell_type"] = "code", ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = "x", ["outputs"] = new JsonArray(outputs), ["execution_count"] = null };
        var source = Notebook(new JsonObject { ["cell_type"] = "markdown", ["source"] = "# t" }, Code("a"), Code("b"));
        var executed = Notebook(new JsonObject { ["cell_type"] = "markdown", ["source"] = "# t" }, Code("other", Html("one\ntwo")), Code("b"));
        executed["metadata"] = new JsonObject { ["host"] = "repl" };
        JsonObject merged = ExecutedOutputs.Merge(source, executed);
        Assert.Equal(1, (int)merged["metadata"]!["mine"]!);
        Assert.Null(merged["metadata"]!["host"]);
        Assert.Equal("a", (string?)merged["cells"]![1]!["id"]);
        Assert.Equal(1, (int)merged["cells"]![1]!["execution_count"]!);
        Assert.Equal(2, (int)merged["cells"]![2]!["execution_count"]!);
        Assert.Equal("[\"one\\n\",\"two\"]", merged["cells"]![1]!["outputs"]![0]!["data"]!["text/html"]!.ToJsonString());
        Assert.Throws<InvalidDataException>(() => ExecutedOutputs.Merge(source, Notebook(Code("a"))));
    }
}
