using System.Text;

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

    /// <summary>Writes a complete HTML page holding this view. The write is atomic: the file is either
    /// the old one or the complete new one, never half-written.</summary>
    public void SaveHtml(string path) => SavePage(path, Title, this);

    /// <summary>Writes a complete HTML page holding several views, atomically.</summary>
    public static void SavePage(string path, string title, params HtmlView[] views)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(views);
        var page = new StringWriter();
        WritePage(page, title, views);
        AtomicFile.WriteAllText(path, page.ToString());
    }

    /// <summary>Writes a complete page (doctype, head, body) with the given views.</summary>
    public static void WritePage(TextWriter writer, string title, IEnumerable<HtmlView> views)
    {
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
        writer.Write(HtmlText.Escape(title));
        writer.Write("</title><style>body{font-family:" + ViewStyle.Font + ";margin:24px;color:#111}</style></head><body>\n");
        foreach (HtmlView view in views)
        {
            view.WriteHtml(writer);
            writer.Write('\n');
        }
        writer.Write("</body></html>\n");
    }
}

/// <summary>Writes files atomically: a temporary file in the same folder, then a rename over the target.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
