using Backprop.Notebooks.Documents;
using Backprop.Notebooks.Execution;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;

namespace Backprop.Notebooks.Scripting;

/// <summary>
/// The helpers a notebook cell sees, as the .NET Interactive kernel provides them: <c>display(x)</c> in C#
/// (imported with <c>using static</c>) and in F# (bound by the session's prelude).
/// </summary>
public static class NotebookKernel
{
    /// <summary>Displays <paramref name="value"/> as a new output of the running cell, formatted with the
    /// registered formatters (text/html preferred, text/plain too, unless <paramref name="mimeTypes"/> are given).</summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">The MIME types to format it in (default: the type's preferred ones plus text/plain).</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces the output in place.</returns>
    public static DisplayedValue display(object? value, params string[] mimeTypes)
    {
        CellContext context = CellContext.Current
            ?? throw new InvalidOperationException("display() was called outside a running notebook cell.");
        var output = new DataOutput(false, OutputFormatter.Format(value, mimeTypes));
        context.Add(output);
        return new DisplayedValue(output, mimeTypes);
    }


    /// <summary>HTML to be shown as is (the kernel's <c>HTML</c> helper): <c>display(HTML("&lt;b&gt;bold&lt;/b&gt;"))</c>.</summary>
    /// <param name="content">The markup.</param>
    public static IHtmlContent HTML(string content) => new HtmlString(content);
}

/// <summary>A displayed value that can be replaced in place (the kernel's DisplayedValue).</summary>
public sealed class DisplayedValue
{
    private readonly DataOutput _output;
    private readonly string[] _mimeTypes;

    internal DisplayedValue(DataOutput output, string[] mimeTypes)
    {
        _output = output;
        _mimeTypes = mimeTypes;
    }

    /// <summary>Replaces the displayed output with <paramref name="updatedValue"/>, formatted the same way.</summary>
    public void Update(object? updatedValue) => _output.Data = OutputFormatter.Format(updatedValue, _mimeTypes);
}

/// <summary>Formats values the way the kernel does: one entry per MIME type, through <see cref="Formatter"/>.</summary>
internal static class OutputFormatter
{
    /// <summary>The output bundle of <paramref name="value"/>: the requested MIME types, else the type's
    /// preferred ones (text/html for most objects), always with text/plain.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Format(object? value, string[]? mimeTypes = null)
    {
        var types = new List<string>();
        if (mimeTypes is { Length: > 0 }) types.AddRange(mimeTypes);
        else types.AddRange(Formatter.GetPreferredMimeTypesFor(value?.GetType() ?? typeof(object)));
        if (!types.Contains(PlainTextFormatter.MimeType)) types.Add(PlainTextFormatter.MimeType);
        var bundle = new List<KeyValuePair<string, string>>();
        foreach (string mime in types.Distinct())
            bundle.Add(new(mime, Formatter.ToDisplayString(value, mime)));
        return bundle;
    }
}
