#!/usr/bin/env python3
"""Train a Pitwall driving model from scratch with PPO (PyTorch), export it to ONNX with its
model_metadata, and check it the way the league will.

    PYTHONPATH=build/native/python /usr/bin/python3 examples/train_ppo.py --track pitwall_park --out my-model.onnx

A small MLP reads TRACK_RAYS and STATE (the league's model contract) and outputs the two continuous
action values in [-1, 1]; the environment is pitwall.VecRaceEnv (many cars in C++). Every
`--eval-every` updates the current policy is exported and raced under the league's default rules
(3 continuous laps) with pitwall.evaluate; training stops once it completes them all without leaving
the track, or at --total-steps. The last line printed is a JSON summary.

--reward takes a built-in reward's name (computed in C++) or a DeepRacer reward_function.py.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

import pitwall

# Observation scales: baked into the exported network, so the model reads the raw sensors.
RAY_SCALE = 3.0
STATE_SCALE = [4.0, 30.0, 90.0, 0.5, 2.0, 2.0, 2.0, 2.0]


class Policy(nn.Module):
    """Gaussian policy and value function over the model's named inputs."""

    def __init__(self, inputs, hidden=64):
        super().__init__()
        self.input_names = [name for name, _ in inputs]
        scale = []
        for name, size in inputs:
            scale += [RAY_SCALE] * size if name == "track_rays" else STATE_SCALE[:size]
        self.register_buffer("inv_scale", torch.tensor([1.0 / s for s in scale], dtype=torch.float32))
        width = len(scale)
        self.actor = nn.Sequential(nn.Linear(width, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 2))
        self.critic = nn.Sequential(nn.Linear(width, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        self.log_std = nn.Parameter(torch.full((2,), -0.7))
        nn.init.orthogonal_(self.actor[-1].weight, 0.01)
        nn.init.zeros_(self.actor[-1].bias)

    def features(self, flat):
        return flat * self.inv_scale

    def dist(self, flat):
        mean = self.actor(self.features(flat))
        return torch.distributions.Normal(mean, self.log_std.exp())

    def value(self, flat):
        return self.critic(self.features(flat)).squeeze(-1)


class Exported(nn.Module):
    """What the league runs: the named inputs in, the mean action out (the core clamps it to [-1, 1])."""

    def __init__(self, policy):
        super().__init__()
        self.policy = policy

    def forward(self, *tensors):
        flat = torch.cat(tensors, dim=-1) if len(tensors) > 1 else tensors[0]
        return self.policy.actor(self.policy.features(flat))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--track", default="pitwall_park", help="built-in track id or a DeepRacer .npy/.csv file")
    ap.add_argument("--reward", default="progress_delta", help="built-in reward name or a reward_function.py")
    ap.add_argument("--out", default="ppo-model.onnx")
    ap.add_argument("--total-steps", type=int, default=3_000_000)
    ap.add_argument("--envs", type=int, default=32)
    ap.add_argument("--rollout", type=int, default=128, help="steps per car per update")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--minibatch", type=int, default=1024)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--gamma", type=float, default=0.99)
    ap.add_argument("--lam", type=float, default=0.95)
    ap.add_argument("--clip", type=float, default=0.2)
    ap.add_argument("--max-speed", type=float, default=3.0, help="top of the continuous speed range (m/s)")
    ap.add_argument("--eval-every", type=int, default=10, help="updates between league evaluations (0: only at the end)")
    ap.add_argument("--keep-training", action="store_true",
                    help="go on to --total-steps after the first model that laps, keeping the fastest one")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--step-budget-ms", type=int, default=100, help="per-step inference budget of the checks (the league's: 100)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    action_space = {"steering_angle": {"low": -30.0, "high": 30.0}, "speed": {"low": 0.5, "high": args.max_speed}}
    env = pitwall.VecRaceEnv(num_envs=args.envs, track=args.track, reward_function=args.reward,
                             sensors=("TRACK_RAYS", "STATE"), action_space=action_space, random_start=True,
                             direction="alternate", seed=args.seed, threads=args.threads)
    policy = Policy(env.inputs)
    optimiser = torch.optim.Adam(policy.parameters(), lr=args.lr, eps=1e-5)
    race_rules = pitwall.race_rules()

    n, T = args.envs, args.rollout
    obs = torch.from_numpy(env.reset(seed=args.seed, flat=True))
    buf_obs = torch.zeros(T, n, env.observation_size)
    buf_act = torch.zeros(T, n, 2)
    buf_logp = torch.zeros(T, n)
    buf_rew = torch.zeros(T, n)
    buf_done = torch.zeros(T, n)
    buf_val = torch.zeros(T + 1, n)
    started = time.time()
    steps = 0
    update = 0
    laps_done = []
    summary = None
    while steps < args.total_steps:
        update += 1
        frac = 1.0 - steps / args.total_steps
        for g in optimiser.param_groups:
            g["lr"] = args.lr * max(frac, 0.1)
        with torch.no_grad():
            for t in range(T):
                d = policy.dist(obs)
                a = d.sample()
                buf_obs[t] = obs
                buf_act[t] = a
                buf_logp[t] = d.log_prob(a).sum(-1)
                buf_val[t] = policy.value(obs)
                o, r, term, trunc, info = env.step(a.numpy(), flat=True)
                done = term | trunc
                buf_rew[t] = torch.from_numpy(np.asarray(r, dtype=np.float32))
                buf_done[t] = torch.from_numpy(done.astype(np.float32))
                for k in np.nonzero(done)[0]:
                    laps_done.append(float(info["final_progress"][k]) if info["final_laps"][k] == 0 else 100.0)
                obs = torch.from_numpy(o)
            buf_val[T] = policy.value(obs)
            adv = torch.zeros(T, n)
            last = torch.zeros(n)
            for t in reversed(range(T)):
                nonterminal = 1.0 - buf_done[t]
                delta = buf_rew[t] + args.gamma * buf_val[t + 1] * nonterminal - buf_val[t]
                last = delta + args.gamma * args.lam * nonterminal * last
                adv[t] = last
            ret = adv + buf_val[:T]
        steps += T * n

        b_obs, b_act, b_logp = buf_obs.reshape(-1, env.observation_size), buf_act.reshape(-1, 2), buf_logp.reshape(-1)
        b_adv, b_ret = adv.reshape(-1), ret.reshape(-1)
        for _ in range(args.epochs):
            perm = torch.randperm(b_obs.shape[0])
            for i in range(0, b_obs.shape[0], args.minibatch):
                idx = perm[i:i + args.minibatch]
                d = policy.dist(b_obs[idx])
                logp = d.log_prob(b_act[idx]).sum(-1)
                ratio = (logp - b_logp[idx]).exp()
                a_ = b_adv[idx]
                a_ = (a_ - a_.mean()) / (a_.std() + 1e-8)
                pg = -torch.min(ratio * a_, ratio.clamp(1 - args.clip, 1 + args.clip) * a_).mean()
                vf = 0.5 * (policy.value(b_obs[idx]) - b_ret[idx]).pow(2).mean()
                loss = pg + 0.5 * vf - 0.001 * d.entropy().sum(-1).mean()
                optimiser.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(policy.parameters(), 0.5)
                optimiser.step()

        recent = laps_done[-200:]
        mean_progress = float(np.mean(recent)) if recent else 0.0
        print(f"update {update:4d}  steps {steps:8d}  {time.time() - started:6.1f} s  episode progress {mean_progress:5.1f} %  "
              f"std {policy.log_std.exp().mean().item():.2f}", flush=True)
        last_update = steps >= args.total_steps
        if (args.eval_every and update % args.eval_every == 0) or last_update:
            candidate = args.out + ".candidate.onnx"
            pitwall.export_onnx(Exported(policy), env, candidate)
            result = pitwall.evaluate(candidate, env.track, race_rules, step_budget_ms=args.step_budget_ms)
            laps = result["laps"]
            off = sum(l["off_track_count"] for l in laps)
            times = " ".join(f"{l['time_ms'] / 1000:.3f}" for l in laps)
            print(f"  league evaluation: {result['score']['complete_laps']} complete laps ({times} s), {off} off track", flush=True)
            laps_all = result["score"]["complete_laps"] == race_rules["laps"] and off == 0
            better = summary is None or (laps_all and (summary["complete_laps"] < race_rules["laps"] or
                                                       result["score"]["best_lap_ms"] < summary["best_lap_ms"])) or \
                (not laps_all and summary["complete_laps"] < race_rules["laps"])
            if better:
                os.replace(candidate, args.out)
                summary = {"model": args.out, "track": env.track.id, "steps": steps, "seconds": round(time.time() - started, 1),
                           "complete_laps": result["score"]["complete_laps"], "off_track": off,
                           "best_lap_ms": result["score"]["best_lap_ms"], "fingerprint": result["fingerprint"]}
            else:
                os.remove(candidate)
            if laps_all and not args.keep_training:
                break
    print(json.dumps(summary))
    return 0 if summary and summary["complete_laps"] == race_rules["laps"] else 1


if __name__ == "__main__":
    sys.exit(main())
