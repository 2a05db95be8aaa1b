namespace Backprop.Data;

/// <summary>
/// Images with class labels as flat arrays: image i is <c>Pixels[i·PixelsPerImage ..]</c>, row-major,
/// scaled to [0, 1]; its class is <c>Labels[i]</c>.
/// </summary>
/// <param name="Pixels">Count·Rows·Columns pixels in [0, 1].</param>
/// <param name="Labels">Class index per image.</param>
/// <param name="Rows">Pixel rows per image.</param>
/// <param name="Columns">Pixel columns per image.</param>
/// <param name="ClassNames">Name of each class.</param>
public sealed record ImageClassificationData(float[] Pixels, int[] Labels, int Rows, int Columns, IReadOnlyList<string> ClassNames)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Pixels per image, <see cref="Rows"/>·<see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Image: expected an index in [0, {Count}).");
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>Pairs IDX images with their labels (checking that the counts agree) and scales the pixels to [0, 1].</summary>
    /// <param name="images">The images.</param>
    /// <param name="labels">One label per image.</param>
    /// <param name="classNames">Name of each class; every label must be below their count.</param>
    public static ImageClassificationData From(IdxImages images, byte[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.Count != labels.Length)
            throw new InvalidDataException($"ImageClassificationData.From: {images.Count} images but {labels.Length} labels; expected one label per image.");
        var classes = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classNames.Count)
                throw new InvalidDataException($"ImageClassificationData.From: label {labels[i]} of image {i} is not below the {classNames.Count} classes.");
            classes[i] = labels[i];
        }
        return new ImageClassificationData(images.ToScaledFloats(), classes, images.Rows, images.Columns, classNames);
    }
}

/// <summary>
/// Fashion-MNIST (Zalando): 28×28 grey images of clothing in 10 classes, 60 000 for training and
/// 10 000 for testing, in IDX files. Found where Debian's <c>dataset-fashion-mnist</c> package installs
/// them (/usr/share/datasets/fashion-mnist), or in the directory named by the environment variable
/// <c>FASHION_MNIST_DIR</c>, which is looked at first.
/// </summary>
public static class FashionMnist
{
    /// <summary>The environment variable naming a directory that holds the four files.</summary>
    public const string DirectoryVariable = "FASHION_MNIST_DIR";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, by label 0…9.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The four file stems: training images and labels, test images and labels.</summary>
    private static readonly string[] s_stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The directories searched, in order: <c>$FASHION_MNIST_DIR</c> (when set), then the Debian directory.</summary>
    public static IReadOnlyList<string> SearchDirectories()
    {
        var dirs = new List<string>();
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } env) dirs.Add(env);
        dirs.Add(DebianDirectory);
        return dirs;
    }

    /// <summary>The first directory of <see cref="SearchDirectories"/> holding all four files (raw or .gz), or null.</summary>
    public static string? Find()
    {
        foreach (string dir in SearchDirectories())
            if (TryFiles(dir, out _)) return dir;
        return null;
    }

    /// <summary>Loads the training and test sets when the files are found; returns false (and empty outputs) when they are not.</summary>
    /// <param name="train">The 60 000 training images.</param>
    /// <param name="test">The 10 000 test images.</param>
    /// <param name="directory">A directory to read instead of searching (<see cref="Find"/>).</param>
    /// <exception cref="InvalidDataException">The files are there but damaged (not hidden as "not found").</exception>
    public static bool TryLoad(out ImageClassificationData train, out ImageClassificationData test, string? directory = null)
    {
        string? dir = directory ?? Find();
        if (dir is null || !TryFiles(dir, out string[] files))
        {
            train = test = new ImageClassificationData([], [], 28, 28, ClassNames);
            return false;
        }
        train = ImageClassificationData.From(Idx.ReadImages(files[0]), Idx.ReadLabels(files[1]), ClassNames);
        test = ImageClassificationData.From(Idx.ReadImages(files[2]), Idx.ReadLabels(files[3]), ClassNames);
        return true;
    }

    /// <summary>Loads the training and test sets, or explains where the files were looked for.</summary>
    /// <param name="directory">A directory to read instead of searching.</param>
    /// <exception cref="FileNotFoundException">The files were not found.</exception>
    public static (ImageClassificationData Train, ImageClassificationData Test) Load(string? directory = null)
    {
        if (TryLoad(out var train, out var test, directory)) return (train, test);
        string where = directory is null ? string.Join(", ", SearchDirectories()) : directory;
        throw new FileNotFoundException(
            $"FashionMnist.Load: expected the files {string.Join(", ", s_stems)} (raw or .gz) in {where}; " +
            $"install Debian's dataset-fashion-mnist package or set {DirectoryVariable}.");
    }

    /// <summary>The four file paths in <paramref name="directory"/> (each raw, .gz, or with MNIST's "-idx" spelled ".idx").</summary>
    private static bool TryFiles(string directory, out string[] files)
    {
        files = new string[s_stems.Length];
        if (!Directory.Exists(directory)) return false;
        for (int i = 0; i < s_stems.Length; i++)
        {
            string? found = null;
            foreach (string stem in (ReadOnlySpan<string>)[s_stems[i], s_stems[i].Replace("-idx", ".idx", StringComparison.Ordinal)])
                foreach (string suffix in (ReadOnlySpan<string>)["", ".gz"])
                    if (found is null && File.Exists(Path.Combine(directory, stem + suffix))) found = Path.Combine(directory, stem + suffix);
            if (found is null) return false;
            files[i] = found;
        }
        return true;
    }
}
