using System.Security.Cryptography;
using System.Text;

namespace Backprop.IO;

/// <summary>
/// Writes files atomically: the content goes to a temporary file in the target's folder, which is flushed to disk
/// and then moved over the target, so the target is always either the old file or the complete new one.
/// </summary>
/// <remarks>
/// <para><b>Temporary names</b> are short — <c>.bp-&lt;8 hex digits naming the target&gt;-&lt;8 random hex digits&gt;.tmp</c>,
/// 25 characters — so any target whose own name the file system accepts can be written. A target name longer
/// than the file system allows (255 UTF-8 bytes; 255 characters on Windows) is refused before anything is written,
/// with a <see cref="PathTooLongException"/> that says so.</para>
/// <para><b>Stale temporary files</b> (left by a process killed while saving) are removed by the next write to the
/// same target: a file in the target's folder whose name is a temporary name of that target — this scheme's, or
/// the older <c>.&lt;name&gt;.&lt;guid&gt;.tmp</c> and <c>.&lt;name&gt;.&lt;process id&gt;.&lt;guid&gt;.tmp</c> — is deleted when it
/// was last written more than <see cref="StaleAge"/> ago and no process has it open for writing (a writer holds
/// its temporary file open exclusively until it is complete). Files of other targets are never touched.</para>
/// </remarks>
public static partial class AtomicFile
{
    /// <summary>How long a temporary file must have been left unwritten before a later write may delete it.</summary>
    public static readonly TimeSpan StaleAge = TimeSpan.FromMinutes(5);

    private const int MaxFileNameLength = 255;
    private const int WriteBuffer = 1 << 16;

    /// <summary>Writes <paramref name="path"/> atomically with the bytes <paramref name="write"/> puts into the stream.</summary>
    /// <param name="path">The target file; its folder must exist.</param>
    /// <param name="write">Writes the content (sequentially; the stream is flushed and closed afterwards).</param>
    /// <exception cref="PathTooLongException">The target's file name is longer than file systems allow.</exception>
    /// <exception cref="IOException">The file could not be written; the temporary file is removed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string name = Path.GetFileName(full);
        CheckNameLength(full, name);
        RemoveStaleTemporaries(folder, name);
        string temp = CreateTemporary(folder, name, out FileStream stream);
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), WriteBuffer, leaveOpen: true);
            writer.Write(text);
        });
    }

    private static void CheckNameLength(string full, string name)
    {
        int length = OperatingSystem.IsWindows() ? name.Length : Encoding.UTF8.GetByteCount(name);
        if (length > MaxFileNameLength)
            throw new PathTooLongException(
                $"AtomicFile: cannot write '{Shorten(full)}': its file name is {length} {(OperatingSystem.IsWindows() ? "characters" : "UTF-8 bytes")} " +
                $"long; expected at most {MaxFileNameLength}, the limit of common file systems.");
    }

    /// <summary>A path for an error message: at most 300 characters, with an ellipsis in the middle.</summary>
    private static string Shorten(string path) => path.Length <= 300 ? path : $"{path[..150]}…{path[^150..]}";

    /// <summary>".bp-" + the target's 8-digit tag: every temporary file of one target starts with it.</summary>
    internal static string TemporaryPrefix(string name) => $".bp-{TargetTag(name)}-";

    /// <summary>FNV-1a of the target's file name, as 8 hex digits.</summary>
    private static string TargetTag(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name) hash = (hash ^ c) * 16777619;
        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string CreateTemporary(string folder, string name, out FileStream stream)
    {
        Span<byte> random = stackalloc byte[4];
        for (int attempt = 0; ; attempt++)
        {
            RandomNumberGenerator.Fill(random);
            string temp = Path.Combine(folder, $"{TemporaryPrefix(name)}{Convert.ToHexString(random).ToLowerInvariant()}.tmp");
            try
            {
                stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBuffer);
                return temp;
            }
            catch (IOException) when (attempt < 10 && File.Exists(temp))
            {
                // Name taken (1 in 4 billion): draw again.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
