namespace Backprop.IO;

/// <summary>
/// <see cref="AtomicFile"/> for the model formats: the same atomic write (a short temporary name in the target folder,
/// flushed, moved over the target; stale temporaries of the target removed), with I/O errors turned into a
/// <see cref="ModelFileException"/> naming the caller and the file.
/// </summary>
/// <remarks>Used by <see cref="ModelFile"/>, <see cref="Safetensors"/>, <see cref="Checkpoint"/> and <see cref="OnnxExport"/>.</remarks>
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
        try
        {
            AtomicFile.Write(full, write);
        }
        catch (Exception e) when (e is (IOException or UnauthorizedAccessException) and not ModelFileException)
        {
            throw new ModelFileException(full, $"{who}: could not write '{full}': {e.Message}", e);
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
}
