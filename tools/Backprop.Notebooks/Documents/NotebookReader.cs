using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backprop.Notebooks.Documents;

/// <summary>Reads .ipynb (nbformat 4) and .dib notebooks.</summary>
internal static class NotebookReader
{
    /// <summary>Reads the notebook at <paramref name="path"/> (.ipynb or .dib).</summary>
    public static Notebook Read(string path)
    {
        string text = File.ReadAllText(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".ipynb" => ParseIpynb(path, text),
            ".dib" => ParseDib(path, text),
            var ext => throw new NotSupportedException($"{path}: unsupported notebook type '{ext}' (expected .ipynb or .dib)."),
        };
    }

    /// <summary>Parses nbformat 4 JSON. A cell's kernel comes from its metadata (dotnet_interactive.language or
    /// polyglot_notebook.kernelName), else the notebook's default kernel; a leading <c>#!kernel</c> line overrides both.</summary>
    public static Notebook ParseIpynb(string path, string json)
    {
        JsonObject doc;
        try { doc = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })?.AsObject() ?? throw new FormatException("empty document"); }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new FormatException($"{path}: not a valid .ipynb file: {e.Message}", e);
        }
        int format = doc["nbformat"]?.GetValue<int>() ?? 0;
        if (format != 4) throw new FormatException($"{path}: nbformat {format} is not supported (expected 4).");
        string defaultKernel = DefaultKernel(doc["metadata"] as JsonObject);
        var cells = new List<Cell>();
        foreach (JsonNode? node in doc["cells"] as JsonArray ?? [])
        {
            if (node is not JsonObject cell) continue;
            string type = cell["cell_type"]?.GetValue<string>() ?? "code";
            string source = JoinSource(cell["source"]);
            if (type != "code")
            {
                cells.Add(new Cell(false, type == "markdown" ? KernelNames.Markdown : type, source) { Json = cell });
                continue;
            }
            JsonObject? meta = cell["metadata"] as JsonObject;
            string kernel = KernelNames.Normalize(meta?["dotnet_interactive"]?["language"]?.GetValue<string>())
                            ?? KernelNames.Normalize(meta?["polyglot_notebook"]?["kernelName"]?.GetValue<string>())
                            ?? defaultKernel;
            (kernel, source) = ApplyMagicKernelLine(kernel, source);
            cells.Add(new Cell(kernel != KernelNames.Markdown, kernel, source) { Json = cell });
        }
        return new Notebook(path, cells, doc);
    }

    private static string DefaultKernel(JsonObject? metadata) =>
        KernelNames.Normalize(metadata?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>())
        ?? KernelNames.Normalize(metadata?["kernelspec"]?["language"]?.GetValue<string>())
        ?? KernelNames.Normalize(metadata?["language_info"]?["name"]?.GetValue<string>())
        ?? (metadata?["kernelspec"]?["name"]?.GetValue<string>() is string name && name.Contains("fsharp", StringComparison.OrdinalIgnoreCase) ? KernelNames.FSharp : null)
        ?? KernelNames.CSharp;

    /// <summary>nbformat stores source as a string or a list of lines (each keeping its '\n').</summary>
    private static string JoinSource(JsonNode? source)
    {
        string text = source switch
        {
            null => "",
            JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
            _ => source.GetValue<string>(),
        };
        return text.Replace("\r\n", "\n");
    }

    /// <summary>A code cell whose first line is <c>#!fsharp</c> (etc.) runs in that kernel; the line is removed.</summary>
    private static (string Kernel, string Source) ApplyMagicKernelLine(string kernel, string source)
    {
        int end = source.IndexOf('\n');
        string first = (end < 0 ? source : source[..end]).Trim();
        if (first.StartsWith("#!", StringComparison.Ordinal) && KernelFromMarker(first) is { } named)
            return (named, end < 0 ? "" : source[(end + 1)..]);
        return (kernel, source);
    }

    private static string? KernelFromMarker(string line)
    {
        string name = line[2..].Trim();
        return KernelNames.Normalize(name) is { } k && k is KernelNames.CSharp or KernelNames.FSharp or KernelNames.Markdown or KernelNames.Html ? k : null;
    }

    /// <summary>Parses a .dib file: sections start with <c>#!csharp</c>, <c>#!fsharp</c>, <c>#!markdown</c>,
    /// <c>#!html</c> or <c>#!meta</c> (notebook metadata, JSON); other <c>#!</c> lines stay in their cell.</summary>
    public static Notebook ParseDib(string path, string text)
    {
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        var sections = new List<(string Marker, List<string> Lines)>();
        (string Marker, List<string> Lines)? current = null;
        foreach (string line in lines)
        {
            string trimmed = line.TrimEnd();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) && !trimmed.Contains(' ') &&
                (trimmed == "#!meta" || KernelFromMarker(trimmed) is not null))
            {
                current = (trimmed == "#!meta" ? "meta" : KernelFromMarker(trimmed)!, []);
                sections.Add(current.Value);
                continue;
            }
            if (current is null)
            {
                if (trimmed.Length == 0) continue;
                current = ("", []);
                sections.Add(current.Value);
            }
            current.Value.Lines.Add(line);
        }
        string defaultKernel = KernelNames.CSharp;
        foreach (var (marker, body) in sections)
        {
            if (marker != "meta") continue;
            try
            {
                var meta = JsonNode.Parse(string.Join('\n', body));
                defaultKernel = KernelNames.Normalize(meta?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>()) ?? defaultKernel;
            }
            catch (JsonException e) { throw new FormatException($"{path}: the #!meta section is not valid JSON: {e.Message}", e); }
        }
        var cells = new List<Cell>();
        foreach (var (marker, body) in sections)
        {
            if (marker == "meta") continue;
            string kernel = marker == "" ? defaultKernel : marker;
            string source = Trim(body);
            if (source.Length == 0 && marker == "") continue;
            cells.Add(new Cell(kernel != KernelNames.Markdown, kernel, source));
        }
        return new Notebook(path, cells, null);
    }

    /// <summary>Drops blank lines at the start and end of a section (a .dib separates sections with them).</summary>
    private static string Trim(List<string> body)
    {
        int start = 0, end = body.Count;
        while (start < end && body[start].Trim().Length == 0) start++;
        while (end > start && body[end - 1].Trim().Length == 0) end--;
        return string.Join('\n', body.Skip(start).Take(end - start));
    }
}
