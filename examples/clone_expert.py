#!/usr/bin/env python3
"""The quick start: a driving model in under a minute by imitating the built-in expert.

    PYTHONPATH=build/native/python /usr/bin/python3 examples/clone_expert.py --track harbour_hairpin --out clone.onnx

Drives episodes with the expert (disturbed a little, so the data shows how to recover), records
what the expert would do at every observation, fits a small MLP to it (PyTorch), exports it with
its model_metadata and races it under the league's rules with pitwall.evaluate. The last line
printed is a JSON summary.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

import pitwall

RAY_SCALE = 3.0
STATE_SCALE = [4.0, 30.0, 90.0, 0.5, 2.0, 2.0, 2.0, 2.0]


class Driver(nn.Module):
    def __init__(self, inputs, hidden=64):
        super().__init__()
        scale = []
        for name, size in inputs:
            scale += [RAY_SCALE] * size if name == "track_rays" else STATE_SCALE[:size]
        self.register_buffer("inv_scale", torch.tensor([1.0 / s for s in scale], dtype=torch.float32))
        self.net = nn.Sequential(nn.Linear(len(scale), hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, 2))

    def forward(self, *tensors):
        flat = torch.cat(tensors, dim=-1) if len(tensors) > 1 else tensors[0]
        return self.net(flat * self.inv_scale)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--track", default="harbour_hairpin")
    ap.add_argument("--out", default="clone.onnx")
    ap.add_argument("--episodes", type=int, default=12)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--step-budget-ms", type=int, default=100, help="per-step inference budget of the check (the league's: 100)")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    action_space = {"steering_angle": {"low": -30.0, "high": 30.0}, "speed": {"low": 0.5, "high": 4.0}}
    env = pitwall.RaceEnv(track=args.track, action_space=action_space, random_start=True, direction="forward")
    xs, ys = [], []
    for episode in range(args.episodes):
        obs, _ = env.reset(seed=args.seed * 1000 + episode)
        noise = 0.0
        for _ in range(3000):
            steer, speed = env.expert_action()
            xs.append(np.concatenate([obs[name] for name, _ in env.inputs]))
            ys.append(env.model_output(steer, speed))
            noise = 0.9 * noise + rng.normal(0.0, 2.5)  # a slowly wandering disturbance, in degrees
            obs, _, terminated, truncated, _ = env.step(env.model_output(steer + noise, speed))
            if terminated or truncated:
                break
    x = torch.tensor(np.array(xs), dtype=torch.float32)
    y = torch.tensor(np.array(ys), dtype=torch.float32)
    driver = Driver(env.inputs)
    opt = torch.optim.Adam(driver.parameters(), lr=3e-3)
    for epoch in range(args.epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 256):
            idx = perm[i:i + 256]
            loss = (driver(x[idx]) - y[idx]).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    print(f"{len(x)} samples, final loss {loss.item():.4f}", flush=True)

    pitwall.export_onnx(driver, env, args.out)
    result = pitwall.evaluate(args.out, env.track, step_budget_ms=args.step_budget_ms)
    laps = result["laps"]
    print("league evaluation: " + ", ".join(f"lap {l['lap']} {l['time_ms'] / 1000:.3f} s {l['status']}" for l in laps), flush=True)
    summary = {"model": args.out, "track": env.track.id, "samples": len(x), "complete_laps": result["score"]["complete_laps"],
               "best_lap_ms": result["score"]["best_lap_ms"], "off_track": sum(l["off_track_count"] for l in laps)}
    print(json.dumps(summary))
    return 0 if summary["complete_laps"] == len(laps) else 1


if __name__ == "__main__":
    sys.exit(main())
