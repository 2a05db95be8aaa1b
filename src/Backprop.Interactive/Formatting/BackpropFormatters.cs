using Microsoft.DotNet.Interactive.Formatting;

namespace Backprop.Interactive.Formatting;

/// <summary>
/// Explicit registration of the formatters, for hosts that use the Formatting library but not its
/// TypeFormatterSource convention. Notebooks need no call: every displayable type carries the convention's
/// attribute (see <see cref="TypeFormatterSourceAttribute"/>), which the kernel consults when it formats.
/// </summary>
public static class BackpropFormatters
{
    private static int s_registered;

    /// <summary>Registers the formatters with <see cref="Formatter"/> (once; later calls do nothing).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        foreach (Type type in Views.DisplayableTypes)
        {
            Formatter.Register(type, (instance, writer) => WriteHtml(instance, writer), HtmlFormatter.MimeType);
            Formatter.Register(type, (instance, writer) => WriteText(instance, writer), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        }
    }

    internal static void WriteHtml(object instance, TextWriter writer)
    {
        if (Views.For(instance) is { } view) view.WriteHtml(writer);
        else writer.Write(Html.HtmlText.Escape(instance.ToString()));
    }

    internal static void WriteText(object instance, TextWriter writer) =>
        writer.Write(Views.For(instance) is { } view && instance is Html.HtmlView ? view.ToText() : instance.ToString());
}

/// <summary>
/// The formatters handed to the notebook kernel through the TypeFormatterSource convention, by the views'
/// <see cref="ViewFormatterSource"/> and by Backprop.Core's formatter source (which finds this class by name).
/// </summary>
public static class ConventionFormatters
{
    /// <summary>An HTML and a plain-text formatter, in the kernel's convention (MimeType, Format).</summary>
    public static IEnumerable<object> Create() => [new ConventionFormatter("text/html"), new ConventionFormatter("text/plain")];

    /// <summary>One convention formatter.</summary>
    public sealed class ConventionFormatter(string mimeType)
    {
        /// <summary>The MIME type produced.</summary>
        public string MimeType { get; } = mimeType;

        /// <summary>Writes <paramref name="instance"/>; false when it is not ours.</summary>
        public bool Format(object instance, TextWriter writer)
        {
            if (Views.For(instance) is null) return false;
            if (MimeType == "text/html") BackpropFormatters.WriteHtml(instance, writer);
            else BackpropFormatters.WriteText(instance, writer);
            return true;
        }
    }
}
