using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Backprop.Notebooks.Rendering;

/// <summary>
/// A small Markdown renderer for notebook prose: ATX headings, paragraphs, bullet and numbered lists, tables, fenced
/// and indented code, block quotes, horizontal rules, and inline bold, italic, code and links. Math
/// (<c>$…$</c>, <c>$$…$$</c>) is left as text (escaped, never interpreted as emphasis). Everything is HTML-escaped.
/// </summary>
internal static partial class Markdown
{
    /// <summary>The HTML for <paramref name="markdown"/>.</summary>
    public static string ToHtml(string markdown)
    {
        var html = new StringBuilder();
        string[] lines = markdown.Replace("\r\n", "\n").Split('\n');
        int i = 0;
        while (i < lines.Length)
        {
            string line = lines[i];
            string trimmed = line.Trim();
            if (trimmed.Length == 0) { i++; continue; }
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                string fence = trimmed[..3];
                string language = trimmed[3..].Trim();
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].Trim().StartsWith(fence, StringComparison.Ordinal); i++) code.Add(lines[i]);
                i++;
                html.Append("<pre><code").Append(language.Length > 0 ? $" class=\"language-{Escape(language)}\"" : "").Append('>')
                    .Append(Escape(string.Join('\n', code))).Append("</code></pre>\n");
                continue;
            }
            if (trimmed.StartsWith("$$", StringComparison.Ordinal))
            {
                var math = new List<string> { line };
                if (!(trimmed.Length > 2 && trimmed.EndsWith("$$", StringComparison.Ordinal)))
                    for (i++; i < lines.Length; i++) { math.Add(lines[i]); if (lines[i].TrimEnd().EndsWith("$$", StringComparison.Ordinal)) break; }
                i++;
                html.Append("<div class=\"math\">").Append(Escape(string.Join('\n', math).Trim())).Append("</div>\n");
                continue;
            }
            if (HeadingLine().Match(line) is { Success: true } h)
            {
                int level = h.Groups[1].Length;
                html.Append($"<h{level}>").Append(Inline(h.Groups[2].Value.TrimEnd('#', ' '))).Append($"</h{level}>\n");
                i++;
                continue;
            }
            if (RuleLine().IsMatch(trimmed)) { html.Append("<hr>\n"); i++; continue; }
            if (line.StartsWith("    ", StringComparison.Ordinal) || line.StartsWith('\t'))
            {
                var code = new List<string>();
                for (; i < lines.Length && (lines[i].StartsWith("    ", StringComparison.Ordinal) || lines[i].StartsWith('\t') || lines[i].Trim().Length == 0); i++)
                    code.Add(lines[i].StartsWith('\t') ? lines[i][1..] : lines[i].Length >= 4 ? lines[i][4..] : "");
                while (code.Count > 0 && code[^1].Length == 0) code.RemoveAt(code.Count - 1);
                html.Append("<pre><code>").Append(Escape(string.Join('\n', code))).Append("</code></pre>\n");
                continue;
            }
            if (trimmed.StartsWith('>'))
            {
                var quote = new List<string>();
                for (; i < lines.Length && lines[i].Trim().StartsWith('>'); i++) quote.Add(lines[i].Trim()[1..].TrimStart());
                html.Append("<blockquote>").Append(ToHtml(string.Join('\n', quote))).Append("</blockquote>\n");
                continue;
            }
            if (ListItem().Match(line) is { Success: true })
            {
                i = RenderList(lines, i, html);
                continue;
            }
            if (IsTableStart(lines, i))
            {
                i = RenderTable(lines, i, html);
                continue;
            }
            var paragraph = new List<string>();
            for (; i < lines.Length; i++)
            {
                string l = lines[i];
                string t = l.Trim();
                if (t.Length == 0 || HeadingLine().IsMatch(l) || t.StartsWith("```", StringComparison.Ordinal) || t.StartsWith("~~~", StringComparison.Ordinal) ||
                    t.StartsWith('>') || (paragraph.Count > 0 && ListItem().IsMatch(l)) || (t.StartsWith("$$", StringComparison.Ordinal) && paragraph.Count > 0) ||
                    IsTableStart(lines, i))
                    break;
                paragraph.Add(t);
            }
            html.Append("<p>").Append(string.Join("\n", paragraph.Select(p => p.EndsWith("  ", StringComparison.Ordinal) ? Inline(p) + "<br>" : Inline(p)))).Append("</p>\n");
        }
        return html.ToString();
    }

    /// <summary>A GitHub-style table starts here: a row of cells, then a separator row like |---|:--:|.</summary>
    private static bool IsTableStart(string[] lines, int i) =>
        i + 1 < lines.Length && lines[i].Trim().StartsWith('|') && TableSeparator().IsMatch(lines[i + 1].Trim());

    private static string[] TableCells(string row)
    {
        string t = row.Trim();
        if (t.StartsWith('|')) t = t[1..];
        if (t.EndsWith('|') && !t.EndsWith("\\|", StringComparison.Ordinal)) t = t[..^1];
        return t.Split('|').Select(c => c.Trim()).ToArray();
    }

    /// <summary>Renders a table (header, separator with alignments, body rows); returns the next line.</summary>
    private static int RenderTable(string[] lines, int i, StringBuilder html)
    {
        string[] header = TableCells(lines[i]);
        string[] align = TableCells(lines[i + 1]).Select(c =>
            c.StartsWith(':') && c.EndsWith(':') ? "center" : c.EndsWith(':') ? "right" : c.StartsWith(':') ? "left" : "").ToArray();
        string Style(int k) => k < align.Length && align[k].Length > 0 ? $" style=\"text-align:{align[k]}\"" : "";
        html.Append("<table><thead><tr>");
        for (int k = 0; k < header.Length; k++) html.Append($"<th{Style(k)}>").Append(Inline(header[k])).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        for (i += 2; i < lines.Length && lines[i].Trim().StartsWith('|'); i++)
        {
            string[] cells = TableCells(lines[i]);
            html.Append("<tr>");
            for (int k = 0; k < header.Length; k++) html.Append($"<td{Style(k)}>").Append(k < cells.Length ? Inline(cells[k]) : "").Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n");
        return i;
    }

    /// <summary>Renders a list (nested by indentation) starting at line <paramref name="i"/>; returns the next line.</summary>
    private static int RenderList(string[] lines, int i, StringBuilder html)
    {
        Match first = ListItem().Match(lines[i]);
        int indent = first.Groups[1].Length;
        bool ordered = char.IsDigit(first.Groups[2].Value[0]);
        html.Append(ordered ? "<ol>\n" : "<ul>\n");
        while (i < lines.Length)
        {
            Match m = ListItem().Match(lines[i]);
            if (!m.Success || m.Groups[1].Length < indent) break;
            if (m.Groups[1].Length > indent) { i = RenderList(lines, i, html); continue; }
            if (char.IsDigit(m.Groups[2].Value[0]) != ordered) break;
            var text = new List<string> { m.Groups[3].Value.Trim() };
            for (i++; i < lines.Length; i++)
            {
                string l = lines[i];
                if (l.Trim().Length == 0 || ListItem().IsMatch(l) || HeadingLine().IsMatch(l)) break;
                text.Add(l.Trim());
            }
            html.Append("<li>").Append(Inline(string.Join(" ", text)));
            if (i < lines.Length && ListItem().Match(lines[i]) is { Success: true } next && next.Groups[1].Length > indent)
                i = RenderList(lines, i, html);
            html.Append("</li>\n");
            while (i < lines.Length && lines[i].Trim().Length == 0 && i + 1 < lines.Length && ListItem().Match(lines[i + 1]) is { Success: true } cont && cont.Groups[1].Length >= indent) i++;
        }
        html.Append(ordered ? "</ol>\n" : "</ul>\n");
        return i;
    }

    /// <summary>Inline markup: `code`, $math$ (kept as text), [links](url), **bold**, *italic* / _italic_.</summary>
    public static string Inline(string text)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length && "\\`*_[]()#+-.!$<>".Contains(text[i + 1])) { sb.Append(Escape(text[i + 1].ToString())); i += 2; continue; }
            if (c == '`' && text.IndexOf('`', i + 1) is var endCode and > 0)
            {
                sb.Append("<code>").Append(Escape(text[(i + 1)..endCode])).Append("</code>");
                i = endCode + 1;
                continue;
            }
            if (c == '$' && text.IndexOf('$', i + 1) is var endMath and > 0)
            {
                sb.Append("<span class=\"math\">").Append(Escape(text[i..(endMath + 1)])).Append("</span>");
                i = endMath + 1;
                continue;
            }
            if (c == '[' && LinkAt().Match(text, i) is { Success: true } link && link.Index == i)
            {
                string url = link.Groups[2].Value.Trim();
                if (url.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)) url = "#";
                sb.Append("<a href=\"").Append(Escape(url)).Append("\">").Append(Inline(link.Groups[1].Value)).Append("</a>");
                i += link.Length;
                continue;
            }
            if ((c == '*' || c == '_') && i + 1 < text.Length && text[i + 1] == c && text.IndexOf($"{c}{c}", i + 2, StringComparison.Ordinal) is var endBold and > 0)
            {
                sb.Append("<strong>").Append(Inline(text[(i + 2)..endBold])).Append("</strong>");
                i = endBold + 2;
                continue;
            }
            if ((c == '*' || (c == '_' && (i == 0 || !char.IsLetterOrDigit(text[i - 1])))) && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]) &&
                text.IndexOf(c, i + 1) is var endItalic and > 0 && !char.IsWhiteSpace(text[endItalic - 1]))
            {
                sb.Append("<em>").Append(Inline(text[(i + 1)..endItalic])).Append("</em>");
                i = endItalic + 1;
                continue;
            }
            sb.Append(Escape(c.ToString()));
            i++;
        }
        return sb.ToString();
    }

    private static string Escape(string s) => WebUtility.HtmlEncode(s);

    [GeneratedRegex(@"^\s{0,3}(#{1,6})\s+(.*)$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(\*\s*\*\s*\*[\s*]*|-\s*-\s*-[\s-]*|_\s*_\s*_[\s_]*)$")]
    private static partial Regex RuleLine();

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")]
    private static partial Regex TableSeparator();

    [GeneratedRegex(@"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\[([^\]]*)\]\(([^)\s]*)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkAt();
}
