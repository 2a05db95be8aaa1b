using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Backprop.Notebooks.Outputs;

/// <summary>
/// Puts a host's outputs into the source notebook: each code cell of the source gets the outputs of the same
/// cell of the executed copy, reduced to what an editor shows when the cell has finished, and nothing else of
/// the source changes (its metadata, cell ids and text stay as written). The reductions:
/// <list type="bullet">
/// <item>a live display keeps its final state, where it first appeared: our live views carry
/// <c>data-bp-live</c>, and the kernel's package-install progress ("Installing Packages") gives way to its
/// final "Installed Packages" (dotnet-repl keeps every update as an output; Jupyter replaces in place);</item>
/// <item>no script: the .NET kernel's Jupyter bootstrap output (which loads require.js from a CDN) is dropped and
/// any <c>&lt;script&gt;</c> element removed, so that committed outputs render offline and the same in every host;</item>
/// <item>execution counts number the code cells in order (dotnet-repl leaves them empty).</item>
/// </list>
/// </summary>
internal static partial class ExecutedOutputs
{
    /// <summary>The source notebook with the executed outputs; throws when the two do not have the same cells.</summary>
    public static JsonObject Merge(JsonObject source, JsonObject executed)
    {
        var result = (JsonObject)source.DeepClone();
        JsonArray cells = Cells(result), ran = Cells(executed);
        if (cells.Count != ran.Count)
            throw new InvalidDataException($"The executed notebook has {ran.Count} cells where the source has {cells.Count}.");
        int count = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            JsonObject cell = cells[i]!.AsObject();
            if ((string?)cell["cell_type"] != "code") continue;
            cell["execution_count"] = ++count;
            cell["outputs"] = Reduce(ran[i]!["outputs"]?.AsArray() ?? []);
        }
        return result;
    }

    /// <summary>The outputs a finished cell shows (see the class summary).</summary>
    public static JsonArray Reduce(JsonArray outputs)
    {
        var kept = new List<JsonObject>();
        var liveAt = new Dictionary<string, int>();
        foreach (JsonNode? node in outputs)
        {
            var output = (JsonObject)node!.DeepClone();
            AsLines(output);
            if (Html(output) is { } html)
            {
                if (html.Contains("dotnet-interactive-this-cell", StringComparison.Ordinal)) continue; // the Jupyter bootstrap
                if (html.Contains("<script", StringComparison.OrdinalIgnoreCase)) SetHtml(output, Script().Replace(html, ""));
                if (LiveId().Match(html) is { Success: true } live)
                {
                    if (liveAt.TryGetValue(live.Groups[1].Value, out int at)) { kept[at] = output; continue; }
                    liveAt[live.Groups[1].Value] = kept.Count;
                }
            }
            kept.Add(output);
        }
        int installed = kept.FindLastIndex(o => Html(o)?.Contains("<strong>Installed Packages</strong>", StringComparison.Ordinal) == true);
        var result = new JsonArray();
        for (int i = 0; i < kept.Count; i++)
        {
            bool progress = i < installed && Html(kept[i])?.Contains("<strong>Installing Packages</strong>", StringComparison.Ordinal) == true;
            if (!progress) result.Add(kept[i]);
        }
        return result;
    }

    /// <summary>Multi-line text as nbformat writes it: an array of lines, each with its line break.</summary>
    private static void AsLines(JsonObject output)
    {
        if (output["text"] is JsonValue text) output["text"] = Lines(Text(text));
        if (output["data"] is not JsonObject data) return;
        foreach (string mimeType in data.Select(p => p.Key).ToList())
            if (mimeType.StartsWith("text/", StringComparison.Ordinal) && data[mimeType] is JsonValue value) data[mimeType] = Lines(Text(value));
    }

    private static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        for (int start = 0; start < text.Length;)
        {
            int end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    /// <summary>The text/html of an output, joined, or null.</summary>
    public static string? Html(JsonObject output) => output["data"]?["text/html"] is JsonNode html ? Text(html) : null;

    /// <summary>A text field of nbformat: a string or an array of lines.</summary>
    public static string Text(JsonNode node) => node is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)node ?? "";

    private static void SetHtml(JsonObject output, string html) => output["data"]!["text/html"] = Lines(html);

    private static JsonArray Cells(JsonObject notebook) =>
        notebook["cells"]?.AsArray() ?? throw new InvalidDataException("Not a notebook: no \"cells\" array.");

    [GeneratedRegex(@"<script\b[^>]*>.*?</script\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Script();

    [GeneratedRegex("data-bp-live=\"([^\"]+)\"")]
    private static partial Regex LiveId();
}
