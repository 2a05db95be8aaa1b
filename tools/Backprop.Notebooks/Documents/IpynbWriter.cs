using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backprop.Notebooks.Documents;

/// <summary>
/// Writes an executed notebook as nbformat 4 JSON, deterministically: keys sorted at every level, one-space
/// indent, '\n' line ends, multi-line strings split into lists of lines (as Jupyter's nbformat writes them),
/// and nothing that changes from run to run (no timestamps, no generated ids).
/// </summary>
internal static class IpynbWriter
{
    /// <summary>The notebook, with each code cell's outputs and execution count, as .ipynb text.</summary>
    public static string Write(Notebook notebook)
    {
        JsonObject doc = notebook.Json?.DeepClone().AsObject() ?? NewDocument(notebook);
        var cells = new JsonArray();
        foreach (Cell cell in notebook.Cells) cells.Add(CellJson(cell));
        doc["cells"] = cells;
        return Serialize(doc);
    }

    private static JsonObject NewDocument(Notebook notebook)
    {
        bool fsharpOnly = notebook.Cells.Where(c => c.IsCode).All(c => c.Kernel == KernelNames.FSharp) && notebook.Cells.Any(c => c.IsCode);
        string kernel = fsharpOnly ? KernelNames.FSharp : KernelNames.CSharp;
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject
                {
                    ["display_name"] = fsharpOnly ? ".NET (F#)" : ".NET (C#)",
                    ["language"] = fsharpOnly ? "F#" : "C#",
                    ["name"] = fsharpOnly ? ".net-fsharp" : ".net-csharp",
                },
                ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = kernel,
                        ["items"] = new JsonArray(
                            new JsonObject { ["aliases"] = new JsonArray(), ["name"] = KernelNames.CSharp },
                            new JsonObject { ["aliases"] = new JsonArray(), ["name"] = KernelNames.FSharp }),
                    },
                },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
        };
    }

    private static JsonObject CellJson(Cell cell)
    {
        JsonObject json = cell.Json?.DeepClone().AsObject() ?? new JsonObject
        {
            ["cell_type"] = cell.IsCode ? "code" : "markdown",
            ["metadata"] = cell.IsCode
                ? new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = cell.Kernel } }
                : new JsonObject(),
            ["source"] = Lines(cell.Source),
        };
        if (json["cell_type"]?.GetValue<string>() != "code") return json;
        json["execution_count"] = cell.ExecutionCount is int n ? JsonValue.Create(n) : null;
        var outputs = new JsonArray();
        foreach (CellOutput output in cell.Outputs) outputs.Add(OutputJson(output, cell.ExecutionCount));
        json["outputs"] = outputs;
        return json;
    }

    private static JsonObject OutputJson(CellOutput output, int? executionCount) => output switch
    {
        DataOutput d when d.IsResult => new JsonObject
        {
            ["data"] = Bundle(d), ["execution_count"] = executionCount, ["metadata"] = new JsonObject(), ["output_type"] = "execute_result",
        },
        DataOutput d => new JsonObject { ["data"] = Bundle(d), ["metadata"] = new JsonObject(), ["output_type"] = "display_data" },
        StreamOutput s => new JsonObject { ["name"] = s.Name, ["output_type"] = "stream", ["text"] = Lines(s.Text) },
        ErrorOutput e => new JsonObject
        {
            ["ename"] = e.Name, ["evalue"] = e.Message, ["output_type"] = "error",
            ["traceback"] = new JsonArray(e.Traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        },
        _ => throw new InvalidOperationException($"unknown output {output.GetType().Name}"),
    };

    private static JsonObject Bundle(DataOutput d)
    {
        var data = new JsonObject();
        foreach (var (mime, text) in d.Data) data[mime] = Lines(text);
        return data;
    }

    /// <summary>Splits text into lines that keep their '\n' (nbformat's multi-line string form).</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        text = text.Replace("\r\n", "\n");
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    /// <summary>Writes JSON with keys sorted (ordinal) at every level, one-space indent and a final newline.</summary>
    public static string Serialize(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true, IndentSize = 1, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            WriteSorted(writer, node);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (JsonNode? item in array) WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
