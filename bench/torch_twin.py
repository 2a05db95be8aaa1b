#!/usr/bin/python3
"""PyTorch twin of bench/Backprop.Benchmarks (issue 6).

Usage: torch_twin.py DATA_DIR THREADS [--quick] [--manifest FILE] [--sampling SAMPLES,SECONDS,WARMUP,CALLS]
DATA_DIR holds manifest.json (or FILE) and the raw float32 files written by the C# driver (same data, same
initial weights). The driver sets OPENBLAS_NUM_THREADS/OMP_NUM_THREADS before starting us.
A manifest entry's "kind" (default: its name) picks the builder: gemm1024, mlp*, tiny, chain2x2, and
gemm (any shape and transposes) and elementwise (add, mul, relu, tanh, exp, softmax) for the extra sections.
Prints one line per workload: "torch <workload> <median seconds per step> [first loss]".
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch


def load(d, name, shape):
    return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype="<f4").reshape(shape).copy())


def median_seconds(step, samples, sample_seconds, warmup_seconds, warmup_calls=60):
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < warmup_seconds or calls < warmup_calls:
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


def load_mlp(d, sizes, activation, params):
    """torch.nn.Sequential of Linear layers (and ReLU/Tanh between them) with the driver's initial weights."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Tanh())
    linears = [l for l in layers if isinstance(l, torch.nn.Linear)]
    assert len(params) == 2 * len(linears), params
    with torch.no_grad():
        for i, lin in enumerate(linears):
            w, b = params[2 * i], params[2 * i + 1]
            assert w["name"].endswith("Weight") and b["name"].endswith("Bias"), (w["name"], b["name"])
            lin.weight.copy_(load(d, w["file"], w["shape"]))
            lin.bias.copy_(load(d, b["file"], b["shape"]))
    return torch.nn.Sequential(*layers)


def mlp(d, m):
    sizes = m["sizes"]
    model = load_mlp(d, sizes, m["activation"], m["params"])
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


def gemm_shape(d, m):
    """C = op(A)·op(B) with the driver's transposes; A and B are stored as Gemm.Multiply sees them
    (row-major, [k, m] when A is transposed, [n, k] when B is), so .t() gives torch the same strided views.
    The values are torch's own uniform(-1, 1) numbers: a GEMM's time does not depend on them."""
    mm, n, k, ta, tb = m["m"], m["n"], m["k"], m["transpose_a"], m["transpose_b"]
    g = torch.Generator().manual_seed(1)
    a = torch.rand((k, mm) if ta else (mm, k), generator=g) * 2 - 1
    b = torch.rand((n, k) if tb else (k, n), generator=g) * 2 - 1
    a, b = (a.t() if ta else a), (b.t() if tb else b)
    c = torch.empty(mm, n)
    return (lambda: torch.mm(a, b, out=c)), None


def elementwise(d, m):
    """fp32, no autograd. out= where torch has it (add, mul, tanh, exp); relu and softmax allocate their result."""
    rows, cols, op = m["rows"], m["cols"], m["op"]
    g = torch.Generator().manual_seed(2)
    a = torch.rand(rows, cols, generator=g) * 4 - 2
    b = torch.rand(rows, cols, generator=g) * 4 - 2
    c = torch.empty(rows, cols)
    steps = {
        "add": lambda: torch.add(a, b, out=c),
        "mul": lambda: torch.mul(a, b, out=c),
        "relu": lambda: torch.relu(a),
        "tanh": lambda: torch.tanh(a, out=c),
        "exp": lambda: torch.exp(a, out=c),
        "softmax": lambda: torch.softmax(a, dim=1),
    }
    step = steps[op]

    def run():
        with torch.no_grad():
            step()

    return run, None


def chain2x2(d, m):
    x = torch.ones(2, 2, requires_grad=True)

    def step():
        (((x + 2) ** 2) * 3).mean().backward()

    return step, None


def read_idx(path):
    """An IDX file (raw or .gz): images as float32 pixel / 255 (as FashionMnist.Load), labels as int64."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    if dims == 1:
        return torch.from_numpy(data.astype(np.int64))
    return torch.from_numpy(data.reshape(shape[0], -1).astype(np.float32) / np.float32(255))


def fashion_file(directory, stem):
    for name in (stem, stem.replace("-idx", ".idx")):
        for suffix in ("", ".gz"):
            if os.path.exists(os.path.join(directory, name + suffix)):
                return os.path.join(directory, name + suffix)
    raise FileNotFoundError(f"{stem} in {directory}")


def fashion(d, m):
    """Fashion-MNIST training (issue 14): the driver's weights and batch order, Adam, test accuracy every quarter
    epoch; stops after the epoch that first reaches the target once at least min_epochs have run.
    Prints "torch fashion-epoch-<e> <seconds of training steps> [first loss]" and
    "torch fashion-eval-<step> <seconds since start> <accuracy>"."""
    x_train, y_train, x_test, y_test = (read_idx(fashion_file(m["data"], s)) for s in (
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))
    model = load_mlp(d, [784, 256, 128, 10], "relu", m["params"])
    opt = torch.optim.Adam(model.parameters(), lr=m["lr"])
    n, batch, epochs = x_train.shape[0], m["batch"], m["epochs"]
    order = torch.from_numpy(np.fromfile(os.path.join(d, m["order"]), dtype="<i4").astype(np.int64)).reshape(epochs, n)
    steps_per_epoch = (n + batch - 1) // batch
    per_evaluation = (steps_per_epoch + m["evaluations_per_epoch"] - 1) // m["evaluations_per_epoch"]
    first, reached, step = None, False, 0
    start = time.perf_counter()
    for epoch in range(epochs):
        training = 0.0
        for s in range(steps_per_epoch):
            t0 = time.perf_counter()
            idx = order[epoch, s * batch:(s + 1) * batch]
            loss = torch.nn.functional.cross_entropy(model(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if first is None:
                first = loss.item()
            training += time.perf_counter() - t0
            step += 1
            if (s + 1) % per_evaluation == 0 or s + 1 == steps_per_epoch:
                with torch.no_grad():
                    accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
                print(f"torch fashion-eval-{step} {time.perf_counter() - start:.9g} {accuracy:.9g}", flush=True)
                reached = reached or accuracy >= m["target"]
        print(f"torch fashion-epoch-{epoch + 1} {training:.9g}" + (f" {first:.9g}" if epoch == 0 else ""), flush=True)
        if epoch + 1 >= m["min_epochs"] and reached:
            break


def main():
    d, threads = sys.argv[1], int(sys.argv[2])
    quick = "--quick" in sys.argv
    torch.set_num_threads(threads)
    samples, sample_seconds, warmup, warmup_calls = (7, 0.1, 0.5, 60) if quick else (21, 0.25, 2.0, 60)
    if "--sampling" in sys.argv:
        f = sys.argv[sys.argv.index("--sampling") + 1].split(",")
        samples, sample_seconds, warmup, warmup_calls = int(f[0]), float(f[1]), float(f[2]), int(f[3])
    manifest_file = sys.argv[sys.argv.index("--manifest") + 1] if "--manifest" in sys.argv else "manifest.json"
    with open(os.path.join(d, manifest_file)) as f:
        manifest = json.load(f)
    builders = {"gemm1024": gemm, "mlp64": mlp, "mlp256": mlp, "tiny": mlp, "chain2x2": chain2x2,
                "mlp": mlp, "gemm": gemm_shape, "elementwise": elementwise}
    blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line and ".so" in line})
    print(f"# torch {torch.__version__}, torch threads {torch.get_num_threads()}, BLAS {' '.join(blas) or 'unknown'}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}", flush=True)
    for name, m in manifest.items():
        if m.get("kind") == "fashion":
            fashion(d, m)
            continue
        step, first = builders[m.get("kind", name)](d, m)
        seconds = median_seconds(step, samples, sample_seconds, warmup, warmup_calls)
        check = f" {first[0]:.9g}" if first else ""
        print(f"torch {name} {seconds:.9g}{check}", flush=True)


if __name__ == "__main__":
    main()
