namespace Backprop.Formatting;

/// <summary>
/// Tells .NET Interactive how to display a type, with no dependency on it: the notebook kernel looks for
/// an attribute with this name and a <c>FormatterSourceType</c> property (the convention TorchSharp uses
/// too), and asks that type's <c>CreateTypeFormatters()</c> for formatters. So a <see cref="Value"/> or a
/// <see cref="Tensor"/> renders in C# and F# cells as soon as the package is referenced, even where the
/// package's extension script cannot run.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The type whose <c>CreateTypeFormatters()</c> supplies the formatters.</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>The MIME types the kernel should prefer for this type.</summary>
    public string[] PreferredMimeTypes { get; set; } = ["text/html", "text/plain"];
}
