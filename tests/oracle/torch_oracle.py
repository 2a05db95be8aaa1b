#!/usr/bin/python3
"""PyTorch oracle for Backprop.NET's parity tests.

Reads one JSON request on stdin and writes one JSON answer on stdout. The C# tests generate the
inputs; this script only evaluates them with real PyTorch (Debian's python3-torch, run with
/usr/bin/python3) and returns values and gradients. Floats are written with repr(), so they round-trip.

Request:  {"dtype": "float64"|"float32", "cases": [case, ...]}
  op case:    {"kind": "op", "op": NAME, "inputs": [{"shape": [...], "data": [...], "grad": bool}],
               "args": {...}, "seed": {"shape": [...], "data": [...]} | null}
  train case: {"kind": "train", "layers": [{"weight": T, "bias": T}, ...], "activation": "relu"|"tanh"|"sigmoid",
               "loss": "mse"|"mse_half"|"bce_logits"|"cross_entropy", "optimizer": {...},
               "x": T, "y": T (float targets) or "labels": [int], "steps": N}
Answer:   {"torch": VERSION, "results": [{"output": T, "grads": [T|null, ...]} | train result, ...]}
  An op case PyTorch rejects (e.g. a seed whose shape differs from torch's output) answers {"error": MESSAGE}
  instead, so one bad case does not hide the others; a train case that fails ends the run.
"""
import json
import sys

import torch
import torch.nn.functional as F


def tensor(spec, dtype, grad=False):
    t = torch.tensor(spec["data"], dtype=torch.float64).reshape(spec["shape"]).to(dtype)
    return t.requires_grad_(grad)


def plain(t):
    t = t.detach().to(torch.float64)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def reduce_op(fn, x, args):
    if args.get("axis") is None:
        return fn(x)
    return fn(x, dim=args["axis"], keepdim=args.get("keepDim", False))


def moment_op(fn, x, args):
    # torch 1.13 takes `correction` only together with `dim`; no axis means every dimension.
    dim = tuple(range(x.dim())) if args.get("axis") is None else args["axis"]
    return fn(x, dim=dim, correction=args.get("correction", 1), keepdim=args.get("keepDim", False))


def max_op(x, args):
    if args.get("axis") is None:
        return x.max()
    return x.max(dim=args["axis"], keepdim=args.get("keepDim", False)).values


OPS = {
    "add": lambda t, a: t[0] + t[1],
    "sub": lambda t, a: t[0] - t[1],
    "mul": lambda t, a: t[0] * t[1],
    "div": lambda t, a: t[0] / t[1],
    "add_scalar": lambda t, a: t[0] + a["scalar"],
    "sub_scalar": lambda t, a: t[0] - a["scalar"],
    "rsub_scalar": lambda t, a: a["scalar"] - t[0],
    "mul_scalar": lambda t, a: t[0] * a["scalar"],
    "div_scalar": lambda t, a: t[0] / a["scalar"],
    "rdiv_scalar": lambda t, a: a["scalar"] / t[0],
    "neg": lambda t, a: -t[0],
    "pow": lambda t, a: t[0] ** a["exponent"],
    "pow_tensor": lambda t, a: t[0] ** t[1],
    "expr": lambda t, a: eval(a["expr"], {"torch": torch, "F": F}, {"t": t}),  # an op-table row's expression
    "sin": lambda t, a: t[0].sin(),
    "cos": lambda t, a: t[0].cos(),
    "exp": lambda t, a: t[0].exp(),
    "log": lambda t, a: t[0].log(),
    "sqrt": lambda t, a: t[0].sqrt(),
    "abs": lambda t, a: t[0].abs(),
    "tanh": lambda t, a: t[0].tanh(),
    "sigmoid": lambda t, a: t[0].sigmoid(),
    "relu": lambda t, a: t[0].relu(),
    "leaky_relu": lambda t, a: F.leaky_relu(t[0], a.get("slope", 0.01)),
    "softmax": lambda t, a: t[0].softmax(dim=a["axis"]),
    "log_softmax": lambda t, a: t[0].log_softmax(dim=a["axis"]),
    "matmul": lambda t, a: t[0] @ t[1],
    "transpose": lambda t, a: t[0].t(),
    "reshape": lambda t, a: t[0].reshape(a["shape"]),
    "sum": lambda t, a: reduce_op(torch.sum, t[0], a),
    "mean": lambda t, a: reduce_op(torch.mean, t[0], a),
    "max": lambda t, a: max_op(t[0], a),
    "slice": lambda t, a: t[0][a["start"]:a["start"] + a["length"]],
    "index_select": lambda t, a: t[0].index_select(0, torch.tensor(a["indices"], dtype=torch.long)),
    "concat": lambda t, a: torch.cat(t, dim=a["axis"]),
    "mse": lambda t, a: F.mse_loss(t[0], t[1]) if not a.get("half") else 0.5 * ((t[0] - t[1]) ** 2).sum(),
    "bce_logits": lambda t, a: F.binary_cross_entropy_with_logits(t[0], t[1]),
    "cross_entropy": lambda t, a: F.cross_entropy(t[0], torch.tensor(a["labels"], dtype=torch.long)),
    "linear": lambda t, a: F.linear(t[0], t[1], t[2] if len(t) > 2 else None),
    "batch_norm_train": lambda t, a: F.batch_norm(t[0], None, None, t[1], t[2], training=True, eps=1e-5),
    "layer_norm": lambda t, a: F.layer_norm(t[0], (t[0].shape[-1],), t[1], t[2], eps=1e-5),
    "cross_entropy_probs": lambda t, a: F.cross_entropy(t[0], t[1], label_smoothing=a.get("smoothing", 0.0),
                                                        reduction=a.get("reduction", "mean")),
    "cross_entropy_labels": lambda t, a: F.cross_entropy(t[0], torch.tensor(a["labels"], dtype=torch.long),
                                                         label_smoothing=a.get("smoothing", 0.0),
                                                         reduction=a.get("reduction", "mean")),
    "nll_loss": lambda t, a: F.nll_loss(t[0].log_softmax(1) if a.get("logSoftmax") else t[0], torch.tensor(a["labels"], dtype=torch.long), reduction=a.get("reduction", "mean")),
    "l1_loss": lambda t, a: F.l1_loss(t[0], t[1], reduction=a.get("reduction", "mean")),
    "huber_loss": lambda t, a: F.huber_loss(t[0], t[1], reduction=a.get("reduction", "mean"), delta=a.get("delta", 1.0)),
    "squeeze": lambda t, a: t[0].squeeze() if a.get("axis") is None else t[0].squeeze(a["axis"]),
    "unsqueeze": lambda t, a: t[0].unsqueeze(a["axis"]),
    "select": lambda t, a: t[0].select(a["axis"], a["index"]),
    "stack": lambda t, a: torch.stack(t, dim=a["axis"]),
    "gather": lambda t, a: t[0].gather(a["axis"], torch.tensor(a["index"], dtype=torch.long).reshape(a["indexShape"])),
    "where": lambda t, a: torch.where(torch.tensor(a["condition"]).reshape(a["conditionShape"]) != 0, t[0], t[1]),
    "clamp": lambda t, a: t[0].clamp(a.get("min"), a.get("max")),
    "min": lambda t, a: t[0].min() if a.get("axis") is None
    else t[0].min(dim=a["axis"], keepdim=a.get("keepDim", False)).values,
    "var": lambda t, a: moment_op(torch.var, t[0], a),
    "std": lambda t, a: moment_op(torch.std, t[0], a),
    "logsumexp": lambda t, a: t[0].logsumexp(dim=a["axis"] if a.get("axis") is not None else tuple(range(t[0].dim())),
                                             keepdim=a.get("keepDim", False)),
}


def run_op(case, dtype):
    inputs = [tensor(i, dtype, i.get("grad", True)) for i in case["inputs"]]
    out = OPS[case["op"]](inputs, case.get("args", {}))
    if out.requires_grad:
        seed = case.get("seed")
        if seed is None:
            if out.numel() != 1:
                raise ValueError("case %r: output has shape %s; send a 'seed' gradient for non-scalar outputs"
                                 % (case["op"], list(out.shape)))
            out.backward()
        else:
            out.backward(tensor(seed, dtype))
    grads = [plain(i.grad) if i.grad is not None else None for i in inputs]
    return {"output": plain(out), "grads": grads}


ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def make_optimizer(params, spec):
    name = spec["name"]
    if name == "sgd":
        return torch.optim.SGD(params, lr=spec["lr"], momentum=spec.get("momentum", 0.0),
                               nesterov=spec.get("nesterov", False), weight_decay=spec.get("weightDecay", 0.0))
    betas = (spec.get("beta1", 0.9), spec.get("beta2", 0.999))
    if name == "adam":
        return torch.optim.Adam(params, lr=spec["lr"], betas=betas, eps=spec.get("eps", 1e-8),
                                weight_decay=spec.get("weightDecay", 0.0))
    if name == "adamw":
        return torch.optim.AdamW(params, lr=spec["lr"], betas=betas, eps=spec.get("eps", 1e-8),
                                 weight_decay=spec.get("weightDecay", 0.01))
    raise ValueError("unknown optimizer " + name)


def run_train(case, dtype):
    params = []
    layers = []
    for layer in case["layers"]:
        w = tensor(layer["weight"], dtype, True)
        b = tensor(layer["bias"], dtype, True)
        layers.append((w, b))
        params += [w, b]
    act = ACTIVATIONS[case["activation"]]
    x = tensor(case["x"], dtype)
    opt = make_optimizer(params, case["optimizer"])
    losses = []
    first_grads = None
    for step in range(case["steps"]):
        h = x
        for i, (w, b) in enumerate(layers):
            h = F.linear(h, w, b)
            if i < len(layers) - 1:
                h = act(h)
        kind = case["loss"]
        if kind == "mse":
            loss = F.mse_loss(h, tensor(case["y"], dtype))
        elif kind == "mse_half":
            loss = 0.5 * ((h - tensor(case["y"], dtype)) ** 2).sum()
        elif kind == "bce_logits":
            loss = F.binary_cross_entropy_with_logits(h, tensor(case["y"], dtype))
        else:
            loss = F.cross_entropy(h, torch.tensor(case["labels"], dtype=torch.long))
        opt.zero_grad()
        loss.backward()
        if first_grads is None:
            first_grads = [plain(p.grad) for p in params]
        opt.step()
        losses.append(float(loss.detach().to(torch.float64)))
    return {"losses": losses, "params": [plain(p) for p in params], "firstGrads": first_grads}


def main():
    request = json.load(sys.stdin)
    dtype = torch.float32 if request.get("dtype") == "float32" else torch.float64
    torch.set_num_threads(1)
    results = []
    for case in request["cases"]:
        if case.get("kind") == "train":
            results.append(run_train(case, dtype))
            continue
        try:
            results.append(run_op(case, dtype))
        except (RuntimeError, ValueError, IndexError, TypeError) as e:
            results.append({"error": "%s: %s" % (type(e).__name__, e)})
    json.dump({"torch": torch.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
