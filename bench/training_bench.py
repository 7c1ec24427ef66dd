#!/usr/bin/env python3
"""Training speed: vectorised environment steps per second (built-in C++ reward, and a Python
DeepRacer reward function beside it), and the wall time PPO needs from scratch to a model that
laps a built-in track 3 times without leaving it (examples/train_ppo.py).

    PYTHONPATH=build/native/python /usr/bin/python3 bench/training_bench.py [--skip-ppo]

Goals (issue: train your own): 50,000 env steps/s on 2 cores with the C++ reward; PPO under 10 minutes.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

import pitwall

HERE = os.path.dirname(os.path.abspath(__file__))


def python_reward(params):
    # DeepRacer's classic: follow the centre line (as a racer would write it)
    half = 0.5 * params["track_width"]
    if not params["all_wheels_on_track"]:
        return 1e-3
    return max(1e-3, 1.0 - params["distance_from_center"] / half)


def steps_per_second(reward, num_envs, threads, seconds=3.0):
    env = pitwall.VecRaceEnv(num_envs=num_envs, track="pitwall_park", reward_function=reward, seed=1, threads=threads)
    env.reset(seed=1)
    # A driver that stays on the road most of the time: the expert's steering, disturbed.
    rng = np.random.default_rng(0)
    steps = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        expert = env.expert_actions()
        actions = np.stack([expert[:, 0] / 30.0 + rng.normal(0, 0.1, num_envs), np.full(num_envs, 0.2)], axis=1)
        for _ in range(10):
            env.step(actions.astype(np.float32), flat=True)
            steps += num_envs
    return steps / (time.perf_counter() - started)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-ppo", action="store_true")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    print(f"vectorised environment on pitwall_park, {cores} cores (expert actions recomputed every 10 steps)")
    for num_envs in (64, 256):
        cpp = steps_per_second("progress_delta", num_envs, cores)
        py = steps_per_second(python_reward, num_envs, cores)
        one = steps_per_second("progress_delta", num_envs, 1)
        print(f"  {num_envs:4d} cars: C++ reward {cpp:10,.0f} steps/s ({one:,.0f} on 1 thread)   "
              f"Python reward_function {py:10,.0f} steps/s   (goal 50,000 with the C++ reward)")
    if args.skip_ppo:
        return 0
    with_trace = [sys.executable, os.path.join(HERE, "..", "examples", "train_ppo.py"), "--track", "pitwall_park",
                  "--out", "/tmp/pitwall-bench-ppo.onnx", "--threads", str(cores)]
    started = time.time()
    out = subprocess.run(with_trace, capture_output=True, text=True)
    wall = time.time() - started
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"PPO from scratch to 3 clean laps of pitwall_park: {wall:.1f} s wall ({summary['steps']:,} env steps), "
          f"best lap {summary['best_lap_ms'] / 1000:.3f} s, {summary['complete_laps']} complete laps, "
          f"{summary['off_track']} off track (goal: under 600 s)")
    expert = subprocess.run([os.environ.get("PITWALL_BINARY", os.path.join(HERE, "..", "build", "native", "server", "pitwall")),
                             "trial", "--track", "pitwall_park", "--json"], capture_output=True, text=True)
    best = json.loads(expert.stdout)["score"]["best_lap_ms"]
    print(f"  the built-in expert's best lap: {best / 1000:.3f} s (PPO / expert = {summary['best_lap_ms'] / best:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
