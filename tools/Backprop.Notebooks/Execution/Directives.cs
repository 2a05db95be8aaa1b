using System.Text.RegularExpressions;

namespace Backprop.Notebooks.Execution;

/// <summary>A <c>#r "nuget: Name, Version"</c> reference (Version null: the latest stable version).</summary>
internal sealed record PackageDirective(string Name, string? Version);

/// <summary>The directives of one cell, and its code with those lines blanked (so line numbers still match).</summary>
internal sealed record CellDirectives(string Code, IReadOnlyList<PackageDirective> Packages, IReadOnlyList<string> Sources, IReadOnlyList<string> AssemblyPaths)
{
    /// <summary>True when the cell has any directive.</summary>
    public bool Any => Packages.Count + Sources.Count + AssemblyPaths.Count > 0;
}

/// <summary>
/// Parses the kernel's reference directives: <c>#r "nuget: Name, Version"</c>, <c>#r "nuget: Name"</c>,
/// <c>#i "nuget: &lt;absolute folder or URL&gt;"</c> and <c>#r "&lt;path&gt;.dll"</c>, in C# and F# cells.
/// </summary>
internal static partial class Directives
{
    [GeneratedRegex("""^\s*#(?<kind>[ri])\s+@?"(?<value>[^"]*)"\s*(//.*)?$""")]
    private static partial Regex Directive();

    /// <summary>Extracts the directives of <paramref name="code"/>; relative .dll paths resolve against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="CellException">A relative <c>#i</c> source: "Invalid URI", as the kernel reports it.</exception>
    public static CellDirectives Extract(string code, string baseDirectory)
    {
        var packages = new List<PackageDirective>();
        var sources = new List<string>();
        var assemblies = new List<string>();
        string[] lines = code.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match m = Directive().Match(lines[i]);
            if (!m.Success) continue;
            string value = m.Groups["value"].Value.Trim();
            bool nuget = value.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase);
            string rest = nuget ? value["nuget:".Length..].Trim() : value;
            if (m.Groups["kind"].Value == "i")
            {
                if (!nuget) continue; // F#'s #I include path: left to the engine
                sources.Add(Source(rest));
            }
            else if (nuget) packages.Add(Package(rest));
            else assemblies.Add(Path.GetFullPath(rest, baseDirectory));
            lines[i] = "";
        }
        return new CellDirectives(string.Join('\n', lines), packages, sources, assemblies);
    }

    private static PackageDirective Package(string text)
    {
        string[] parts = text.Split(',', 2, StringSplitOptions.TrimEntries);
        if (parts[0].Length == 0) throw new CellException("#r \"nuget:\" needs a package name: #r \"nuget: Name, Version\".");
        string? version = parts.Length > 1 ? parts[1] : null;
        if (version is not null && version.StartsWith("Version", StringComparison.OrdinalIgnoreCase) && version.Contains('='))
            version = version[(version.IndexOf('=') + 1)..].Trim();
        return new PackageDirective(parts[0], string.IsNullOrEmpty(version) ? null : version);
    }

    /// <summary>A restore source: an absolute folder or a URL. A relative path fails as in the kernel, with the
    /// message of <see cref="Uri"/>'s own parse error ("Invalid URI: …").</summary>
    private static string Source(string text)
    {
        Uri uri;
        try { uri = new Uri(text); }
        catch (UriFormatException e) { throw new CellException(e.Message); }
        return uri.IsFile ? uri.LocalPath : uri.AbsoluteUri;
    }
}

/// <summary>A cell failed: the message is what the run reports (compiler diagnostics or the exception).</summary>
internal sealed class CellException(string message, string errorName = "Error", IReadOnlyList<string>? traceback = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The error name stored in the output (exception type, or "Error").</summary>
    public string ErrorName { get; } = errorName;

    /// <summary>Traceback lines stored in the output.</summary>
    public IReadOnlyList<string> Traceback { get; } = traceback ?? [];
}
