#!/usr/bin/python3
"""safetensors interop oracle for Backprop.NET: PyTorch on one side, the file format parsed and written here with
struct + json only (no safetensors package), so the test checks the bytes our writer produces and reads real
PyTorch state_dicts.

Usage (one JSON request on stdin, one JSON answer on stdout; floats round-trip through repr):
  run:    {"mode": "run", "path": FILE, "layers": SPEC, "dtype": "float32"|"float64", "x": {"shape", "data"}}
          -> builds torch.nn.Sequential(SPEC), load_state_dict(strict=True) from FILE, answers {"output": T}
  write:  {"mode": "write", "path": FILE, "layers": SPEC, "dtype": ..., "seed": N, "x": T}
          -> builds the Sequential with torch.manual_seed(N), writes its state_dict to FILE, answers {"output": T}
  moons:  {"mode": "moons", "path": FILE}
          -> trains Sequential(Linear(2,16), ReLU, Linear(16,16), ReLU, Linear(16,2)) on two moons (float32, seeded)
             and writes its state_dict (notebooks/data/moons-torch.safetensors; notebook 08 loads it)
SPEC: a list like [["linear", 2, 16], ["relu"], ["tanh"], ["sigmoid"], ["batchnorm1d", 16], ["layernorm", 16],
["dropout", 0.2], ["linear", 16, 2]]. Outputs are computed in evaluation mode; "write" first moves the running statistics
of batch norm layers with three training-mode batches ("warmup" inputs), so that they are not the initial ones.
"""
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": (torch.float32, "<f", 4), "F64": (torch.float64, "<d", 8)}


def build(layers, dtype):
    modules = []
    for layer in layers:
        kind = layer[0]
        if kind == "linear":
            modules.append(torch.nn.Linear(layer[1], layer[2]))
        elif kind == "relu":
            modules.append(torch.nn.ReLU())
        elif kind == "tanh":
            modules.append(torch.nn.Tanh())
        elif kind == "sigmoid":
            modules.append(torch.nn.Sigmoid())
        elif kind == "batchnorm1d":
            modules.append(torch.nn.BatchNorm1d(layer[1]))
        elif kind == "layernorm":
            modules.append(torch.nn.LayerNorm(layer[1]))
        elif kind == "dropout":
            modules.append(torch.nn.Dropout(layer[1]))
        else:
            raise ValueError("unknown layer " + kind)
    return torch.nn.Sequential(*modules).to(dtype)


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype, fmt, size = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        count = (end - begin) // size
        values = struct.unpack("<%d%s" % (count, fmt[1]), data[begin:end])
        tensors[name] = torch.tensor(values, dtype=dtype).reshape(entry["shape"])
    return tensors


def write_safetensors(path, state):
    header, chunks, offset = {}, [], 0
    for name, t in state.items():
        t = t.detach().contiguous()
        code = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}[t.dtype]
        fmt = DTYPES[code][1] if code != "I64" else "<q"
        raw = struct.pack("<%d%s" % (t.numel(), fmt[1]), *t.reshape(-1).tolist())
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt", "writer": "tests/oracle/safetensors_oracle.py"}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def tensor(spec, dtype):
    return torch.tensor(spec["data"], dtype=torch.float64).reshape(spec["shape"]).to(dtype)


def plain(t):
    t = t.detach().to(torch.float64)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def moons(path):
    torch.manual_seed(0)
    n = 200
    angles = torch.rand(n, dtype=torch.float64) * math.pi
    labels = torch.arange(n) % 2
    x = torch.stack([torch.cos(angles), torch.sin(angles)], 1)
    x[labels == 1] = torch.stack([1 - torch.cos(angles), 0.5 - torch.sin(angles)], 1)[labels == 1]
    x = (x + 0.1 * torch.randn(n, 2, dtype=torch.float64)).float()
    model = build([["linear", 2, 16], ["relu"], ["linear", 16, 16], ["relu"], ["linear", 16, 2]], torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(300):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), labels)
        loss.backward()
        opt.step()
    write_safetensors(path, model.state_dict())
    accuracy = (model(x).argmax(1) == labels).double().mean().item()
    return {"loss": loss.item(), "accuracy": accuracy}


def main():
    request = json.load(sys.stdin)
    mode = request["mode"]
    if mode == "moons":
        answer = moons(request["path"])
    else:
        dtype = torch.float64 if request["dtype"] == "float64" else torch.float32
        if mode == "run":
            model = build(request["layers"], dtype)
            model.load_state_dict(read_safetensors(request["path"]), strict=True)
        elif mode == "write":
            torch.manual_seed(request["seed"])
            model = build(request["layers"], dtype)
            with torch.no_grad():
                for i in range(3):
                    model(torch.randn(16, model[0].in_features, dtype=dtype) * 2 + 1)
            write_safetensors(request["path"], model.state_dict())
        else:
            raise ValueError("unknown mode " + mode)
        model.eval()
        with torch.no_grad():
            answer = {"output": plain(model(tensor(request["x"], dtype)))}
    answer["torch"] = torch.__version__
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
