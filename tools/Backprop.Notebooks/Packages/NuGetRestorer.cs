using System.Diagnostics;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using Backprop.Notebooks.Execution;

namespace Backprop.Notebooks.Packages;

/// <summary>One package of a restored closure: its folder and the runtime assemblies it brings.</summary>
internal sealed record RestoredPackage(string Name, string Version, string Directory, IReadOnlyList<string> RuntimeAssemblies);

/// <summary>
/// A real NuGet restore, as the kernel does it: a temporary project with one PackageReference per
/// <c>#r "nuget:"</c> and the <c>#i</c> sources as RestoreAdditionalProjectSources, restored by
/// <c>dotnet restore</c> (so the user's NuGet configuration, credentials and NUGET_PACKAGES apply); the
/// closure is read from obj/project.assets.json.
/// </summary>
internal sealed class NuGetRestorer(IReadOnlyDictionary<string, string>? environment = null)
{
    /// <summary>Restores <paramref name="packages"/> (with <paramref name="sources"/> added) and returns every package of the closure.</summary>
    public IReadOnlyList<RestoredPackage> Restore(IReadOnlyList<PackageDirective> packages, IReadOnlyList<string> sources)
    {
        string framework = $"net{Environment.Version.Major}.0";
        string project = ProjectText(packages, sources, framework);
        // One folder per restore: runners in parallel never share a project; it is removed once read.
        string dir = Path.Combine(Path.GetTempPath(), "backprop-notebooks", "restore", $"{Hash(project + Get("NUGET_PACKAGES"))}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        try { return Restore(dir, project, packages, framework); }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private IReadOnlyList<RestoredPackage> Restore(string dir, string project, IReadOnlyList<PackageDirective> packages, string framework)
    {
        string projectPath = Path.Combine(dir, "Restore.csproj");
        File.WriteAllText(projectPath, project);
        var (code, output) = Run(dir, $"restore \"{projectPath}\" --nologo");
        string assets = Path.Combine(dir, "obj", "project.assets.json");
        if (code != 0 || !File.Exists(assets))
        {
            var errors = output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim()).Distinct().ToList();
            throw new CellException("NuGet restore failed for " + string.Join(", ", packages.Select(Display)) + ":\n" +
                                    string.Join('\n', errors.Count > 0 ? errors : [output.Trim()]));
        }
        return ReadAssets(File.ReadAllText(assets), framework);
    }

    /// <summary>"Name, Version" or "Name" as the kernel lists a reference.</summary>
    public static string Display(PackageDirective p) => p.Version is null ? p.Name : $"{p.Name}, {p.Version}";

    private static string ProjectText(IReadOnlyList<PackageDirective> packages, IReadOnlyList<string> sources, string framework)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<Project Sdk=\"Microsoft.NET.Sdk\">").AppendLine("  <PropertyGroup>")
          .AppendLine($"    <TargetFramework>{framework}</TargetFramework>")
          .AppendLine("    <NoWarn>$(NoWarn);NU1603;NU1701;NU1903;NU1902;NU1901;NU1904</NoWarn>")
          .AppendLine("    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>");
        if (sources.Count > 0)
            sb.AppendLine($"    <RestoreAdditionalProjectSources>{SecurityElement.Escape(string.Join(';', sources))}</RestoreAdditionalProjectSources>");
        sb.AppendLine("  </PropertyGroup>").AppendLine("  <ItemGroup>");
        foreach (PackageDirective p in packages)
            sb.AppendLine($"    <PackageReference Include=\"{SecurityElement.Escape(p.Name)}\" Version=\"{SecurityElement.Escape(p.Version ?? "*")}\" />");
        return sb.AppendLine("  </ItemGroup>").AppendLine("</Project>").ToString();
    }

    /// <summary>Every package in the closure with its runtime assemblies (placeholders "_._" skipped).</summary>
    internal static IReadOnlyList<RestoredPackage> ReadAssets(string json, string framework)
    {
        JsonObject assets = JsonNode.Parse(json)!.AsObject();
        JsonObject targets = assets["targets"]!.AsObject();
        JsonObject target = (targets[framework] ?? targets.First().Value)!.AsObject();
        var folders = (assets["packageFolders"] as JsonObject ?? []).Select(f => f.Key).ToList();
        JsonObject libraries = assets["libraries"]!.AsObject();
        var result = new List<RestoredPackage>();
        foreach (var (key, node) in target.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (node?["type"]?.GetValue<string>() != "package") continue;
            string[] nameVersion = key.Split('/');
            string libPath = libraries[key]?["path"]?.GetValue<string>() ?? key.ToLowerInvariant();
            string dir = folders.Select(f => Path.Combine(f, libPath)).FirstOrDefault(Directory.Exists)
                         ?? Path.Combine(folders.FirstOrDefault() ?? "", libPath);
            var runtime = (node["runtime"] as JsonObject ?? [])
                .Select(r => r.Key)
                .Where(r => r.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Select(r => Path.GetFullPath(Path.Combine(dir, r)))
                .ToList();
            result.Add(new RestoredPackage(nameVersion[0], nameVersion[1], dir, runtime));
        }
        return result;
    }

    private (int Code, string Output) Run(string dir, string arguments)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet, arguments)
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using Process process = Process.Start(psi) ?? throw new CellException("could not start dotnet restore");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private string Get(string name) =>
        environment is not null && environment.TryGetValue(name, out string? v) ? v : Environment.GetEnvironmentVariable(name) ?? "";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
