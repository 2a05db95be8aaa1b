using System.Net;
using System.Reflection;

namespace Backprop.Formatting;

/// <summary>
/// The formatter source named by <see cref="TypeFormatterSourceAttribute"/>. The HTML views live in the
/// Backprop.Interactive assembly, which Core does not reference. The formatters returned here look for it each
/// time they format until they find it (the kernel asks a type for its formatters only once, and the package
/// may be referenced after a first object was shown): when it is there its views are used, otherwise the
/// object's <c>ToString()</c>.
/// </summary>
internal sealed class NotebookFormatterSource
{
    /// <summary>Called by the notebook kernel (by name, through reflection).</summary>
    public IEnumerable<object> CreateTypeFormatters() => [new DeferredFormatter("text/html"), new DeferredFormatter("text/plain")];

    /// <summary>A formatter following the kernel's convention (MimeType + Format) that defers to Backprop.Interactive.</summary>
    private sealed class DeferredFormatter(string mimeType)
    {
        private const string InteractiveAssembly = "Backprop.Interactive";
        private const string InteractiveFormatters = "Backprop.Interactive.Formatting.ConventionFormatters";
        private Func<object, TextWriter, bool>? _views;

        public string MimeType { get; } = mimeType;

        public bool Format(object instance, TextWriter writer)
        {
            _views ??= FindViews();
            if (_views?.Invoke(instance, writer) == true) return true;
            string text = instance.ToString() ?? "";
            writer.Write(MimeType == "text/html" ? "<pre>" + WebUtility.HtmlEncode(text) + "</pre>" : text);
            return true;
        }

        /// <summary>Backprop.Interactive's formatter for this MIME type, or null when the assembly cannot be loaded.</summary>
        private Func<object, TextWriter, bool>? FindViews()
        {
            Assembly? views = FindInteractiveAssembly();
            MethodInfo? create = views?.GetType(InteractiveFormatters)?.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
            if (create?.Invoke(null, null) is not IEnumerable<object> formatters) return null;
            foreach (object formatter in formatters)
            {
                Type type = formatter.GetType();
                if (type.GetProperty("MimeType")?.GetValue(formatter) as string != MimeType) continue;
                if (type.GetMethod("Format", [typeof(object), typeof(TextWriter)]) is { } format)
                    return (value, writer) => format.Invoke(formatter, [value, writer]) is true;
            }
            return null;
        }

        private static Assembly? FindInteractiveAssembly()
        {
            foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
                if (assembly.GetName().Name == InteractiveAssembly) return assembly;
            try
            {
                return Assembly.Load(new AssemblyName(InteractiveAssembly));
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                return null; // only Backprop.Core is referenced (so far): plain text
            }
        }
    }
}
