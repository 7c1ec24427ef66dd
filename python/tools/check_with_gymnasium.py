#!/usr/bin/env python3
"""Runs Gymnasium's own environment checker over pitwall.RaceEnv in several configurations.

Gymnasium is not a Debian package, so the tests cannot install it; with a checkout of it (pure Python,
needing numpy, cloudpickle and typing_extensions):

    PYTHONPATH=/path/to/Gymnasium:build/native/python /usr/bin/python3 python/tools/check_with_gymnasium.py
"""
import sys

import gymnasium
from gymnasium.utils.env_checker import check_env
from gymnasium.wrappers import FlattenObservation, TimeLimit

import pitwall

assert pitwall.HAVE_GYMNASIUM, "pitwall did not pick up gymnasium"
configs = [
    dict(),
    dict(action_space=[{"steering_angle": 0, "speed": 1.5}, {"steering_angle": 20, "speed": 1.0}]),
    dict(sensors=("STATE",), random_start=True, direction="alternate"),
    dict(sensors=("TRACK_RAYS",), direction="random", random_start=True, track_rays={"rays": 21, "fov_deg": 120, "range_m": 2.0}),
    dict(rules=pitwall.race_rules(laps=2, min_laps=2)),
]
for kw in configs:
    env = pitwall.RaceEnv(track="pitwall_park", **kw)
    assert isinstance(env, gymnasium.Env)
    check_env(env, skip_render_check=True)
    print("check_env passed:", kw)
env = FlattenObservation(TimeLimit(pitwall.RaceEnv(track="pitwall_park"), 50))
obs, _ = env.reset(seed=3)
steps = 0
while True:
    obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
    steps += 1
    if terminated or truncated:
        break
print(f"wrapped (FlattenObservation, TimeLimit): {steps} steps, observation {obs.shape}")
print(f"gymnasium {gymnasium.__version__}: all checks passed")
sys.exit(0)
