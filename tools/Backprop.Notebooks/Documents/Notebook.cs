using System.Text.Json.Nodes;

namespace Backprop.Notebooks.Documents;

/// <summary>The kernel a cell runs in (the names Polyglot Notebooks uses).</summary>
internal static class KernelNames
{
    public const string CSharp = "csharp";
    public const string FSharp = "fsharp";
    public const string Markdown = "markdown";
    public const string Html = "html";

    /// <summary>The canonical kernel name for a name or alias from metadata or a <c>#!</c> line; null when unknown.</summary>
    public static string? Normalize(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "csharp" or "c#" or "cs" or ".net (c#)" => CSharp,
        "fsharp" or "f#" or "fs" or ".net (f#)" => FSharp,
        "markdown" or "md" => Markdown,
        "html" => Html,
        null or "" => null,
        var other => other,
    };
}

/// <summary>One cell: its kind, kernel and source, and (for code cells) the outputs of a run.</summary>
internal sealed class Cell(bool isCode, string kernel, string source)
{
    /// <summary>True for a code cell, false for markdown.</summary>
    public bool IsCode { get; } = isCode;

    /// <summary>The kernel name (csharp, fsharp, html, markdown, or another name the runner rejects).</summary>
    public string Kernel { get; set; } = kernel;

    /// <summary>The cell source, lines separated by '\n'.</summary>
    public string Source { get; set; } = source;

    /// <summary>The outputs produced by the last run, in order.</summary>
    public List<CellOutput> Outputs { get; } = [];

    /// <summary>The execution count given by the run (null when not executed).</summary>
    public int? ExecutionCount { get; set; }

    /// <summary>The cell's JSON in the source .ipynb (null for .dib cells), kept so its metadata round-trips.</summary>
    public JsonObject? Json { get; init; }
}

/// <summary>A notebook read from .ipynb or .dib.</summary>
internal sealed class Notebook(string path, IReadOnlyList<Cell> cells, JsonObject? json)
{
    /// <summary>The file the notebook was read from.</summary>
    public string Path { get; } = path;

    /// <summary>The name shown in messages and used for output files (file name without extension).</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The cells in order.</summary>
    public IReadOnlyList<Cell> Cells { get; } = cells;

    /// <summary>The whole .ipynb document (null for .dib), kept so metadata round-trips.</summary>
    public JsonObject? Json { get; } = json;

    /// <summary>True when read from a .ipynb file.</summary>
    public bool IsIpynb => Json is not null;
}
