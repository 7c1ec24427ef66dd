"""Pitwall for Python: train driving models on the league's own racing core.

    import pitwall
    env = pitwall.RaceEnv(track="pitwall_park", reward_function=reward_function)
    obs, info = env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

See docs/TRAINING.md.
"""

import json
import os

from . import _core
from ._core import CORE_VERSION, CONTROL_HZ, Track, builtin_rewards, builtin_track_ids
from .export import export_onnx
from .env import RaceEnv, VecRaceEnv, load_reward_function, load_track, make_model_metadata
from .spaces import HAVE_GYMNASIUM

__all__ = ["RaceEnv", "VecRaceEnv", "Track", "evaluate", "inspect", "attach_metadata", "export_onnx", "load_reward_function",
           "load_track", "make_model_metadata", "builtin_track_ids", "builtin_rewards", "race_rules", "training_rules",
           "CORE_VERSION", "CONTROL_HZ", "HAVE_GYMNASIUM"]


def race_rules(**changes):
    """The league's default race rules (3 continuous laps, best lap, 2 s off-track resets, 180 s) with changes."""
    return _core.check_rules(dict(_core.default_race_rules(), **changes))


def training_rules(**changes):
    """Training rules, as DeepRacer trains: one lap per episode, leaving the track ends it."""
    return _core.check_rules(dict(_core.training_rules(), **changes))


def _read(model):
    if isinstance(model, (bytes, bytearray)):
        return bytes(model)
    with open(model, "rb") as f:
        return f.read()


def inspect(model, metadata=None):
    """The upload gate's verdict on a model (path or bytes): accepted, problems, inputs, outputs, metadata."""
    meta = json.dumps(metadata) if isinstance(metadata, dict) else metadata
    return _core.inspect_model(_read(model), meta)


def evaluate(model, track="pitwall_park", rules=None, metadata=None, step_budget_ms=100):
    """Runs a model as the league evaluates it (the same gate, native ONNX Runtime, the same core):
    returns its laps, score, fingerprint and end. `rules`: race rules JSON (defaults: the league's).
    `step_budget_ms`: the wall-clock time one inference may take (the league's default is 100 ms; a
    busy machine may want more, since a step over it ends the run as a model error)."""
    meta = json.dumps(metadata) if isinstance(metadata, dict) else metadata
    return _core.evaluate_model(_read(model), load_track(track), rules, meta, int(step_budget_ms))


def attach_metadata(onnx_path, metadata, out_path=None):
    """Stores model_metadata in an ONNX file's metadata_props (needs the `onnx` package)."""
    import onnx
    from onnx import helper

    m = onnx.load(os.fspath(onnx_path))
    text = metadata if isinstance(metadata, str) else json.dumps(metadata)
    helper.set_model_props(m, {"model_metadata": text})
    onnx.save(m, os.fspath(out_path or onnx_path))
    return os.fspath(out_path or onnx_path)
