using System.Reflection;

namespace Backprop.Notebook;

/// <summary>
/// The formatter source named by <see cref="TypeFormatterSourceAttribute"/>. The HTML views live in the
/// Backprop.Interactive assembly, which Core does not reference: when that assembly is loaded (it is,
/// whenever a notebook references the Backprop.Interactive package) its formatters are used; otherwise
/// the types fall back to their plain-text <c>ToString()</c>.
/// </summary>
internal sealed class NotebookFormatterSource
{
    private const string InteractiveAssembly = "Backprop.Interactive";
    private const string InteractiveFormatters = "Backprop.Interactive.ConventionFormatters";

    /// <summary>Called by the notebook kernel (by name, through reflection).</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        Assembly? views = FindInteractiveAssembly();
        MethodInfo? create = views?.GetType(InteractiveFormatters)?.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
        if (create?.Invoke(null, null) is IEnumerable<object> formatters) return formatters;
        return [new PlainTextFormatter()];
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
            return null; // only Backprop.Core is referenced: plain text it is
        }
    }

    /// <summary>A text/plain formatter following the kernel's convention (MimeType + Format).</summary>
    private sealed class PlainTextFormatter
    {
        public string MimeType => "text/plain";

        public bool Format(object instance, TextWriter writer)
        {
            writer.Write(instance.ToString());
            return true;
        }
    }
}
