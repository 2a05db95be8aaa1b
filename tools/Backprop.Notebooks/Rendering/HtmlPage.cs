using System.Net;
using System.Text;
using Backprop.Notebooks.Documents;
using Backprop.Notebooks.Execution;

namespace Backprop.Notebooks.Rendering;

/// <summary>
/// A standalone HTML page for an executed notebook (markdown rendered, code shown with its outputs: HTML as
/// is, text, console streams and errors), and an index page that links every notebook of a run.
/// </summary>
internal static class HtmlPage
{
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
        .math{font-family:'Cambria Math','STIX Two Math',serif}
        div.math{margin:8px 0;text-align:center}
        .markdown code{background:#f1f5f9;border-radius:3px;padding:0 3px;font-size:90%}
        .markdown pre code{background:none;padding:0}
        .markdown pre{background:#f8fafc;border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px;overflow-x:auto}
        .markdown table{border-collapse:collapse;margin:8px 0}.markdown th,.markdown td{border:1px solid #e2e8f0;padding:4px 10px}.markdown th{background:#f8fafc}
        table.index{border-collapse:collapse}table.index td,table.index th{padding:4px 12px;border-bottom:1px solid #e2e8f0;text-align:left}
        .ok{color:#15803d}.failed{color:#b91c1c}
        .prompt{font:11px ui-monospace,monospace;color:#94a3b8}
        """;

    /// <summary>The page for one executed notebook.</summary>
    public static string Render(Notebook notebook, NotebookResult? result = null)
    {
        var sb = new StringBuilder();
        Head(sb, notebook.Name, "<nav class=\"prompt\"><a href=\"index.html\">Notebooks</a> / " + Escape(notebook.Name) + "</nav>\n");
        if (result is { Succeeded: false }) sb.Append("<p class=\"failed\">").Append(Escape(result.FailureMessage!)).Append("</p>\n");
        foreach (Cell cell in notebook.Cells)
        {
            if (!cell.IsCode)
            {
                sb.Append("<div class=\"cell markdown\">\n").Append(cell.Kernel == KernelNames.Markdown ? Markdown.ToHtml(cell.Source) : $"<pre>{Escape(cell.Source)}</pre>").Append("</div>\n");
                continue;
            }
            sb.Append("<div class=\"cell code\">\n<div class=\"lang\">").Append(Escape(Label(cell.Kernel)))
              .Append(cell.ExecutionCount is int n ? $" <span class=\"prompt\">[{n}]</span>" : "").Append("</div>\n")
              .Append("<pre class=\"source\"><code>").Append(Escape(cell.Source)).Append("</code></pre>\n");
            if (cell.Outputs.Count > 0)
            {
                sb.Append("<div class=\"outputs\">\n");
                foreach (CellOutput output in cell.Outputs) Output(sb, output);
                sb.Append("</div>\n");
            }
            sb.Append("</div>\n");
        }
        return sb.Append("</body>\n</html>\n").ToString();
    }

    private static void Output(StringBuilder sb, CellOutput output)
    {
        sb.Append("<div class=\"output\">");
        switch (output)
        {
            case DataOutput d when d.Get("text/html") is { } html:
                sb.Append(html);
                break;
            case DataOutput d:
                sb.Append("<pre class=\"plain\">").Append(Escape(d.Get("text/plain") ?? string.Concat(d.Data.Select(p => p.Value)))).Append("</pre>");
                break;
            case StreamOutput s:
                sb.Append("<pre class=\"stream ").Append(Escape(s.Name)).Append("\">").Append(Escape(s.Text)).Append("</pre>");
                break;
            case ErrorOutput e:
                sb.Append("<pre class=\"error\">").Append(Escape(string.Join('\n', e.Traceback.Count > 0 ? e.Traceback : [e.Message]))).Append("</pre>");
                break;
        }
        sb.Append("</div>\n");
    }

    /// <summary>The index page: one row per notebook with its status, cell count and time.</summary>
    public static string Index(IReadOnlyList<RunSummary> notebooks)
    {
        var sb = new StringBuilder();
        Head(sb, "Notebooks", "<h1>Notebooks</h1>\n");
        sb.Append("<table class=\"index\">\n<tr><th>Notebook</th><th>Status</th><th>Code cells</th></tr>\n");
        foreach (RunSummary s in notebooks)
        {
            sb.Append("<tr><td><a href=\"").Append(Escape(Uri.EscapeDataString(Path.GetFileName(s.Html)))).Append("\">").Append(Escape(s.Name)).Append("</a></td>")
              .Append(s.Succeeded ? "<td class=\"ok\">ok</td>" : $"<td class=\"failed\">{Escape(s.FailedCell is > 0 ? $"cell {s.FailedCell} failed" : "failed")}</td>")
              .Append("<td>").Append(s.CodeCells).Append("</td></tr>\n");
        }
        return sb.Append("</table>\n</body>\n</html>\n").ToString();
    }

    private static void Head(StringBuilder sb, string title, string banner) =>
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
          .Append(Escape(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n").Append(banner);

    private static string Label(string kernel) => kernel switch
    {
        KernelNames.CSharp => "C#",
        KernelNames.FSharp => "F#",
        KernelNames.Html => "HTML",
        _ => kernel,
    };

    private static string Escape(string s) => WebUtility.HtmlEncode(s);
}
