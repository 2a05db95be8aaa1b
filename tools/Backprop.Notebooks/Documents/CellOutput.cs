using System.Text;

namespace Backprop.Notebooks.Documents;

/// <summary>One output of a code cell, as nbformat 4 stores it.</summary>
internal abstract class CellOutput
{
    private protected readonly object Gate = new();
}

/// <summary>A formatted value: a cell's result (execute_result) or a displayed value (display_data).</summary>
internal sealed class DataOutput(bool isResult, IReadOnlyList<KeyValuePair<string, string>> data) : CellOutput
{
    private IReadOnlyList<KeyValuePair<string, string>> _data = data;

    /// <summary>True for the cell's value (execute_result), false for display_data.</summary>
    public bool IsResult { get; } = isResult;

    /// <summary>The bundle: MIME type → text, in preference order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Data
    {
        get { lock (Gate) return _data; }
        set { lock (Gate) _data = value; }
    }

    /// <summary>The text for <paramref name="mimeType"/>, or null.</summary>
    public string? Get(string mimeType)
    {
        foreach (var (k, v) in Data) if (k == mimeType) return v;
        return null;
    }
}

/// <summary>Text written to standard output or standard error.</summary>
internal sealed class StreamOutput(string name) : CellOutput
{
    private readonly StringBuilder _text = new();

    /// <summary>"stdout" or "stderr".</summary>
    public string Name { get; } = name;

    /// <summary>The text so far.</summary>
    public string Text { get { lock (Gate) return _text.ToString(); } }

    /// <summary>Appends text.</summary>
    public void Append(string text) { lock (Gate) _text.Append(text); }

    /// <summary>Appends one character.</summary>
    public void Append(char c) { lock (Gate) _text.Append(c); }
}

/// <summary>A compiler error or an exception.</summary>
internal sealed class ErrorOutput(string name, string message, IReadOnlyList<string> traceback) : CellOutput
{
    /// <summary>The error's name (exception type, or "Error" for compiler errors, as Polyglot Notebooks writes it).</summary>
    public string Name { get; } = name;

    /// <summary>The message.</summary>
    public string Message { get; } = message;

    /// <summary>Traceback lines.</summary>
    public IReadOnlyList<string> Traceback { get; } = traceback;
}
