namespace Backprop.Core.Tests;

/// <summary>A fresh temporary folder per test, deleted afterwards.</summary>
public abstract class TempFolder(string prefix) : IDisposable
{
    /// <summary>The folder's full path.</summary>
    protected string Folder { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>A path inside the folder.</summary>
    protected string PathOf(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
