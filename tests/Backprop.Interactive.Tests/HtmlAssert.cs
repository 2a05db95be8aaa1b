using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Backprop.Interactive.Tests;

/// <summary>Parses view output with a real HTML parser and checks it is well-formed.</summary>
internal static class HtmlAssert
{
    public static IDocument Parse(string html)
    {
        var errors = new List<string>();
        var parser = new HtmlParser(new HtmlParserOptions { IsStrictMode = false });
        parser.Error += (_, e) => errors.Add(e is AngleSharp.Html.Dom.Events.HtmlErrorEvent h ? $"{h.Code}: {h.Message} at {h.Position.Line}:{h.Position.Column}" : e.ToString() ?? "");
        // A view is a fragment: parse it inside a minimal page, as a notebook embeds it.
        if (!html.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            html = "<!DOCTYPE html><html><head><title>view</title></head><body>" + html + "</body></html>";
        IDocument doc = parser.ParseDocument(html);
        Assert.True(errors.Count == 0, "HTML parse errors: " + string.Join("; ", errors));
        Assert.Empty(doc.QuerySelectorAll("script"));
        return doc;
    }

    /// <summary>Every svg in the document has a positive width and height.</summary>
    public static void SvgsHaveSize(IDocument doc)
    {
        var svgs = doc.QuerySelectorAll("svg");
        Assert.NotEmpty(svgs);
        foreach (IElement svg in svgs)
        {
            Assert.True(double.Parse(svg.GetAttribute("width")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.True(double.Parse(svg.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        }
    }
}
