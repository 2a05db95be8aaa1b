#!/usr/bin/python3
"""PyTorch twin of bench/Backprop.Benchmarks (issue 6).

Usage: torch_twin.py DATA_DIR THREADS [--quick]
DATA_DIR holds manifest.json and the raw float32 files written by the C# driver (same data, same
initial weights). The driver sets OPENBLAS_NUM_THREADS/OMP_NUM_THREADS to THREADS before starting us.
Prints one line per workload: "torch <workload> <median seconds per step> [first loss]".
"""
import json
import os
import sys
import time

import numpy as np
import torch


def load(d, name, shape):
    return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype="<f4").reshape(shape).copy())


def median_seconds(step, samples, sample_seconds, warmup_seconds):
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < warmup_seconds or calls < 60:
        step()
        calls += 1
    t0 = time.perf_counter()
    for _ in range(3):
        step()
    once = (time.perf_counter() - t0) / 3
    reps = max(1, int(sample_seconds / max(once, 1e-9)))
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            step()
        times.append((time.perf_counter() - t0) / reps)
    times.sort()
    return times[samples // 2]


def gemm(d, m):
    n = m["n"]
    a, b = load(d, m["a"], (n, n)), load(d, m["b"], (n, n))
    c = torch.empty(n, n)
    return (lambda: torch.mm(a, b, out=c)), None


def mlp(d, m):
    sizes = m["sizes"]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if m["activation"] == "relu" else torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    linears = [l for l in layers if isinstance(l, torch.nn.Linear)]
    params = m["params"]
    assert len(params) == 2 * len(linears), params
    with torch.no_grad():
        for i, lin in enumerate(linears):
            w, b = params[2 * i], params[2 * i + 1]
            assert w["name"].endswith("Weight") and b["name"].endswith("Bias"), (w["name"], b["name"])
            lin.weight.copy_(load(d, w["file"], w["shape"]))
            lin.bias.copy_(load(d, b["file"], b["shape"]))
    batch = m["batch"]
    x = load(d, m["x"], (batch, sizes[0]))
    if m["loss"] == "cross_entropy":
        y = load(d, m["y"], (batch,)).long()
        loss_fn = torch.nn.functional.cross_entropy
    else:
        y = load(d, m["y"], (batch, sizes[-1]))
        loss_fn = torch.nn.functional.mse_loss
    opt = torch.optim.SGD(model.parameters(), lr=m["lr"])
    first = []

    def step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if not first:
            first.append(loss.item())

    return step, first


def chain2x2(d, m):
    x = torch.ones(2, 2, requires_grad=True)

    def step():
        (((x + 2) ** 2) * 3).mean().backward()

    return step, None


def main():
    d, threads = sys.argv[1], int(sys.argv[2])
    quick = "--quick" in sys.argv
    torch.set_num_threads(threads)
    samples, sample_seconds, warmup = (7, 0.1, 0.5) if quick else (21, 0.25, 2.0)
    with open(os.path.join(d, "manifest.json")) as f:
        manifest = json.load(f)
    builders = {"gemm1024": gemm, "mlp64": mlp, "mlp256": mlp, "tiny": mlp, "chain2x2": chain2x2}
    blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line and ".so" in line})
    print(f"# torch {torch.__version__}, torch threads {torch.get_num_threads()}, BLAS {' '.join(blas) or 'unknown'}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}", flush=True)
    for name, m in manifest.items():
        step, first = builders[name](d, m)
        seconds = median_seconds(step, samples, sample_seconds, warmup)
        check = f" {first[0]:.9g}" if first else ""
        print(f"torch {name} {seconds:.9g}{check}", flush=True)


if __name__ == "__main__":
    main()
