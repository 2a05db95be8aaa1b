namespace Backprop.Interactive.Tests;

/// <summary>
/// Packs Backprop.Core and Backprop.Interactive once, from a copy of the sources (so the build of the
/// running tests is not touched), into a local feed, with a private NuGet package cache so that the
/// scripts below restore exactly this build.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("bp-package-").FullName;
        Feed = Path.Combine(Root, "feed");
        Cache = Path.Combine(Root, "nuget-cache");
        string src = Path.Combine(Root, "src");
        string repo = ProcessRunner.RepositoryRoot;
        CopyDirectory(Path.Combine(repo, "src", "Backprop.Core"), Path.Combine(src, "src", "Backprop.Core"));
        CopyDirectory(Path.Combine(repo, "src", "Backprop.Interactive"), Path.Combine(src, "src", "Backprop.Interactive"));
        File.Copy(Path.Combine(repo, "Directory.Build.props"), Path.Combine(src, "Directory.Build.props"));
        File.Copy(Path.Combine(repo, "README.md"), Path.Combine(src, "README.md"));
        foreach (string project in new[] { "Backprop.Core", "Backprop.Interactive" })
        {
            var (code, output) = ProcessRunner.Run("dotnet", $"pack src/{project} -c Release -o \"{Feed}\"", src, Environment);
            if (code != 0) throw new InvalidOperationException($"dotnet pack {project} failed:\n{output}");
        }
        Package = Path.Combine(Feed, "Backprop.Interactive.0.1.0.nupkg");
        // Every script below runs under Root. run.sh registers a user-level source named "backprop-local"
        // pointing at some clone's artifacts/packages, which may hold an older 0.1.0: redefining that key
        // here (the closest nuget.config wins for a key) makes it point at this build's feed instead.
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="backprop-local" value="{System.Security.SecurityElement.Escape(Feed)}" /></packageSources></configuration>
            """);
    }

    public string Root { get; }
    public string Feed { get; }
    public string Cache { get; }
    public string Package { get; }

    /// <summary>Environment for child processes: a private package cache.</summary>
    public Dictionary<string, string> Environment => new() { ["NUGET_PACKAGES"] = Cache, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };

    private static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, dir);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            Directory.CreateDirectory(Path.Combine(to, relative));
        }
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj")) continue;
            File.Copy(file, Path.Combine(to, relative), true);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
