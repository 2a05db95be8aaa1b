using System.Text.RegularExpressions;
using Backprop.Interactive.Html;

namespace Backprop.Notebooks.Tests;

/// <summary>Checks shared by the hosts: our views render as ours, never as the kernel's fallback property tree.</summary>
internal static partial class ViewChecks
{
    private const string Ours = "class=\"bp-view";

    /// <summary>Every cell that shows a view in the committed outputs shows as many of ours in the fresh run,
    /// no output is the kernel's tree of one of our objects, and each live display is one output.</summary>
    public static void RenderLikeCommitted(ExecutedNotebooks notebooks)
    {
        notebooks.RequireRun();
        foreach (string name in ExecutedNotebooks.Names)
        {
            var committed = ExecutedNotebooks.CodeCells((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(
                File.ReadAllText(Path.Combine(ExecutedNotebooks.Source, name + ".ipynb")))!);
            var fresh = ExecutedNotebooks.CodeCells(notebooks.Executed(name));
            Assert.Equal(committed.Count, fresh.Count);
            int views = 0;
            for (int i = 0; i < fresh.Count; i++)
            {
                int expected = committed[i].Outputs.Count(o => o.Contains(Ours, StringComparison.Ordinal));
                int actual = fresh[i].Outputs.Count(o => o.Contains(Ours, StringComparison.Ordinal));
                Assert.True(expected == actual, $"{name} ({notebooks.Host}), code cell {i + 1} «{First(fresh[i].Source)}»: {actual} of our views, committed {expected}");
                views += actual;
                NoFallbackTree(name, notebooks.Host, fresh[i]);
                OneOutputPerLiveDisplay(name, notebooks.Host, fresh[i]);
            }
            Assert.True(views > 0, $"{name}: no view at all");
        }
    }

    /// <summary>The two test notebooks (C# only, F# only) show every public view type of Backprop.Interactive, each
    /// code cell after the set-up showing ours.</summary>
    public static void EveryViewType(ExecutedNotebooks notebooks)
    {
        notebooks.RequireRun();
        string[] viewTypes = typeof(HtmlView).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(HtmlView)) && !t.IsAbstract).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.True(viewTypes.Length >= 11, string.Join(" ", viewTypes));
        foreach (string name in ExecutedNotebooks.ViewNames)
        {
            var cells = ExecutedNotebooks.CodeCells(notebooks.Executed(name));
            Assert.Contains(string.Join(" ", viewTypes), cells[^1].Outputs.FirstOrDefault() ?? "");
            foreach (var cell in cells.Skip(2).SkipLast(1))
            {
                Assert.True(cell.Outputs.Count > 0 && cell.Outputs.All(o => o.Contains(Ours, StringComparison.Ordinal)),
                            $"{name} ({notebooks.Host}) «{First(cell.Source)}»: {string.Join(" | ", cell.Outputs.Select(o => o[..Math.Min(200, o.Length)]))}");
                NoFallbackTree(name, notebooks.Host, cell);
                OneOutputPerLiveDisplay(name, notebooks.Host, cell);
            }
            Assert.Contains(cells, c => c.Outputs.Any(o => o.Contains("bp-view bp-live", StringComparison.Ordinal)));
        }
    }

    private static void NoFallbackTree(string name, string host, (string Source, IReadOnlyList<string> Outputs) cell)
    {
        foreach (string output in cell.Outputs)
            Assert.False(output.Contains("dni-treeview", StringComparison.Ordinal) && TreeOfOurs().IsMatch(output),
                         $"{name} ({host}) «{First(cell.Source)}» shows the kernel's property tree of one of our objects: {output[..Math.Min(400, output.Length)]}");
    }

    private static void OneOutputPerLiveDisplay(string name, string host, (string Source, IReadOnlyList<string> Outputs) cell)
    {
        var ids = cell.Outputs.SelectMany(o => LiveId().Matches(o).Select(m => m.Groups[1].Value)).ToList();
        Assert.True(ids.Count == ids.Distinct().Count(), $"{name} ({host}) «{First(cell.Source)}»: a live display kept {ids.Count} outputs");
    }

    private static string First(string source) => source.Split('\n')[0];

    [GeneratedRegex(@"dni-code-hint""><code>Backprop\.|<td>(MinInterval|IsNotebook|Callback)</td>")]
    private static partial Regex TreeOfOurs();

    [GeneratedRegex("data-bp-live=\"([^\"]+)\"")]
    private static partial Regex LiveId();
}
