using System.Text;
using Backprop.IO;

namespace Backprop.Interactive.Html;

/// <summary>
/// A view that renders as static HTML and SVG (no script, no network), as plain text, and as a
/// complete page. Notebook formatters show <see cref="ToHtml"/>; consoles show <see cref="ToString"/>.
/// </summary>
/// <remarks>Every view, including one a user derives, renders in .NET Interactive kernels through the attribute
/// below (see <see cref="Formatting.TypeFormatterSourceAttribute"/> for why no registration call is needed).</remarks>
[Formatting.TypeFormatterSource(typeof(Formatting.ViewFormatterSource))]
public abstract class HtmlView
{
    /// <summary>Writes the view as a self-contained HTML fragment (its styles included).</summary>
    public abstract void WriteHtml(TextWriter writer);

    /// <summary>A compact plain-text summary for consoles and text/plain hosts.</summary>
    public abstract string ToText();

    /// <summary>The title used by <see cref="SaveHtml"/>.</summary>
    protected virtual string Title => GetType().Name;

    /// <summary>The view as a self-contained HTML fragment.</summary>
    public string ToHtml()
    {
        var writer = new StringWriter();
        WriteHtml(writer);
        return writer.ToString();
    }

    /// <summary>The plain-text summary.</summary>
    public override string ToString() => ToText();

    /// <summary>Writes a complete HTML page holding this view. The write is atomic (see <see cref="AtomicFile"/>):
    /// the file is either the old one or the complete new one, never half-written.</summary>
    /// <exception cref="PathTooLongException">The file name is longer than file systems allow.</exception>
    public void SaveHtml(string path) => SavePage(path, Title, this);

    /// <summary>Writes a complete HTML page holding several views, atomically.</summary>
    public static void SavePage(string path, string title, params HtmlView[] views)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(views);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full) ?? ".");
        AtomicFile.Write(full, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            WritePage(writer, title, views);
        });
    }

    /// <summary>Writes a complete page (doctype, head, body) with the given views.</summary>
    public static void WritePage(TextWriter writer, string title, IEnumerable<HtmlView> views)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(views);
        var w = new HtmlWriter(writer).Raw("<!DOCTYPE html>\n").Start("html").Attr("lang", "en");
        w.Start("head").Start("meta").Attr("charset", "utf-8").End().Element("title", HtmlText.Short(title))
         .Start("style").Raw("body{font-family:" + ViewStyle.Font + ";margin:24px;color:#111}").End().End();
        w.Start("body").Raw("\n");
        foreach (HtmlView view in views)
        {
            view.WriteHtml(writer);
            w.Raw("\n");
        }
        w.End().End().Raw("\n");
    }
}
