namespace Backprop.IO;

// Removal of the temporary files a killed writer left behind (see the remarks of AtomicFile).
public static partial class AtomicFile
{
    private const int RandomDigits = 8;

    /// <summary>Deletes the stale temporary files of target <paramref name="name"/> in <paramref name="folder"/>; never throws.</summary>
    private static void RemoveStaleTemporaries(string folder, string name)
    {
        DateTime cutoff = DateTime.UtcNow - StaleAge;
        try
        {
            foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
            {
                if (!IsTemporaryOf(Path.GetFileName(file), name)) continue;
                try
                {
                    if (File.GetLastWriteTimeUtc(file) > cutoff) continue;
                    // Opening exclusively fails while a writer still has the file open; closing deletes it.
                    using var claim = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // In use, already gone or not ours to delete: leave it.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder cannot be listed: the write itself will report any real problem.
        }
    }

    /// <summary>Whether <paramref name="fileName"/> is a temporary name of target <paramref name="name"/>: this scheme's
    /// <c>.bp-&lt;tag&gt;-&lt;8 hex&gt;.tmp</c>, or the older <c>.&lt;name&gt;.&lt;32 hex&gt;.tmp</c> and <c>.&lt;name&gt;.&lt;digits&gt;.&lt;32 hex&gt;.tmp</c>.</summary>
    internal static bool IsTemporaryOf(string fileName, string name)
    {
        const string Extension = ".tmp";
        if (!fileName.EndsWith(Extension, StringComparison.Ordinal)) return false;
        string prefix = TemporaryPrefix(name);
        if (fileName.StartsWith(prefix, StringComparison.Ordinal))
            return fileName.Length == prefix.Length + RandomDigits + Extension.Length && IsHex(fileName.AsSpan(prefix.Length, RandomDigits));
        string older = "." + name + ".";
        if (!fileName.StartsWith(older, StringComparison.Ordinal) || fileName.Length < older.Length + Extension.Length) return false;
        ReadOnlySpan<char> middle = fileName.AsSpan(older.Length, fileName.Length - older.Length - Extension.Length);
        int dot = middle.IndexOf('.');
        ReadOnlySpan<char> guid = dot < 0 ? middle : middle[(dot + 1)..];
        return guid.Length == 32 && IsHex(guid) && (dot < 0 || (dot > 0 && !middle[..dot].ContainsAnyExceptInRange('0', '9')));
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept("0123456789abcdefABCDEF");
}
