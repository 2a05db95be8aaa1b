using System.Security;
using System.Text.RegularExpressions;

namespace Backprop.Notebooks.Hosts;

/// <summary>
/// Makes the kernels take Backprop.* from one folder (<c>--feed DIR</c>), whatever the user's NuGet setup says.
/// The kernel restores <c>#r "nuget: …"</c> with the NuGet configuration of the notebook's folder and of the user,
/// not of a folder the caller chooses; so the hosts get a private HOME whose user configuration names the feed,
/// with package source mapping (Backprop.* from the feed only, everything else from the user's own sources, but a
/// <c>backprop-local</c> that run.sh registered for some clone), and a private package cache (unless NUGET_PACKAGES
/// already names one), so that a package of the same version restored earlier is not taken instead.
/// </summary>
internal static partial class PackageFeed
{
    /// <summary>Environment variables for the hosts: HOME (under <paramref name="workFolder"/>) and NUGET_PACKAGES.</summary>
    public static Dictionary<string, string> Isolate(string feed, string workFolder)
    {
        feed = Path.GetFullPath(feed);
        if (!Directory.Exists(feed)) throw new ArgumentException($"--feed: no folder {feed}");
        string home = Directory.CreateDirectory(Path.Combine(workFolder, "home")).FullName;
        string config = Directory.CreateDirectory(Path.Combine(home, ".nuget", "NuGet")).FullName;
        File.WriteAllText(Path.Combine(config, "NuGet.Config"), Config(feed, UserSources()));
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } given ? given : Path.Combine(workFolder, "packages");
        return new Dictionary<string, string> { ["HOME"] = home, ["NUGET_PACKAGES"] = cache };
    }

    /// <summary>The NuGet configuration: the feed for Backprop.*, the other sources for everything else.</summary>
    public static string Config(string feed, IEnumerable<(string Name, string Url)> sources)
    {
        var others = sources.Where(s => s.Name is not ("backprop-feed" or "backprop-local")).ToList();
        string adds = string.Concat(others.Select(s => $"<add key=\"{SecurityElement.Escape(s.Name)}\" value=\"{SecurityElement.Escape(s.Url)}\" />"));
        string mapping = string.Concat(others.Select(s => $"<packageSource key=\"{SecurityElement.Escape(s.Name)}\"><package pattern=\"*\" /></packageSource>"));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="backprop-feed" value="{SecurityElement.Escape(feed)}" />{adds}</packageSources>
              <packageSourceMapping><packageSource key="backprop-feed"><package pattern="Backprop.*" /></packageSource>{mapping}</packageSourceMapping>
            </configuration>
            """;
    }

    /// <summary>The enabled sources of the user's NuGet configuration (<c>dotnet nuget list source</c>).</summary>
    private static List<(string Name, string Url)> UserSources()
    {
        var result = ToolProcess.RunAsync("dotnet", ["nuget", "list", "source", "--format", "Detailed"], Environment.CurrentDirectory,
                                          new Dictionary<string, string>(), TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
        string[] lines = result.Log.Replace("\r", "").Split('\n');
        var sources = new List<(string, string)>();
        for (int i = 0; i + 1 < lines.Length; i++)
            if (SourceLine().Match(lines[i]) is { Success: true } m) sources.Add((m.Groups[1].Value.Trim(), lines[i + 1].Trim()));
        return sources;
    }

    [GeneratedRegex(@"^\s*\d+\.\s+(.+?)\s+\[Enabled\]\s*$")]
    private static partial Regex SourceLine();
}
