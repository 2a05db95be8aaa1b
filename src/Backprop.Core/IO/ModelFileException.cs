namespace Backprop.IO;

/// <summary>A model file could not be read or does not fit the model: the message names the file and the problem.</summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="message">The full message (it names the file).</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelFileException(string path, string message, Exception? inner = null) : base(message, inner) => FilePath = path;

    /// <summary>The file that was being read or written.</summary>
    public string FilePath { get; }
}
