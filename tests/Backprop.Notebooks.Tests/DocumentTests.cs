using System.Text.Json.Nodes;
using Backprop.Notebooks.Documents;

namespace Backprop.Notebooks.Tests;

/// <summary>Reading .ipynb and .dib, writing deterministic .ipynb.</summary>
public class DocumentTests
{
    [Fact]
    public void Ipynb_cell_kernels_come_from_cell_metadata_then_the_notebook_default()
    {
        string json = """
            {"nbformat": 4, "nbformat_minor": 5,
             "metadata": {"polyglot_notebook": {"kernelInfo": {"defaultKernelName": "fsharp"}}, "kernelspec": {"language": "C#"}},
             "cells": [
              {"cell_type": "markdown", "metadata": {}, "source": ["# T\n", "text"]},
              {"cell_type": "code", "metadata": {"dotnet_interactive": {"language": "csharp"}}, "source": "1", "outputs": []},
              {"cell_type": "code", "metadata": {"polyglot_notebook": {"kernelName": "csharp"}}, "source": ["2"], "outputs": []},
              {"cell_type": "code", "metadata": {}, "source": ["3"], "outputs": []},
              {"cell_type": "code", "metadata": {}, "source": ["#!csharp\n", "4"], "outputs": []}
             ]}
            """;
        Notebook nb = NotebookReader.ParseIpynb("x.ipynb", json);
        Assert.Equal(["markdown", "csharp", "csharp", "fsharp", "csharp"], nb.Cells.Select(c => c.Kernel));
        Assert.Equal("# T\ntext", nb.Cells[0].Source);
        Assert.False(nb.Cells[0].IsCode);
        Assert.Equal("4", nb.Cells[4].Source);

        string jupyter = """{"nbformat": 4, "nbformat_minor": 2, "metadata": {"kernelspec": {"language": "F#", "name": ".net-fsharp"}}, "cells": [{"cell_type": "code", "metadata": {}, "source": "1", "outputs": []}]}""";
        Assert.Equal("fsharp", Assert.Single(NotebookReader.ParseIpynb("y.ipynb", jupyter).Cells).Kernel);
        Assert.Throws<FormatException>(() => NotebookReader.ParseIpynb("z.ipynb", """{"nbformat": 3, "cells": []}"""));
    }

    [Fact]
    public void Dib_sections_become_cells_with_the_meta_default_kernel()
    {
        string dib = """
            #!meta

            {"kernelInfo":{"defaultKernelName":"fsharp","items":[{"aliases":[],"name":"fsharp"}]}}

            #!markdown

            # Title

            #!csharp

            var x = 1;
            #!time
            x

            #!fsharp

            let y = 2
            """;
        Notebook nb = NotebookReader.ParseDib("n.dib", dib);
        Assert.Equal(["markdown", "csharp", "fsharp"], nb.Cells.Select(c => c.Kernel));
        Assert.Equal("# Title", nb.Cells[0].Source);
        Assert.Equal("var x = 1;\n#!time\nx", nb.Cells[1].Source);
        Assert.Equal("let y = 2", nb.Cells[2].Source);
        Notebook untagged = NotebookReader.ParseDib("u.dib", "#!meta\n{\"kernelInfo\":{\"defaultKernelName\":\"fsharp\"}}\n\n#!markdown\nhi\n");
        Assert.Single(untagged.Cells);
    }

    [Fact]
    public void A_dib_file_runs_and_is_written_as_an_ipynb_with_polyglot_metadata()
    {
        string dib = "#!markdown\n\n# Mixed\n\n#!csharp\n\nvar s = \"C#\";\ns + \"!\"\n\n#!fsharp\n\nlet s = \"F#\"\ns + \"!\"\n";
        var result = TestNotebooks.Run("mixed.dib", dib).Succeeds();
        Assert.Equal("C#!", result.Result(2).Get("text/plain"));
        Assert.Equal("F#!", result.Result(3).Get("text/plain"));
        JsonObject doc = JsonNode.Parse(IpynbWriter.Write(result.Notebook))!.AsObject();
        Assert.Equal(4, (int)doc["nbformat"]!);
        var cells = doc["cells"]!.AsArray();
        Assert.Equal("markdown", (string)cells[0]!["cell_type"]!);
        Assert.Equal("fsharp", (string)cells[2]!["metadata"]!["polyglot_notebook"]!["kernelName"]!);
        Assert.Equal(2, (int)cells[2]!["execution_count"]!);
        Assert.Equal("execute_result", (string)cells[2]!["outputs"]![0]!["output_type"]!);
        Assert.Equal("\"F#!\"", cells[2]!["outputs"]![0]!["data"]!["text/plain"]![0]!.ToJsonString());
        // the round trip reads back the same cells
        Notebook again = NotebookReader.ParseIpynb("mixed.ipynb", IpynbWriter.Write(result.Notebook));
        Assert.Equal(result.Notebook.Cells.Select(c => (c.Kernel, c.Source)), again.Cells.Select(c => (c.Kernel, c.Source)));
    }

    [Fact]
    public void Written_ipynb_has_sorted_keys_one_space_indent_and_keeps_cell_metadata()
    {
        string text = TestNotebooks.Ipynb(("csharp", "Console.WriteLine(\"a\\nb\");\n\"é<ok>\""));
        JsonObject doc = JsonNode.Parse(text)!.AsObject();
        doc["cells"]![0]!["id"] = "fixed-id";
        doc["cells"]![0]!["metadata"]!["tags"] = new JsonArray("keep");
        var result = TestNotebooks.Run("w.ipynb", doc.ToJsonString()).Succeeds();
        string written = IpynbWriter.Write(result.Notebook);
        Assert.StartsWith("{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,\n   \"id\": \"fixed-id\",", written);
        Assert.EndsWith("}\n", written);
        Assert.Contains("\"text\": [\n      \"a\\n\",\n      \"b\\n\"\n     ]", written);
        Assert.Contains("é<ok>", written);
        Assert.Contains("\"keep\"", written);
        Assert.DoesNotContain("\r", written);
        JsonNode reread = JsonNode.Parse(written)!;
        AssertSorted(reread);
    }

    private static void AssertSorted(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            var keys = obj.Select(p => p.Key).ToList();
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
            foreach (var (_, v) in obj) AssertSorted(v);
        }
        else if (node is JsonArray arr) foreach (var v in arr) AssertSorted(v);
    }
}
