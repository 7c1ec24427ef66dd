"""From nothing to the leaderboard: a short PPO run (examples/train_ppo.py) exports a model that the
upload gate accepts, and a real `pitwall serve` on loopback evaluates it with the laps that
pitwall.evaluate predicted. Also the behaviour-cloning quick start."""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import pitwall
from league_server import PITWALL, Server

EXAMPLES = os.environ["PITWALL_EXAMPLES"]


def run_example(name, *args):
    out = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *args], capture_output=True, text=True, timeout=900)
    if out.returncode not in (0, 1):
        raise AssertionError(f"{name} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class FromNothingToTheLeaderboard(unittest.TestCase):
    def test_a_short_ppo_run_exports_a_model_the_gate_accepts_and_the_server_evaluates(self):
        work = tempfile.mkdtemp(prefix="pitwall-test-ppo-")
        model = os.path.join(work, "ppo.onnx")
        summary = run_example("train_ppo.py", "--track", "pitwall_park", "--out", model, "--total-steps", "8192",
                              "--envs", "16", "--eval-every", "0", "--threads", "2", "--step-budget-ms", "2000")
        self.assertEqual(summary["steps"], 8192)
        report = pitwall.inspect(model)
        self.assertTrue(report["accepted"], report["problems"])
        self.assertEqual([i["name"] for i in report["inputs"]], ["track_rays", "state"])
        self.assertEqual(report["metadata"]["action_space_type"], "continuous")
        cli = subprocess.run([PITWALL, "model", "inspect", model], capture_output=True, text=True)
        self.assertEqual(cli.returncode, 0, cli.stdout + cli.stderr)

        server = Server(os.path.join(work, "data"))
        try:
            status, races = server.call("GET", "/api/v1/races")
            self.assertEqual(status, 200)
            race = races["races"][0]
            self.assertEqual(server.call("POST", "/api/v1/racers", {"alias": "trainer", "password": "a long password"})[0], 201)
            status, session = server.call("POST", "/api/v1/sessions", {"alias": "trainer", "password": "a long password"})
            self.assertEqual(status, 201)
            server.token = session["token"]
            self.assertEqual(server.call("POST", "/api/v1/me/terms", {"accept": True})[0], 200)
            with open(model, "rb") as f:
                status, uploaded = server.call("POST", "/api/v1/models?name=ppo", f.read(), "application/octet-stream")
            self.assertEqual(status, 201, uploaded)
            status, sub = server.call("POST", f"/api/v1/races/{race['id']}/submissions", {"model_id": uploaded["id"]})
            self.assertEqual(status, 202, sub)
            for _ in range(1200):
                status, sub = server.call("GET", f"/api/v1/submissions/{sub['id']}")
                if sub["status"] in ("COMPLETED", "FAILED"):
                    break
                time.sleep(0.05)
            self.assertEqual(sub["status"], "COMPLETED", sub)

            # The league's laps are the ones pitwall.evaluate gives on the race's own track and rules.
            status, track_file = server.call("GET", f"/api/v1/races/{race['id']}/track")
            self.assertEqual(status, 200)
            track = pitwall.Track.from_bytes(json.dumps(track_file).encode() if isinstance(track_file, dict) else track_file,
                                             "race.json")
            rules = pitwall.race_rules(**{k: race[k] for k in ("laps", "min_laps", "lap_mode", "timing_method",
                                                              "reset_on_off_track", "off_track_penalty_ms")})
            local = pitwall.evaluate(model, track, rules, step_budget_ms=2000)  # the test server's budget: a loaded machine is slow
            self.assertEqual(sub["laps"], local["laps"])
        finally:
            server.stop()

    def test_behaviour_cloning_from_the_expert_laps_its_track(self):
        work = tempfile.mkdtemp(prefix="pitwall-test-bc-")
        model = os.path.join(work, "bc.onnx")
        summary = run_example("clone_expert.py", "--track", "harbour_hairpin", "--out", model, "--episodes", "8", "--step-budget-ms", "2000")
        self.assertTrue(pitwall.inspect(model)["accepted"])
        result = pitwall.evaluate(model, "harbour_hairpin", step_budget_ms=2000)
        self.assertEqual(result["score"]["complete_laps"], 3, result["laps"])
        self.assertEqual(summary["complete_laps"], 3)


if __name__ == "__main__":
    unittest.main()
