using System.Globalization;

namespace Backprop.Interactive.Html;

/// <summary>
/// Writes HTML and SVG markup straight into a <see cref="TextWriter"/>: elements with attributes, text, and numbers.
/// Attribute values and text are always escaped (&lt; &gt; &amp; " and ' become character references); numbers are
/// always written in the invariant culture (a view renders "0.5", never "0,5", whatever the current culture); only
/// <see cref="Raw"/> writes a fragment as it is, for trusted constant markup such as style rules.
/// </summary>
/// <remarks>
/// <para>An element is opened with <see cref="Start(string)"/>, given attributes with <see cref="Attr(string, string?)"/>
/// and its overloads, filled with text or child elements, and closed with <see cref="End"/>. An element closed
/// with nothing inside is written <c>&lt;rect …/&gt;</c> in SVG and <c>&lt;td …&gt;&lt;/td&gt;</c> in HTML.</para>
/// <para>The writer allocates nothing per element, attribute or coordinate: names are the caller's strings,
/// coordinates and integers are formatted into a stack buffer, and text is escaped run by run as it is written.</para>
/// </remarks>
public sealed class HtmlWriter
{
    private readonly TextWriter _out;
    private readonly List<string> _open = [];
    private bool _startTagOpen;
    private int _svgDepth;

    /// <summary>A writer appending to <paramref name="output"/>.</summary>
    public HtmlWriter(TextWriter output) => _out = output ?? throw new ArgumentNullException(nameof(output));

    /// <summary>The elements opened and not yet closed.</summary>
    public int Depth => _open.Count;

    /// <summary>Opens <c>&lt;tag</c>: attributes may follow until content or <see cref="End"/> is written.</summary>
    public HtmlWriter Start(string tag)
    {
        CloseStartTag();
        _out.Write('<');
        _out.Write(tag);
        _open.Add(tag);
        _startTagOpen = true;
        if (_svgDepth > 0 || tag == "svg") _svgDepth++;
        return this;
    }

    /// <summary>Opens <c>&lt;tag class="…"&gt;</c>.</summary>
    public HtmlWriter Start(string tag, string cssClass) => Start(tag).Attr("class", cssClass);

    /// <summary>Closes the innermost open element.</summary>
    /// <exception cref="InvalidOperationException">No element is open.</exception>
    public HtmlWriter End()
    {
        if (_open.Count == 0) throw new InvalidOperationException("HtmlWriter.End: no element is open; expected one Start per End.");
        string tag = _open[^1];
        _open.RemoveAt(_open.Count - 1);
        bool svg = _svgDepth > 0;
        if (svg) _svgDepth--;
        if (_startTagOpen && svg)
        {
            _out.Write("/>");
            _startTagOpen = false;
            return this;
        }
        CloseStartTag();
        if (!IsVoid(tag))
        {
            _out.Write("</");
            _out.Write(tag);
            _out.Write('>');
        }
        return this;
    }

    /// <summary><c>&lt;tag&gt;text&lt;/tag&gt;</c>, the text escaped.</summary>
    public HtmlWriter Element(string tag, string? text) => Start(tag).Text(text).End();

    /// <summary><c>&lt;tag class="…"&gt;text&lt;/tag&gt;</c>, the text escaped.</summary>
    public HtmlWriter Element(string tag, string cssClass, string? text) => Start(tag, cssClass).Text(text).End();

    /// <summary>An attribute whose value is escaped (nothing is written for null).</summary>
    public HtmlWriter Attr(string name, string? value)
    {
        if (value is null) return this;
        BeginAttr(name);
        Escape(value);
        _out.Write('"');
        return this;
    }

    /// <summary>A coordinate or length attribute, rounded to 0.1 (see <see cref="HtmlText.Px"/>).</summary>
    public HtmlWriter Attr(string name, double value)
    {
        BeginAttr(name);
        Px(value);
        _out.Write('"');
        return this;
    }

    /// <summary>An integer attribute.</summary>
    public HtmlWriter Attr(string name, long value)
    {
        BeginAttr(name);
        Invariant(value, default);
        _out.Write('"');
        return this;
    }

    /// <summary>Starts an attribute whose value is written in parts (<see cref="PathTo"/>, <see cref="AttrText"/>) and
    /// ended with <see cref="EndAttr"/>: an SVG path's <c>d</c> or a <c>viewBox</c>.</summary>
    public HtmlWriter BeginAttr(string name)
    {
        if (!_startTagOpen) throw new InvalidOperationException($"HtmlWriter.Attr: attribute '{name}' written outside a start tag; expected it right after Start.");
        _out.Write(' ');
        _out.Write(name);
        _out.Write("=\"");
        return this;
    }

    /// <summary>Escaped text inside an attribute started with <see cref="BeginAttr"/>.</summary>
    public HtmlWriter AttrText(string text)
    {
        Escape(text);
        return this;
    }

    /// <summary>One point of path data: the command letter (or a space between a command's points), then x,y.</summary>
    public HtmlWriter PathTo(char command, double x, double y)
    {
        _out.Write(command);
        Px(x);
        _out.Write(',');
        Px(y);
        return this;
    }

    /// <summary>A coordinate inside an attribute started with <see cref="BeginAttr"/> (rounded to 0.1).</summary>
    public HtmlWriter Coordinate(double value)
    {
        Px(value);
        return this;
    }

    /// <summary>Ends an attribute started with <see cref="BeginAttr"/>.</summary>
    public HtmlWriter EndAttr()
    {
        _out.Write('"');
        return this;
    }

    /// <summary>Escaped text content.</summary>
    public HtmlWriter Text(string? text)
    {
        CloseStartTag();
        Escape(text ?? "");
        return this;
    }

    /// <summary>Text content as displayed: clipped to <see cref="HtmlText.MaxTextChars"/> characters, then escaped.</summary>
    public HtmlWriter ShortText(string? text) => Text(HtmlText.Short(text));

    /// <summary>One escaped character.</summary>
    public HtmlWriter Text(char c)
    {
        CloseStartTag();
        Escape([c]);
        return this;
    }

    /// <summary>An integer as text ("1234").</summary>
    public HtmlWriter Text(long value)
    {
        CloseStartTag();
        Invariant(value, default);
        return this;
    }

    /// <summary>An integer with thousands separators ("1,234").</summary>
    public HtmlWriter Count(long value)
    {
        CloseStartTag();
        Invariant(value, "N0");
        return this;
    }

    /// <summary>A compact number as text (see <see cref="HtmlText.Number"/>).</summary>
    public HtmlWriter Number(double value, int digits = 4) => Text(HtmlText.Number(value, digits));

    /// <summary>A number in a .NET format ("0.0e+0", "P1"), in the invariant culture.</summary>
    public HtmlWriter Number(double value, string format)
    {
        CloseStartTag();
        Span<char> buffer = stackalloc char[64];
        if (value.TryFormat(buffer, out int written, format, CultureInfo.InvariantCulture)) _out.Write(buffer[..written]);
        else _out.Write(value.ToString(format, CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Writes a trusted fragment as it is (constant markup or style rules, never user text).</summary>
    public HtmlWriter Raw(string trusted)
    {
        CloseStartTag();
        _out.Write(trusted);
        return this;
    }

    /// <summary>A <c>&lt;style&gt;</c> block: the rules every view shares (<see cref="ViewStyle.Base"/>), then <paramref name="css"/>.</summary>
    public HtmlWriter Style(string css) => Start("style").Raw(ViewStyle.Base).Raw(css).End();

    /// <summary>
    /// Opens the frame of a view: <c>&lt;div class="bp-view <paramref name="kind"/>"&gt;</c>, its style block (the shared
    /// rules once, then <paramref name="css"/>) and, when given, the caption line (escaped; the caller clips it).
    /// Close it with <see cref="End"/>.
    /// </summary>
    public HtmlWriter BeginView(string kind, string css, string? caption = null)
    {
        Start("div", "bp-view " + kind).Style(css);
        return caption is null ? this : Element("div", "bp-caption", caption);
    }

    /// <summary>Opens an <c>&lt;svg&gt;</c> element of the given size (its viewBox the same), as every chart and graph draws.</summary>
    public HtmlWriter BeginSvg(double width, double height)
    {
        Start("svg").Attr("xmlns", "http://www.w3.org/2000/svg");
        return SvgSize(width, height);
    }

    /// <summary>The width, height and matching viewBox of the <c>&lt;svg&gt;</c> just opened (after any attributes that come first).</summary>
    public HtmlWriter SvgSize(double width, double height) =>
        Attr("width", width).Attr("height", height).BeginAttr("viewBox").AttrText("0 0 ").Coordinate(width).AttrText(" ").Coordinate(height).EndAttr();

    private void CloseStartTag()
    {
        if (!_startTagOpen) return;
        _out.Write('>');
        _startTagOpen = false;
    }

    private static bool IsVoid(string tag) => tag is "br" or "meta" or "hr" or "img";

    /// <summary>Writes <paramref name="text"/> with &lt; &gt; &amp; " and ' replaced by character references (the page is
    /// UTF-8, so every other character is written as it is); a run with nothing to replace is written in one call.</summary>
    private void Escape(ReadOnlySpan<char> text)
    {
        int i;
        while ((i = text.IndexOfAny(Special)) >= 0)
        {
            _out.Write(text[..i]);
            _out.Write(text[i] switch { '<' => "&lt;", '>' => "&gt;", '&' => "&amp;", '"' => "&quot;", _ => "&#39;" });
            text = text[(i + 1)..];
        }
        _out.Write(text);
    }

    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("<>&\"'");

    private void Px(double value)
    {
        Span<char> buffer = stackalloc char[32];
        double rounded = Math.Round(value, 1);
        if (rounded.TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture)) _out.Write(buffer[..written]);
        else _out.Write(HtmlText.Px(value));
    }

    private void Invariant(long value, ReadOnlySpan<char> format)
    {
        Span<char> buffer = stackalloc char[32];
        value.TryFormat(buffer, out int written, format, CultureInfo.InvariantCulture);
        _out.Write(buffer[..written]);
    }
}
