using System.Globalization;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.IO;

/// <summary>Where a training run stands: the last completed epoch and the global optimizer step count after it.</summary>
/// <param name="Epoch">Completed epochs (the run resumes at <c>Epoch + 1</c>).</param>
/// <param name="Step">Optimizer steps taken by the trainer so far.</param>
public sealed record TrainingPosition(int Epoch, int Step);

/// <summary>
/// A resumable training checkpoint: the model's parameters, the optimizer's state (moment buffers, step counts,
/// learning rate), the learning-rate schedule's state, the trainer's position and its shuffling generator's state,
/// in one safetensors file (docs/checkpoint-format.md). Resuming from it continues bit for bit like the run that
/// wrote it.
/// </summary>
/// <remarks>
/// The file is a valid safetensors file: tensors "model.0.weight", … (PyTorch names, as <see cref="Safetensors.Save(Module, string, IReadOnlyDictionary{string, string}?)"/>)
/// and "optimizer.state.{i}.{key}" (key as in PyTorch's optimizer state_dict: "momentum_buffer", "exp_avg", "exp_avg_sq",
/// "max_exp_avg_sq"; i is the parameter's index in the optimizer), and every scalar in <c>__metadata__</c>, doubles
/// written so that they parse back to the same bits. Writes are atomic; <see cref="Load"/> checks everything before
/// changing the model, the optimizer, the schedule or the generator.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The value of the "format" metadata entry.</summary>
    public const string Format = "backprop.checkpoint";

    /// <summary>The checkpoint layout version this library writes and reads.</summary>
    public const int Version = 1;

    private const string ModelPrefix = "model.", StatePrefix = "optimizer.state.";

    /// <summary>Writes a checkpoint to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="scheduler">The learning-rate schedule, or null.</param>
    /// <param name="position">The trainer's position (default epoch 0, step 0).</param>
    /// <param name="rng">The generator that shuffles the batches, or null.</param>
    /// <exception cref="ModelFileException">The file could not be written.</exception>
    public static void Save(string path, Module model, Optimizer optimizer, LRScheduler? scheduler = null,
        TrainingPosition? position = null, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        position ??= new TrainingPosition(0, 0);
        var tensors = model.NamedState().Select(p => (ModelPrefix + Safetensors.TorchName(p.Name), p.Tensor)).ToList();
        foreach (var (key, slots) in optimizer.StateBuffers())
            for (int i = 0; i < slots.Length; i++)
                if (slots[i] is Array buffer)
                    tensors.Add(($"{StatePrefix}{i}.{key}", BufferTensor(buffer, [.. optimizer.Parameters[i].Shape])));

        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["version"] = Text(Version),
            ["epoch"] = Text(position.Epoch),
            ["step"] = Text(position.Step),
            ["optimizer.type"] = optimizer.GetType().Name,
            ["optimizer.parameters"] = Text(optimizer.Parameters.Count),
            ["optimizer.lr"] = Text(optimizer.LearningRate),
            ["optimizer.step_count"] = Text(optimizer.StepCount),
        };
        if (optimizer.ParameterSteps is int[] steps) metadata["optimizer.parameter_steps"] = string.Join(",", steps.Select(Text));
        if (scheduler is not null)
        {
            metadata["scheduler.type"] = scheduler.GetType().Name;
            metadata["scheduler.epoch"] = Text(scheduler.Epoch);
            metadata["scheduler.base_lr"] = Text(scheduler.BaseLearningRate);
        }
        if (rng is not null) WriteRng(metadata, "rng", rng);
        foreach (var (modulePath, moduleRng) in ModuleGenerators(model)) WriteRng(metadata, $"rng.module.{modulePath}", moduleRng);
        Safetensors.Save(tensors, path, metadata);
    }

    /// <summary>
    /// Restores a checkpoint into a freshly built model, optimizer (same type, same parameters), schedule and generator,
    /// and returns the position to resume from. Everything is validated before anything is changed.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="model">The model (same architecture and dtype).</param>
    /// <param name="optimizer">An optimizer of the same type on the model's parameters.</param>
    /// <param name="scheduler">A schedule of the same type as the saved one, or null when none was saved.</param>
    /// <param name="rng">The generator to restore, or null to ignore the saved generator state.</param>
    /// <exception cref="ModelFileException">Unreadable, not a checkpoint, another version, or not matching the model,
    /// optimizer or schedule.</exception>
    public static TrainingPosition Load(string path, Module model, Optimizer optimizer, LRScheduler? scheduler = null, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        string full = Path.GetFullPath(path);
        SafetensorsFile file = Safetensors.Read(full);
        ModelFileException Bad(string problem) => new(full, $"Checkpoint.Load: '{full}' {problem}.");
        IReadOnlyDictionary<string, string> meta = file.Metadata;
        string Meta(string key) => meta.TryGetValue(key, out string? v) ? v : throw Bad($"has no \"{key}\" metadata entry");
        int Int(string key) => int.TryParse(Meta(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad($"has an invalid \"{key}\" ({Meta(key)})");
        double Real(string key) => double.TryParse(Meta(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Bad($"has an invalid \"{key}\" ({Meta(key)})");

        if (!meta.TryGetValue("format", out string? format) || format != Format)
            throw Bad($"is not a Backprop.NET checkpoint (its metadata \"format\" is {(format is null ? "absent" : $"\"{format}\"")}; expected \"{Format}\")");
        if (Int("version") != Version) throw Bad($"has checkpoint version {Meta("version")}; this library reads version {Version}");
        var position = new TrainingPosition(Int("epoch"), Int("step"));

        // The optimizer.
        string type = Meta("optimizer.type");
        if (type != optimizer.GetType().Name) throw Bad($"holds the state of a {type} optimizer, not of a {optimizer.GetType().Name}");
        int count = optimizer.Parameters.Count;
        if (Int("optimizer.parameters") != count) throw Bad($"holds the state of {Meta("optimizer.parameters")} parameters; the optimizer has {count}");
        double lr = Real("optimizer.lr");
        int stepCount = Int("optimizer.step_count");
        int[]? parameterSteps = null;
        if (optimizer.ParameterSteps is not null)
        {
            string[] parts = Meta("optimizer.parameter_steps").Split(',');
            if (parts.Length != count || parts.Any(p => !int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
                throw Bad($"has an invalid \"optimizer.parameter_steps\" (expected {count} integers)");
            parameterSteps = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        var byName = file.Tensors.ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        var stateNames = new HashSet<string>(StringComparer.Ordinal);
        var restored = new List<(Array?[] Slots, int Index, Tensor? Saved)>();
        foreach (var (key, slots) in optimizer.StateBuffers())
            for (int i = 0; i < count; i++)
            {
                string name = $"{StatePrefix}{i}.{key}";
                stateNames.Add(name);
                Tensor? saved = byName.GetValueOrDefault(name);
                Tensor p = optimizer.Parameters[i];
                if (saved is not null && (!saved.Shape.SequenceEqual(p.Shape) || saved.DType != p.DType))
                    throw Bad($"has '{name}' of {saved.DType} {Shapes.Format(saved.Shape)}, but parameter {i} is {p.DType} {Shapes.Format(p.Shape)}");
                restored.Add((slots, i, saved));
            }
        string? stray = file.Tensors.Select(t => t.Name).FirstOrDefault(n => !n.StartsWith(ModelPrefix, StringComparison.Ordinal) && !stateNames.Contains(n));
        if (stray is not null) throw Bad($"holds the tensor '{stray}', which is no state of a {type}");

        // The schedule and the generator.
        meta.TryGetValue("scheduler.type", out string? schedulerType);
        if (schedulerType != scheduler?.GetType().Name)
            throw Bad(schedulerType is null
                ? $"has no learning-rate schedule, but a {scheduler!.GetType().Name} was given"
                : $"holds the state of a {schedulerType} schedule, but {(scheduler is null ? "none" : "a " + scheduler.GetType().Name)} was given");
        (int Epoch, double BaseLr)? schedule = scheduler is null ? null : (Int("scheduler.epoch"), Real("scheduler.base_lr"));
        (ulong, ulong, ulong, ulong, double?) ReadRng(string prefix)
        {
            string[] words = Meta(prefix + ".xoshiro256").Split(',');
            var s = new ulong[4];
            if (words.Length != 4 || Enumerable.Range(0, 4).Any(i => !ulong.TryParse(words[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out s[i])))
                throw Bad($"has an invalid \"{prefix}.xoshiro256\" (expected four 64-bit hexadecimal words)");
            string spare = Meta(prefix + ".spare_gaussian");
            return (s[0], s[1], s[2], s[3], spare.Length == 0 ? null : Real(prefix + ".spare_gaussian"));
        }
        // A checkpoint saved without the generator (Checkpoint.Save without rng) leaves the given one as it is.
        (ulong, ulong, ulong, ulong, double?)? rngState = rng is null || !meta.ContainsKey("rng.xoshiro256") ? null : ReadRng("rng");
        var moduleStates = ModuleGenerators(model).Select(m => (m.Rng, State: ReadRng($"rng.module.{m.Path}"))).ToList();

        // The model: validated in full before anything is written; then the rest, which can no longer fail.
        ParameterLoader.LoadInto(model.NamedState().Select(p => (ModelPrefix + Safetensors.TorchName(p.Name), p.Tensor)).ToList(),
            file.Tensors.Where(t => t.Name.StartsWith(ModelPrefix, StringComparison.Ordinal)), full, "Checkpoint.Load");
        optimizer.LearningRate = lr;
        optimizer.StepCount = stepCount;
        parameterSteps?.CopyTo(optimizer.ParameterSteps!, 0);
        foreach (var (slots, i, saved) in restored)
            slots[i] = saved is null ? null : saved.DType == DType.Float32 ? saved.AsReadOnlySpan<float>().ToArray() : saved.AsReadOnlySpan<double>().ToArray();
        if (schedule is var (epoch, baseLr))
        {
            scheduler!.Epoch = epoch;
            scheduler.BaseLearningRate = baseLr;
        }
        if (rngState is { } state) rng!.State = state;
        foreach (var (moduleRng, moduleState) in moduleStates) moduleRng.State = moduleState;
        return position;
    }

    /// <summary>Writes a generator's state as metadata under <paramref name="prefix"/> (bit-exact: hexadecimal words, "R" doubles).</summary>
    private static void WriteRng(Dictionary<string, string> metadata, string prefix, Rng rng)
    {
        var (s0, s1, s2, s3, spare) = rng.State;
        metadata[prefix + ".xoshiro256"] = string.Join(",", new[] { s0, s1, s2, s3 }.Select(s => s.ToString("x16", CultureInfo.InvariantCulture)));
        metadata[prefix + ".spare_gaussian"] = spare is double g ? Text(g) : "";
    }

    /// <summary>The generators that modules draw from while training (dropout masks), by module path, depth-first.</summary>
    private static IEnumerable<(string Path, Rng Rng)> ModuleGenerators(Module model)
    {
        var stack = new Stack<(string Path, Module Module)>();
        stack.Push(("", model));
        while (stack.Count > 0)
        {
            var (path, module) = stack.Pop();
            if (module is Dropout dropout) yield return (path.Length == 0 ? "root" : path, dropout.Generator);
            var children = module.NamedChildren().ToList();
            for (int i = children.Count - 1; i >= 0; i--) stack.Push((path.Length == 0 ? children[i].Name : $"{path}.{children[i].Name}", children[i].Child));
        }
    }

    private static Tensor BufferTensor(Array buffer, int[] shape) => buffer switch
    {
        // The span factories read an empty shape as one dimension: a rank-0 parameter's state stays rank 0.
        float[] f => shape.Length == 0 ? Tensor.Scalar(f[0], DType.Float32) : Tensor.FromArray(f, shape),
        double[] d => shape.Length == 0 ? Tensor.Scalar(d[0], DType.Float64) : Tensor.FromArray(d, shape),
        _ => throw new InvalidOperationException($"Checkpoint: unexpected optimizer buffer of type {buffer.GetType().Name}."),
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double as text that parses back to the same bits ("R").</summary>
    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
