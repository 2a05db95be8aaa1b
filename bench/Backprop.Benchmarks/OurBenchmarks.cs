using BenchmarkDotNet.Attributes;

namespace Backprop.Benchmarks;

/// <summary>The same workloads under BenchmarkDotNet (ours only; the PyTorch side is in the driver). Run with --bdn.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OurBenchmarks
{
    Workload _gemm = null!, _mlp64 = null!, _mlp256 = null!, _tiny = null!, _chain = null!, _scalar = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gemm = new Gemm1024();
        _mlp64 = MlpStep.Mnist(64);
        _mlp256 = MlpStep.Mnist(256);
        _tiny = MlpStep.Tiny();
        _chain = new Chain2x2();
        _scalar = new ScalarDemoStep();
    }

    [Benchmark] public void Gemm1024() => _gemm.Step();
    [Benchmark] public void Mlp64() => _mlp64.Step();
    [Benchmark] public void Mlp256() => _mlp256.Step();
    [Benchmark] public void Tiny() => _tiny.Step();
    [Benchmark] public void Chain2x2() => _chain.Step();
    [Benchmark] public void ScalarDemoStep() => _scalar.Step();
}
