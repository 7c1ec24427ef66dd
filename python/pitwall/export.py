"""Exporting a PyTorch network as a league model: one .onnx file with its model_metadata."""

import json
import os


def export_onnx(module, env, path, opset=13):
    """Exports `module` (forward takes one float32 tensor per model input, in env.inputs order, each
    [batch, size], and returns [batch, outputs]) to `path` with env.model_metadata in its
    metadata_props. Needs Debian's python3-torch and python3-onnx. Returns the path."""
    import onnx
    import torch

    was_training = module.training
    module.eval()
    dummies = tuple(torch.zeros(1, size) for _, size in env.inputs)
    tmp = os.fspath(path) + ".export.tmp"
    try:
        with torch.no_grad():
            torch.onnx.export(module, dummies, tmp, input_names=[name for name, _ in env.inputs], output_names=["action"],
                              opset_version=opset)
        m = onnx.load(tmp)
        onnx.helper.set_model_props(m, {"model_metadata": json.dumps(env.model_metadata)})
        onnx.save(m, os.fspath(path))
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
        module.train(was_training)
    return os.fspath(path)
