"""RaceEnv (one car, Gymnasium's Env API) and VecRaceEnv (many cars stepped in
C++), both on the racing core the league server evaluates with."""

import json
import math
import os

import numpy as np

from . import _core
from .spaces import Box, Dict, Discrete, EnvBase

# The STATE sensor's bounds: speed 0..4 m/s, steering +-30 deg, heading error +-180 deg, offset from the
# centre line (metres; a car leaving the track ends a training episode), curvature (1/m, over >= 0.25 m).
STATE_LOW = [0.0, -30.0, -180.0, -100.0, -50.0, -50.0, -50.0, -50.0]
STATE_HIGH = [4.0, 30.0, 180.0, 100.0, 50.0, 50.0, 50.0, 50.0]

DEFAULT_ACTION_SPACE = {"steering_angle": {"low": -30.0, "high": 30.0}, "speed": {"low": 0.5, "high": 4.0}}


def load_track(track):
    """A built-in track id, a path to a DeepRacer .npy / .csv or Pitwall .json track, or a Track."""
    if isinstance(track, _core.Track):
        return track
    if isinstance(track, (str, os.PathLike)):
        text = os.fspath(track)
        if text in _core.builtin_track_ids():
            return _core.Track.builtin(text)
        if os.path.exists(text):
            return _core.Track.load(text)
        raise ValueError(f"no built-in track '{text}' and no such file (built-in: {', '.join(_core.builtin_track_ids())})")
    raise TypeError(f"track must be a built-in id, a file path or a pitwall.Track, not {type(track).__name__}")


def load_reward_function(path):
    """Loads `reward_function` from a DeepRacer reward_function.py, unchanged."""
    namespace = {"__name__": "reward_function", "__file__": os.fspath(path)}
    with open(path, encoding="utf-8") as f:
        code = compile(f.read(), os.fspath(path), "exec")
    exec(code, namespace)  # the racer's own file, run as DeepRacer runs it
    fn = namespace.get("reward_function")
    if not callable(fn):
        raise ValueError(f"{path} defines no reward_function(params)")
    return fn


def make_model_metadata(sensors=("TRACK_RAYS", "STATE"), action_space=None, track_rays=None, neural_network="MLP"):
    """DeepRacer's model_metadata (plus Pitwall's sensor settings) as a dict, checked by the core."""
    action_space = DEFAULT_ACTION_SPACE if action_space is None else action_space
    if isinstance(action_space, dict):
        kind = "continuous"
    elif isinstance(action_space, (list, tuple)):
        kind = "discrete"
        action_space = [dict(a) for a in action_space]
    else:
        raise TypeError("action_space is a DeepRacer action space: a list of {steering_angle, speed} or "
                        "{steering_angle: {low, high}, speed: {low, high}}")
    metadata = {"action_space_type": kind, "action_space": action_space, "sensor": list(sensors),
                "training_algorithm": "clipped_ppo", "neural_network": neural_network, "version": "5"}
    if track_rays is not None:
        metadata["track_rays"] = dict(track_rays)
    normalised, _, _ = _core.check_metadata(json.dumps(metadata))
    return json.loads(normalised)


def _reward_setup(reward_function):
    """(built-in reward name or '', Python callable or None)."""
    if reward_function is None:
        return "follow_centre_line", None
    if isinstance(reward_function, str):
        if reward_function in _core.builtin_rewards():
            return reward_function, None
        if reward_function.endswith(".py") and os.path.exists(reward_function):
            return "", load_reward_function(reward_function)
        raise ValueError(f"no built-in reward '{reward_function}' (there are: {', '.join(_core.builtin_rewards())}); "
                         "pass a function or a path to reward_function.py")
    if callable(reward_function):
        return "", reward_function
    raise TypeError("reward_function must be a function of params, a built-in reward's name or a .py file")


class _Common:
    """What both environments share: the contract, the spaces, the batch."""

    def _setup(self, track, reward_function, sensors, action_space, track_rays, rules, random_start, direction,
               max_steps, num_envs, threads, seed, record_trace):
        self.track = load_track(track)
        self.model_metadata = make_model_metadata(sensors, action_space, track_rays)
        _, inputs, self.output_size = _core.check_metadata(json.dumps(self.model_metadata))
        self.inputs = [(name, size) for name, size in inputs]
        if rules is None:
            rules = _core.training_rules()
        else:
            rules = dict(_core.default_race_rules(), **rules) if isinstance(rules, dict) else rules
        if max_steps is not None:
            rules = dict(rules, max_steps_per_episode=int(max_steps))
        self.rules = _core.check_rules(rules)
        builtin, self.reward_fn = _reward_setup(reward_function)
        self.reward_name = builtin or getattr(self.reward_fn, "__name__", "reward_function")
        self.discrete = self.model_metadata["action_space_type"] == "discrete"
        threads = threads or min(num_envs, os.cpu_count() or 1)
        seed = int(np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64)[0]) if seed is not None else \
            int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0])
        self._batch = _core.Batch(self.track, self.rules, json.dumps(self.model_metadata), num_envs, threads, seed,
                                  bool(random_start), direction, builtin, bool(record_trace))
        rays = self.model_metadata.get("track_rays", {}).get("range_m", 3.0)
        boxes = {}
        for name, size in self.inputs:
            if name == "track_rays":
                boxes[name] = Box(0.0, rays, shape=(size,), dtype=np.float32)
            elif name == "lidar":  # docs/SENSORS.md: boxes and bots, clipped to 0.15..1 m
                boxes[name] = Box(0.15, 1.0, shape=(size,), dtype=np.float32)
            elif name == "sector_lidar":  # 1 where something is nearer than 0.5 m
                boxes[name] = Box(0.0, 1.0, shape=(size,), dtype=np.float32)
            else:  # docs/SENSORS.md: speed, steering, heading error, offset from the centre, curvature ahead
                boxes[name] = Box(np.array(STATE_LOW[:size], dtype=np.float32), np.array(STATE_HIGH[:size], dtype=np.float32), dtype=np.float32)
        self.single_observation_space = Dict(boxes)
        self.single_action_space = Discrete(len(self.model_metadata["action_space"])) if self.discrete else \
            Box(-1.0, 1.0, shape=(2,), dtype=np.float32)

    def _split(self, flat):
        out, at = {}, 0
        for name, size in self.inputs:
            out[name] = flat[..., at:at + size]
            at += size
        return out

    def model_output(self, steering_deg, speed_mps):
        """The model output (what `step` takes) closest to a physical action: for discrete spaces the
        nearest action's index, for continuous ones the two values in [-1, 1]."""
        space = self.model_metadata["action_space"]
        if self.discrete:
            d = [((a["steering_angle"] - steering_deg) / 60.0) ** 2 + ((a["speed"] - speed_mps) / 3.9) ** 2 for a in space]
            return int(np.argmin(d))
        s, v = space["steering_angle"], space["speed"]
        u = 2.0 * (steering_deg - s["low"]) / (s["high"] - s["low"]) - 1.0
        w = 2.0 * (speed_mps - v["low"]) / (v["high"] - v["low"]) - 1.0 if v["high"] > v["low"] else 0.0
        return np.clip(np.array([u, w], dtype=np.float32), -1.0, 1.0)


class RaceEnv(_Common, EnvBase):
    """One car on a track, with Gymnasium's Env API.

    reset(seed=None, options=None) -> (observation, info)
    step(action) -> (observation, reward, terminated, truncated, info)

    observation: a dict of float32 arrays keyed by the model's input names ("track_rays", "state"),
    exactly what the league feeds an ONNX model. action: a discrete action's index, or two values in
    [-1, 1] (steering, speed) as a continuous model outputs them. info["params"] is DeepRacer's
    reward-function params of the step; info["result"] the laps, score and fingerprint when it ends.

    Training rules by default (one lap, leaving the track ends the episode, 180 s); pass `rules`
    (the league's race rules JSON) to run a race exactly as the server does.
    """

    metadata = {"render_modes": []}

    def __init__(self, track="pitwall_park", reward_function=None, sensors=("TRACK_RAYS", "STATE"), action_space=None,
                 track_rays=None, rules=None, random_start=False, direction="forward", max_steps=None, seed=None,
                 record_trace=False):
        self._setup(track, reward_function, sensors, action_space, track_rays, rules, random_start, direction,
                    max_steps, 1, 1, seed, record_trace)
        self.observation_space = self.single_observation_space
        self.action_space = self.single_action_space
        self._done = True

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        options = options or {}
        start = options.get("start_waypoint", -1)
        direction = options.get("direction", "")
        flat = self._batch.reset_car(0, seed, int(start), direction)
        self._done = False
        return self._split(flat), self._info(reset=True)

    def step(self, action):
        if self._done:
            raise RuntimeError("the episode has ended: call reset() first")
        if self.discrete:
            actions = np.array([int(action)], dtype=np.int64)
        else:
            actions = np.asarray(action, dtype=np.float32).reshape(1, 2)
        obs, rewards, terminated, truncated, _, _, _ = self._batch.step(actions, False)
        info = self._info()
        reward = float(self.reward_fn(info["params"])) if self.reward_fn is not None else float(rewards[0])
        self._done = bool(terminated[0] or truncated[0])
        if self._done:
            info["result"] = self.result()
        return self._split(obs[0]), reward, bool(terminated[0]), bool(truncated[0]), info

    def step_physical(self, steering_deg, speed_mps):
        """Applies an action in degrees and m/s, as `pitwall trial --actions` does."""
        if self._done:
            raise RuntimeError("the episode has ended: call reset() first")
        obs, done, truncated = self._batch.step_physical(0, float(steering_deg), float(speed_mps))
        info = self._info()
        self._done = bool(done)
        if self._done:
            info["result"] = self.result()
        return self._split(obs), bool(done and not truncated), bool(truncated), info

    def expert_action(self):
        """(steering_deg, speed_mps) the built-in expert would choose now."""
        a = self._batch.expert_actions()[0]
        return float(a[0]), float(a[1])

    def result(self):
        """The episode's laps, score, fingerprint and applied actions so far."""
        return self._batch.car_result(0)

    def _info(self, reset=False):
        params = self._batch.car_params(0)
        return {"params": params}


class VecRaceEnv(_Common):
    """`num_envs` cars stepped together in C++ (the GIL released, `threads` threads).

    reset(seed=None) -> observations: {input name: float32 [num_envs, size]}
    step(actions) -> (observations, rewards, terminated, truncated, infos)

    Episodes that end are reset at once (the returned observation is the new episode's first);
    infos["final_progress"], infos["final_laps"] and infos["episode_steps"] describe them. A Python
    reward function is called once per car per step; a built-in reward (its name) stays in C++.
    """

    def __init__(self, num_envs=16, track="pitwall_park", reward_function=None, sensors=("TRACK_RAYS", "STATE"),
                 action_space=None, track_rays=None, rules=None, random_start=True, direction="forward", max_steps=None,
                 seed=None, threads=None):
        self.num_envs = int(num_envs)
        self._setup(track, reward_function, sensors, action_space, track_rays, rules, random_start, direction,
                    max_steps, self.num_envs, threads, seed, False)
        self.observation_size = self._batch.observation_size

    def reset(self, seed=None, flat=False):
        obs = self._batch.reset(seed)
        return obs if flat else self._split(obs)

    def step(self, actions, flat=False):
        if self.discrete:
            actions = np.asarray(actions, dtype=np.int64).reshape(self.num_envs)
        else:
            actions = np.asarray(actions, dtype=np.float32).reshape(self.num_envs, 2)
        obs, rewards, terminated, truncated, final_progress, final_laps, final_steps = self._batch.step(actions, True)
        if self.reward_fn is not None:
            rewards = self._batch.call_reward(self.reward_fn)
        infos = {"final_progress": final_progress, "final_laps": final_laps, "episode_steps": final_steps}
        return (obs if flat else self._split(obs)), rewards, terminated, truncated, infos

    def step_params(self):
        """DeepRacer's params of every car's last step."""
        return self._batch.step_params()

    def expert_actions(self):
        """[num_envs, 2]: steering (deg) and speed (m/s) the built-in expert would choose now."""
        return self._batch.expert_actions()

    def close(self):
        self._batch = None
