namespace Backprop.Interactive.Formatting;

/// <summary>
/// Names the formatters of a view type, by the .NET Interactive kernel's convention: when the kernel first
/// formats an object of a type it has no formatter for, it looks (with inheritance) for an attribute named
/// <c>TypeFormatterSourceAttribute</c> with a <c>FormatterSourceType</c> property and asks that type's
/// <c>CreateTypeFormatters()</c> for formatters (objects with a <c>MimeType</c> and a
/// <c>Format(object, TextWriter)</c>), matched by name, not by type identity.
/// </summary>
/// <remarks>
/// This is how every view renders, rather than a registration call made when the package loads: the kernel
/// consults the attribute at the moment it formats an object, when the object's assembly is necessarily loaded.
/// A registration script (<c>extension.dib</c>) runs when the package is restored, which in some hosts is before
/// the package's assemblies are loaded (dotnet-repl), and it runs in one language's kernel only. Matching by
/// name also keeps the package independent of the kernel's exact Formatting version.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The type whose <c>CreateTypeFormatters()</c> supplies the formatters.</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>The MIME types the kernel should offer, most preferred first.</summary>
    public string[] PreferredMimeTypes { get; set; } = ["text/html", "text/plain"];
}

/// <summary>The formatter source of every <see cref="Html.HtmlView"/>, created by the kernel through reflection.</summary>
internal sealed class ViewFormatterSource
{
    /// <summary>Called by the notebook kernel (by name).</summary>
    public IEnumerable<object> CreateTypeFormatters() => ConventionFormatters.Create();
}
