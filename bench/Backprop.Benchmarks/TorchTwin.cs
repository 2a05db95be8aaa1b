using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Backprop.Benchmarks;

/// <summary>Exports the workloads' data and weights, runs bench/torch_twin.py once per thread setting and keeps each workload's best median.</summary>
public static class TorchTwin
{
    public sealed record Result(double Seconds, string Threads, double? Check);

    /// <summary>Writes each workload's inputs and a manifest named <paramref name="manifestFile"/> into a temporary folder.</summary>
    public static string Export(IEnumerable<Workload> workloads, string manifestFile = "manifest.json")
    {
        string dir = Path.Combine(Path.GetTempPath(), $"backprop-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var manifest = new Dictionary<string, object>();
        foreach (var w in workloads) manifest[w.Name] = w.Export(dir);
        File.WriteAllText(Path.Combine(dir, manifestFile), JsonSerializer.Serialize(manifest));
        return dir;
    }

    public static Dictionary<string, Result> Run(string script, string dir, bool quick, int[] threadSettings, string python, string? blasDir)
        => Run(script, dir, quick, [.. threadSettings.Select(t => $"{t}:{t}")], python, blasDir);

    /// <summary>Thread settings as "torchThreads:blasThreads" (torch.set_num_threads and OPENBLAS_NUM_THREADS).</summary>
    /// <param name="manifest">The manifest file in <paramref name="dir"/> (default manifest.json).</param>
    /// <param name="sampling">"samples,seconds,warmup,calls" overriding the twin's quick/full sampling.</param>
    public static Dictionary<string, Result> Run(string script, string dir, bool quick, string[] threadSettings, string python, string? blasDir,
        string? manifest = null, string? sampling = null)
    {
        var best = new Dictionary<string, Result>();
        foreach (string setting in threadSettings)
        {
            string[] parts = setting.Split(':');
            string threads = parts[0], blasThreads = parts.Length > 1 ? parts[1] : parts[0];
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(dir);
            psi.ArgumentList.Add(threads);
            if (quick) psi.ArgumentList.Add("--quick");
            if (manifest is not null) { psi.ArgumentList.Add("--manifest"); psi.ArgumentList.Add(manifest); }
            if (sampling is not null) { psi.ArgumentList.Add("--sampling"); psi.ArgumentList.Add(sampling); }
            // OpenBLAS and OpenMP read these at load time: set them per run so 1 means 1 everywhere.
            psi.Environment["OPENBLAS_NUM_THREADS"] = blasThreads;
            psi.Environment["OMP_NUM_THREADS"] = threads;
            psi.Environment["MKL_NUM_THREADS"] = threads;
            threads = $"torch {threads}/blas {blasThreads}";
            if (blasDir is not null)
            {
                string? old = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
                psi.Environment["LD_LIBRARY_PATH"] = string.IsNullOrEmpty(old) ? blasDir : blasDir + ":" + old;
            }
            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
            var errTask = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            string err = errTask.Result;
            if (p.ExitCode != 0) throw new InvalidOperationException($"torch_twin.py ({threads}) failed with exit code {p.ExitCode}:\n{err}");
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                // "torch <workload> <seconds> [check]"
                string[] f = line.Trim().Split(' ');
                if (f[0] == "#") { Console.WriteLine($"  pytorch {threads}: {line.Trim()[2..]}"); continue; }
                if (f.Length < 3 || f[0] != "torch") continue;
                double s = double.Parse(f[2], CultureInfo.InvariantCulture);
                double? check = f.Length > 3 ? double.Parse(f[3], CultureInfo.InvariantCulture) : null;
                Console.WriteLine($"  pytorch {threads} {f[1],-22} {Format(s)}");
                if (!best.TryGetValue(f[1], out var r) || s < r.Seconds) best[f[1]] = new Result(s, threads, check);
            }
        }
        return best;
    }

    public static string Format(double seconds) => seconds >= 1e-3
        ? $"{seconds * 1e3,9:F3} ms"
        : $"{seconds * 1e6,9:F2} µs";
}
