namespace Backprop.IO;

/// <summary>Copies tensors read from a file into a model's parameters, after checking everything (shared by
/// <see cref="ModelFile"/>, <see cref="Safetensors"/> and <see cref="Checkpoint"/>).</summary>
internal static class ParameterLoader
{
    /// <summary>
    /// Checks that <paramref name="saved"/> holds exactly the names of <paramref name="targets"/>, each with the same shape
    /// and dtype, and only then copies every tensor into its target; on any mismatch nothing is written.
    /// </summary>
    /// <param name="targets">The destination tensors by the name they have in the file.</param>
    /// <param name="saved">The tensors read from the file.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="who">The caller, for messages ("ModelFile.Load").</param>
    /// <param name="dtypeName">How a dtype is named in messages (the file format's spelling).</param>
    /// <exception cref="ModelFileException">A name is missing or unexpected, or a shape or dtype differs.</exception>
    public static void LoadInto(IReadOnlyList<(string Name, Tensor Target)> targets, IEnumerable<(string Name, Tensor Tensor)> saved,
        string path, string who, Func<DType, string>? dtypeName = null)
    {
        dtypeName ??= d => d.ToString();
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (name, tensor) in saved)
            if (byName.TryAdd(name, tensor)) order.Add(name);
        var expected = targets.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var missing = targets.Where(t => !byName.ContainsKey(t.Name)).Select(t => t.Name).ToList();
        var unexpected = order.Where(n => !expected.Contains(n)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ModelFileException(path,
                $"{who}: '{path}' does not match the model's parameters: " +
                (missing.Count > 0 ? $"missing {string.Join(", ", missing)}" : "") +
                (missing.Count > 0 && unexpected.Count > 0 ? "; " : "") +
                (unexpected.Count > 0 ? $"unexpected {string.Join(", ", unexpected)}" : "") + ".");
        foreach (var (name, target) in targets)
        {
            Tensor s = byName[name];
            if (!s.Shape.SequenceEqual(target.Shape))
                throw new ModelFileException(path,
                    $"{who}: '{path}': parameter '{name}' has shape {Shapes.Format(s.Shape)} in the file but {Shapes.Format(target.Shape)} in the model.");
            if (s.DType != target.DType)
                throw new ModelFileException(path,
                    $"{who}: '{path}': parameter '{name}' is {dtypeName(s.DType)} in the file but {dtypeName(target.DType)} in the model; " +
                    "create the model with the file's dtype, or convert the file.");
        }
        // Everything checked: now overwrite.
        foreach (var (name, target) in targets)
        {
            Tensor s = byName[name];
            if (target.DType == DType.Float32) s.AsReadOnlySpan<float>().CopyTo(target.AsSpan<float>());
            else s.AsReadOnlySpan<double>().CopyTo(target.AsSpan<double>());
        }
    }
}
