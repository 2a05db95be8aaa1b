namespace Backprop.Core.Tests.Oracle;

/// <summary>
/// Tests that need something outside .NET (PyTorch, Fashion-MNIST) skip with a reason on a machine
/// without it, and fail instead when BACKPROP_REQUIRE_ORACLES=1 (as .ci/run sets it).
/// </summary>
internal static class ExternalRequirement
{
    public static bool Required => Environment.GetEnvironmentVariable("BACKPROP_REQUIRE_ORACLES") == "1";

    /// <summary>Skips (or fails when required) if <paramref name="unavailableReason"/> is not null.</summary>
    public static void RequireOrSkip(string what, string? unavailableReason)
    {
        if (unavailableReason is null) return;
        if (Required)
            throw new InvalidOperationException($"{what} is required (BACKPROP_REQUIRE_ORACLES=1) but unavailable: {unavailableReason}");
        Skip.If(true, $"{what} unavailable: {unavailableReason}");
    }

    /// <summary>The repository root (the folder holding Backprop.sln), found upwards from the test binary.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Backprop.sln"))) return dir.FullName;
            throw new InvalidOperationException($"No Backprop.sln above {AppContext.BaseDirectory}.");
        }
    }
}
