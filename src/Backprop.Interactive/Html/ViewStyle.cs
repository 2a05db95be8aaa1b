namespace Backprop.Interactive.Html;

/// <summary>The CSS rules every view shares. Each view's own &lt;style&gt; block starts with these (written by
/// <see cref="HtmlWriter.Style"/>), so a view copied alone into a page (or a notebook output) still looks right.</summary>
internal static class ViewStyle
{
    /// <summary>The font stack of every view and page.</summary>
    public const string Font = "system-ui,-apple-system,'Segoe UI',sans-serif";

    /// <summary>The base rule of the <c>bp-view</c> container.</summary>
    public const string View = ".bp-view{font-family:" + Font + ";font-size:13px;color:#111;margin:6px 0}";

    /// <summary>The caption line above a view.</summary>
    public const string Caption = ".bp-caption{margin:2px 0 6px;color:#333}";

    /// <summary>A note under a view: what was left out, or why there is nothing to show.</summary>
    public const string Note = ".bp-note{color:#64748b;font-size:12px;margin-top:4px}";

    /// <summary>The base rules together: what a view's style block begins with.</summary>
    public const string Base = View + Caption + Note;
}
