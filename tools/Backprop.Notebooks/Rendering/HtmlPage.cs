using System.Collections;
using System.Net;
using System.Text;
using Markdig;
using Microsoft.DotNet.Interactive.Documents;

namespace Backprop.Notebooks.Rendering;

/// <summary>
/// A standalone HTML page for an executed notebook, read with Microsoft.DotNet.Interactive.Documents: Markdown
/// through Markdig (raw HTML in prose escaped), code with its outputs (HTML as the kernel produced it, text,
/// console streams and errors); and an index page for a run. No script, no network: the pages open offline.
/// </summary>
internal static class HtmlPage
{
    private static readonly MarkdownPipeline Prose = new MarkdownPipelineBuilder().UsePipeTables().UseEmphasisExtras().DisableHtml().Build();

    private const string Style = """
        :root{color-scheme:light}
        body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:980px;margin:24px auto;padding:0 16px;color:#1e293b;line-height:1.5}
        .cell{margin:14px 0}
        .code .source{background:#f8fafc;border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px;overflow-x:auto;font-size:13px;margin:0}
        .code .lang{font:11px ui-monospace,monospace;color:#64748b;margin-bottom:2px}
        .outputs{margin:6px 0 0 0;padding-left:10px;border-left:3px solid #e2e8f0;overflow-x:auto}
        .output{margin:4px 0}
        pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        .stream,.plain{margin:0;font-size:13px;white-space:pre-wrap}
        .stderr{color:#b45309}
        .error{margin:0;font-size:13px;white-space:pre-wrap;color:#b91c1c;background:#fef2f2;border-radius:4px;padding:6px}
        .markdown code{background:#f1f5f9;border-radius:3px;padding:0 3px;font-size:90%}
        .markdown pre code{background:none;padding:0}
        .markdown pre{background:#f8fafc;border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px;overflow-x:auto}
        .markdown table{border-collapse:collapse;margin:8px 0}.markdown th,.markdown td{border:1px solid #e2e8f0;padding:4px 10px}.markdown th{background:#f8fafc}
        table.index{border-collapse:collapse}table.index td,table.index th{padding:4px 12px;border-bottom:1px solid #e2e8f0;text-align:left}
        .ok{color:#15803d}.failed{color:#b91c1c}
        .prompt{font:11px ui-monospace,monospace;color:#94a3b8}
        """;

    /// <summary>The page for one executed notebook.</summary>
    public static string Render(string name, InteractiveDocument notebook, string? failure = null)
    {
        var sb = new StringBuilder();
        Head(sb, name, "<nav class=\"prompt\"><a href=\"index.html\">Notebooks</a> / " + Escape(name) + "</nav>\n");
        if (failure is not null) sb.Append("<p class=\"failed\">").Append(Escape(failure)).Append("</p>\n");
        foreach (InteractiveDocumentElement cell in notebook.Elements)
        {
            if (cell.KernelName is "markdown" or "md")
            {
                sb.Append("<div class=\"cell markdown\">\n").Append(Markdown.ToHtml(cell.Contents, Prose)).Append("</div>\n");
                continue;
            }
            sb.Append("<div class=\"cell code\">\n<div class=\"lang\">").Append(Escape(Label(cell.KernelName)))
              .Append(cell.ExecutionOrder > 0 ? $" <span class=\"prompt\">[{cell.ExecutionOrder}]</span>" : "").Append("</div>\n")
              .Append("<pre class=\"source\"><code>").Append(Escape(cell.Contents)).Append("</code></pre>\n");
            if (cell.Outputs.Count > 0)
            {
                sb.Append("<div class=\"outputs\">\n");
                foreach (InteractiveDocumentOutputElement output in cell.Outputs) Output(sb, output);
                sb.Append("</div>\n");
            }
            sb.Append("</div>\n");
        }
        return sb.Append("</body>\n</html>\n").ToString();
    }

    private static void Output(StringBuilder sb, InteractiveDocumentOutputElement output)
    {
        sb.Append("<div class=\"output\">");
        switch (output)
        {
            case DisplayElement d:
                Data(sb, d.Data);
                break;
            case ReturnValueElement r:
                Data(sb, r.Data);
                break;
            case TextElement t:
                sb.Append("<pre class=\"stream ").Append(Escape(t.Name)).Append("\">").Append(Escape(t.Text)).Append("</pre>");
                break;
            case ErrorElement e:
                sb.Append("<pre class=\"error\">").Append(Escape(e.StackTrace.Length > 0 ? string.Join('\n', e.StackTrace) : $"{e.ErrorName}: {e.ErrorValue}")).Append("</pre>");
                break;
        }
        sb.Append("</div>\n");
    }

    /// <summary>A display: its HTML as the kernel produced it, else its text.</summary>
    private static void Data(StringBuilder sb, IDictionary<string, object> data)
    {
        if (Get(data, "text/html") is { } html) sb.Append(html);
        else sb.Append("<pre class=\"plain\">").Append(Escape(Get(data, "text/plain") ?? string.Concat(data.Values.Select(Join)))).Append("</pre>");
    }

    private static string? Get(IDictionary<string, object> data, string mimeType) => data.TryGetValue(mimeType, out object? value) ? Join(value) : null;

    /// <summary>A data value as text (a string, or lines).</summary>
    private static string Join(object? value) => value switch
    {
        null => "",
        string s => s,
        IEnumerable lines => string.Concat(lines.Cast<object?>().Select(l => l?.ToString())),
        _ => value.ToString() ?? "",
    };

    /// <summary>The index page: one row per notebook with its status, cell count and time.</summary>
    public static string Index(IReadOnlyList<NotebookRun> notebooks)
    {
        var sb = new StringBuilder();
        Head(sb, "Notebooks", "<h1>Notebooks</h1>\n");
        sb.Append("<table class=\"index\">\n<tr><th>Notebook</th><th>Status</th><th>Code cells</th></tr>\n");
        foreach (NotebookRun run in notebooks)
        {
            sb.Append("<tr><td><a href=\"").Append(Escape(Uri.EscapeDataString(Path.GetFileName(run.Html)))).Append("\">").Append(Escape(run.Name)).Append("</a></td>")
              .Append(run.Succeeded ? "<td class=\"ok\">ok</td>" : $"<td class=\"failed\">{Escape(run.Failure!)}</td>")
              .Append("<td>").Append(run.CodeCells).Append("</td></tr>\n");
        }
        return sb.Append("</table>\n</body>\n</html>\n").ToString();
    }

    private static void Head(StringBuilder sb, string title, string banner) =>
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
          .Append(Escape(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n").Append(banner);

    private static string Label(string? kernel) => kernel switch
    {
        "csharp" => "C#",
        "fsharp" => "F#",
        "html" => "HTML",
        null => "",
        _ => kernel,
    };

    private static string Escape(string s) => WebUtility.HtmlEncode(s);
}
