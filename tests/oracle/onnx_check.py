#!/usr/bin/python3
"""Validates ONNX files written by Backprop.NET with the reference checker (Debian's python3-onnx).

Usage: onnx_check.py FILE...  -> for each file, onnx.checker.check_model(full_check=True) (which also runs shape
inference), then one JSON line on stdout: {"path", "ir_version", "opset", "inputs": [[name, dims]], "outputs": ...,
"ops": [op_type, ...], "initializers": [name, ...]}, dims being ints or the dim_param strings. Exits 1 on the first
invalid file, with the checker's message on stderr.
"""
import json
import sys

import onnx


def dims(value):
    shape = value.type.tensor_type.shape
    return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in shape.dim]


def main():
    for path in sys.argv[1:]:
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
        except Exception as e:  # the checker's exception types differ between versions
            print("%s: %s" % (path, e), file=sys.stderr)
            sys.exit(1)
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        print(json.dumps({
            "path": path,
            "onnx": onnx.__version__,
            "ir_version": model.ir_version,
            "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0],
            "inputs": [[v.name, dims(v)] for v in model.graph.input],
            "outputs": [[v.name, dims(v)] for v in inferred.graph.output],
            "elem_type": model.graph.input[0].type.tensor_type.elem_type,
            "ops": [n.op_type for n in model.graph.node],
            "initializers": [i.name for i in model.graph.initializer],
        }))


if __name__ == "__main__":
    main()
