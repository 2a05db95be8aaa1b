using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Backprop.Notebooks.Packages;

/// <summary>An assembly made available to the engines: its compile-time path and the one loaded copy.</summary>
/// <param name="Name">The simple name.</param>
/// <param name="Path">The file both engines compile against (the loaded copy's file).</param>
/// <param name="Assembly">The loaded assembly (shared by the runner, the C# engine and the F# engine).</param>
/// <param name="IsFramework">True for the shared framework (the engines reference it already).</param>
internal sealed record LoadedAssembly(string Name, string Path, Assembly Assembly, bool IsFramework);

/// <summary>
/// Loads package assemblies into the default load context, ONE copy per simple name for the whole process.
/// An assembly the runner itself ships (its trusted platform assemblies: the framework,
/// Microsoft.DotNet.Interactive.Formatting, FSharp.Core, Roslyn) is never loaded from the package: the runner's
/// copy is used, so that formatters registered by a package's script are the ones the runner formats with.
/// </summary>
internal static class AssemblyCatalog
{
    private static readonly Lock s_gate = new();
    private static readonly Dictionary<string, string> s_trusted = TrustedPlatformAssemblies();
    private static readonly Dictionary<string, LoadedAssembly> s_loaded = new(StringComparer.OrdinalIgnoreCase);
    private static readonly string s_frameworkRoot = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", ".."));

    static AssemblyCatalog()
    {
        // A package assembly asked for by name (e.g. Backprop.Interactive → Backprop.Core) resolves to its loaded copy.
        AssemblyLoadContext.Default.Resolving += (_, name) =>
        {
            lock (s_gate) return name.Name is { } n && s_loaded.TryGetValue(n, out var a) ? a.Assembly : null;
        };
    }

    /// <summary>The one loaded copy of the assembly in <paramref name="path"/> (null for files that are not .NET assemblies).</summary>
    public static LoadedAssembly? Load(string path)
    {
        AssemblyName name;
        try { name = AssemblyName.GetAssemblyName(path); }
        catch (BadImageFormatException) { return null; }
        string simple = name.Name!;
        lock (s_gate)
        {
            if (s_loaded.TryGetValue(simple, out var known)) return known;
            LoadedAssembly loaded;
            if (s_trusted.TryGetValue(simple, out string? trustedPath))
            {
                Assembly assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(simple));
                bool framework = System.IO.Path.GetFullPath(trustedPath).StartsWith(s_frameworkRoot, StringComparison.Ordinal);
                loaded = new LoadedAssembly(simple, trustedPath, assembly, framework);
            }
            else
            {
                Assembly? existing = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == simple && !a.IsDynamic && a.Location.Length > 0);
                Assembly assembly = existing ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(System.IO.Path.GetFullPath(path));
                loaded = new LoadedAssembly(simple, assembly.Location, assembly, false);
            }
            s_loaded[simple] = loaded;
            return loaded;
        }
    }

    /// <summary>Every assembly of the shared framework the runner runs on (the C# engine references them all, as F# Interactive does).</summary>
    public static IReadOnlyList<string> FrameworkPaths { get; } =
        s_trusted.Values.Where(p => System.IO.Path.GetFullPath(p).StartsWith(s_frameworkRoot, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The runner's own copy of an assembly it ships (e.g. Microsoft.DotNet.Interactive.Formatting).</summary>
    public static LoadedAssembly Runner(Assembly assembly) =>
        Load(assembly.Location) ?? throw new InvalidOperationException($"{assembly.Location} is not an assembly.");

    private static Dictionary<string, string> TrustedPlatformAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
            foreach (string p in list.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                map.TryAdd(System.IO.Path.GetFileNameWithoutExtension(p), p);
        return map;
    }
}
