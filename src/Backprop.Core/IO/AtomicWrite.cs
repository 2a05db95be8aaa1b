namespace Backprop.IO;

/// <summary>
/// Writes a file atomically: into a temporary file in the target folder, flushed to disk, then moved over the
/// target, so the target is either the old file or the complete new one; the temporary file is deleted on failure.
/// </summary>
/// <remarks>Used by <see cref="ModelFile"/>, <see cref="Safetensors"/>, <see cref="Checkpoint"/> and <see cref="OnnxExport"/>.
/// Backprop.Interactive has its own <c>AtomicFile</c> (Html/HtmlView.cs), which can be unified with this one.</remarks>
internal static class AtomicWrite
{
    /// <summary>Calls <paramref name="write"/> on a temporary file and moves it to <paramref name="path"/>.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the whole content.</param>
    /// <param name="who">The caller's name for error messages, e.g. "Safetensors.Save".</param>
    /// <exception cref="ModelFileException">The file could not be written.</exception>
    public static void Write(string path, Action<Stream> write, string who)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            if (e is ModelFileException) throw;
            throw new ModelFileException(full, $"{who}: could not write '{full}': {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Reads a whole file, turning I/O errors into a <see cref="ModelFileException"/> naming it.</summary>
    public static byte[] ReadAll(string path, string who)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        try
        {
            return File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(full, $"{who}: cannot read '{full}': {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
