"""pitwall for Python: the environment runs the league's core, bit for bit, and hands DeepRacer's
reward params to reward functions with their documented meanings.

Run by ctest (PYTHONPATH=build/native/python, PITWALL_BINARY=the pitwall binary)."""

import json
import math
import os
import subprocess
import tempfile
import unittest

import numpy as np

import pitwall

PITWALL = os.environ["PITWALL_BINARY"]
EXAMPLES = os.environ["PITWALL_EXAMPLES"]


def trial_json(*args):
    out = subprocess.run([PITWALL, "trial", "--json", *args], capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def drive(env, policy, limit=20000):
    """Steps until the episode ends; returns every step's info."""
    infos = []
    for _ in range(limit):
        steer, speed = policy(env)
        _, terminated, truncated, info = env.step_physical(steer, speed)
        infos.append(info)
        if terminated or truncated:
            return infos
    raise AssertionError("the episode did not end")


class SameCoreAsTheLeague(unittest.TestCase):
    def test_a_fixed_action_stream_gives_pitwall_trials_fingerprint(self):
        rules = pitwall.race_rules(laps=2, min_laps=2)
        env = pitwall.RaceEnv(track="harbour_hairpin", rules=rules, record_trace=True)
        env.reset()
        k = [0]

        def wobbly_expert(e):  # the expert, disturbed: it leaves the track and is reset, as a racer's model would
            k[0] += 1
            steer, speed = e.expert_action()
            return steer + 25.0 * math.sin(k[0] / 9.0), speed * 1.15

        infos = drive(env, wobbly_expert)
        result = infos[-1]["result"]
        self.assertGreater(sum(lap["off_track_count"] for lap in result["laps"]), 0, "the stream should include resets")
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            for steer, speed in result["trace"]:
                f.write(f"{steer!r},{speed!r}\n")
        cli = trial_json("--track", "harbour_hairpin", "--laps", "2", "--actions", f.name)
        os.unlink(f.name)
        self.assertEqual(str(cli["fingerprint"]), result["fingerprint"])
        self.assertEqual(cli["laps"], result["laps"])
        self.assertEqual(cli["steps"], result["steps"])

    def test_the_expert_in_the_environment_is_the_expert_of_pitwall_trial(self):
        env = pitwall.RaceEnv(track="pitwall_park", rules=pitwall.race_rules())
        env.reset()
        result = drive(env, lambda e: e.expert_action())[-1]["result"]
        cli = trial_json("--track", "pitwall_park")
        self.assertEqual(str(cli["fingerprint"]), result["fingerprint"])
        self.assertEqual(len(result["laps"]), 3)


class DeepRacerParams(unittest.TestCase):
    """pitwall_park's first straight runs along y = 0 from x = 0 to 5.5 m, heading +x, 1 m wide."""

    def test_left_and_right_of_centre_on_the_first_straight(self):
        env = pitwall.RaceEnv(track="pitwall_park")
        _, info = env.reset()
        p = info["params"]
        self.assertAlmostEqual(p["x"], 0.14)  # the tracked point, 0.14 m ahead of the rear axle
        self.assertAlmostEqual(p["y"], 0.0)
        self.assertEqual(tuple(p["closest_waypoints"]), (0, 1))
        self.assertEqual(p["steps"], 0)
        self.assertAlmostEqual(p["track_width"], 1.0, places=3)
        self.assertAlmostEqual(p["track_length"], env.track.length_m)
        self.assertEqual(p["waypoints"], [tuple(w[:2]) for w in env.track.waypoints])
        seen_left = seen_right = False
        for i, steer in enumerate([12.0] * 8 + [-12.0] * 16):
            _, _, _, info = env.step_physical(steer, 1.0)
            p = info["params"]
            self.assertLess(p["x"], 5.5)
            self.assertAlmostEqual(p["distance_from_center"], abs(p["y"]), places=9)
            self.assertEqual(p["is_left_of_center"], p["y"] > 0)
            self.assertEqual(p["steps"], i + 1)
            self.assertAlmostEqual(p["steering_angle"], steer, places=5)
            self.assertAlmostEqual(p["speed"], 1.0, places=5)
            self.assertTrue(p["all_wheels_on_track"])
            self.assertFalse(p["is_offtrack"])
            self.assertFalse(p["is_reversed"])
            # closest_waypoints are the waypoints either side of the car along the track
            a, b = p["closest_waypoints"]
            self.assertEqual(b, a + 1)
            self.assertLessEqual(p["waypoints"][a][0], p["x"])
            self.assertGreaterEqual(p["waypoints"][b][0], p["x"])
            seen_left |= p["is_left_of_center"] and p["y"] > 0.02
            seen_right |= (not p["is_left_of_center"]) and p["y"] < -0.02
        self.assertTrue(seen_left and seen_right)

    def test_heading_is_the_cars_yaw_in_degrees(self):
        env = pitwall.RaceEnv(track="pitwall_park")
        env.reset()
        for _ in range(10):
            _, _, _, info = env.step_physical(20.0, 1.0)
        p = info["params"]
        self.assertGreater(p["heading"], 5.0)  # turned left from +x: counter-clockwise
        self.assertLess(p["heading"], 90.0)

    def test_leaving_the_track_ends_the_episode_with_is_offtrack(self):
        env = pitwall.RaceEnv(track="pitwall_park")
        env.reset()
        infos = drive(env, lambda e: (30.0, 2.0))
        last = infos[-1]["params"]
        self.assertTrue(last["is_offtrack"])
        self.assertFalse(last["all_wheels_on_track"])
        self.assertGreater(last["distance_from_center"], last["track_width"] / 2)
        self.assertTrue(last["is_left_of_center"])
        self.assertEqual(infos[-1]["result"]["laps"][0]["status"], "off track")
        # all_wheels_on_track went false before the car was off track
        first_wheel_off = next(i for i, info in enumerate(infos) if not info["params"]["all_wheels_on_track"])
        self.assertLess(first_wheel_off, len(infos) - 1)
        self.assertFalse(infos[first_wheel_off]["params"]["is_offtrack"])

    def test_reversed_episodes_drive_the_other_way(self):
        env = pitwall.RaceEnv(track="pitwall_park", direction="reverse")
        _, info = env.reset()
        p = info["params"]
        self.assertTrue(p["is_reversed"])
        self.assertAlmostEqual(abs(p["heading"]), 180.0, delta=5.0)  # the first straight, driven towards -x
        self.assertLess(p["x"], 0.0)
        infos = drive(env, lambda e: e.expert_action())
        self.assertEqual(infos[-1]["result"]["laps"][0]["status"], "complete")
        self.assertTrue(all(i["params"]["is_reversed"] for i in infos))
        # waypoints are listed in driving order, so progress grows and closest_waypoints move forwards
        self.assertEqual(infos[-1]["params"]["waypoints"][0], (0.0, 0.0))
        self.assertEqual(infos[-1]["params"]["waypoints"][1], tuple(env.track.waypoints[-1][:2]))

    def test_progress_reaches_100_at_the_finish_line_and_starts_again(self):
        env = pitwall.RaceEnv(track="pitwall_park", rules=pitwall.race_rules(laps=2, min_laps=2))
        env.reset()
        infos = drive(env, lambda e: e.expert_action())
        progress = [i["params"]["progress"] for i in infos]
        finish = progress.index(100.0)
        self.assertTrue(all(b >= a for a, b in zip(progress[:finish], progress[1:finish + 1])), "progress only grows")
        self.assertLess(progress[finish + 1], 5.0)  # the second lap starts from 0 again
        self.assertEqual(progress[-1], 100.0)
        self.assertEqual(len(infos[-1]["result"]["laps"]), 2)

    def test_random_starts_are_waypoints_and_seeds_repeat_them(self):
        env = pitwall.RaceEnv(track="pitwall_park", random_start=True)
        starts = []
        for seed in (1, 2, 3, 1):
            _, info = env.reset(seed=seed)
            starts.append((info["params"]["x"], info["params"]["y"], info["params"]["closest_waypoints"]))
        self.assertEqual(starts[0], starts[3])
        self.assertGreater(len(set(starts)), 1)
        _, info = env.reset(options={"start_waypoint": 37})
        self.assertEqual(info["params"]["closest_waypoints"][0], 37)
        # a lap from a random start is timed from that start
        infos = drive(env, lambda e: e.expert_action())
        self.assertEqual(infos[-1]["params"]["progress"], 100.0)


    def test_a_seed_fixes_the_episode_whichever_way_it_alternates(self):
        env = pitwall.RaceEnv(track="pitwall_park", random_start=True, direction="alternate")
        first = env.reset(seed=7)[1]["params"]
        second = env.reset()[1]["params"]  # no seed: the next episode, the other way round
        again = env.reset(seed=7)[1]["params"]
        self.assertNotEqual(first["is_reversed"], second["is_reversed"])
        self.assertEqual((first["x"], first["y"], first["is_reversed"]), (again["x"], again["y"], again["is_reversed"]))

    def test_observations_stay_inside_their_spaces(self):
        env = pitwall.RaceEnv(track="harbour_hairpin", random_start=True)
        obs, _ = env.reset(seed=1)
        for _ in range(300):
            self.assertTrue(env.observation_space.contains(obs), obs)
            obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
            if terminated or truncated:
                obs, _ = env.reset()


class RaceTypes(unittest.TestCase):
    BOTS = {"race_type": "HEAD_TO_BOT", "bots": [{"speed_mps": 0.5}, {"speed_mps": 0.5, "lane": "LEFT"}]}

    def test_objects_fill_deepracers_params_and_the_lidar_sees_them(self):
        env = pitwall.RaceEnv(track="pitwall_park", sensors=("STATE", "LIDAR", "SECTOR_LIDAR"), rules=self.BOTS)
        obs, _ = env.reset(seed=3)
        self.assertEqual(obs["lidar"].shape, (64,))
        self.assertEqual(obs["sector_lidar"].shape, (8,))
        self.assertTrue(env.observation_space.contains(obs), obs)
        _, _, _, info = env.step_physical(0.0, 0.5)
        p = info["params"]
        self.assertEqual(len(p["objects_location"]), 2)
        self.assertEqual(p["objects_speed"], [0.5, 0.5])
        self.assertEqual(p["objects_left_of_center"], [False, True])
        length = p["track_length"]
        # bot i of 2 starts (i + 1) / 3 of a lap ahead, and has driven on a step's worth since
        for i, d in enumerate(p["objects_distance"]):
            self.assertAlmostEqual(d, length * (i + 1) / 3 + 0.5 / 15, delta=0.2)
        self.assertEqual(tuple(p["closest_objects"]), (1, 0))  # the second is behind (wrapping round), the first ahead
        self.assertFalse(p["is_crashed"])

    def test_driving_into_a_bot_is_a_crash(self):
        # Follow the right-hand lane (STATE: offset, heading error, curvature ahead) faster than the bot in it.
        env = pitwall.RaceEnv(track="pitwall_park", sensors=("STATE", "LIDAR"), rules=dict(self.BOTS, reset_on_off_track=False))
        obs, _ = env.reset(seed=3)
        nearest = []
        for _ in range(2000):
            state = obs["state"]
            steer = 80.0 * (-0.25 - state[3]) - 0.8 * state[2] + 57.3 * 0.164 * state[4]
            obs, terminated, truncated, info = env.step_physical(float(np.clip(steer, -30, 30)), 1.5)
            nearest.append(float(obs["lidar"].min()))
            if terminated or truncated:
                break
        self.assertTrue(info["params"]["is_crashed"], info["result"]["laps"])
        self.assertEqual(info["result"]["laps"][0]["status"], "crashed")
        self.assertEqual(info["result"]["laps"][0]["crash_count"], 1)
        self.assertLess(min(nearest[-5:]), 0.5, "the LIDAR saw the bot coming")
        self.assertEqual(max(nearest[:10]), 1.0, "and nothing near at the start")

    def test_a_time_trial_has_no_objects(self):
        env = pitwall.RaceEnv(track="pitwall_park")
        env.reset(seed=1)
        _, _, _, info = env.step_physical(0.0, 1.0)
        self.assertEqual(info["params"]["objects_location"], [])
        self.assertEqual(info["params"]["closest_objects"], [])


class RewardFunctions(unittest.TestCase):
    def test_a_deepracer_reward_function_file_runs_unchanged(self):
        for name in ("follow_centre_line.py", "stay_inside_borders.py", "penalise_zig_zag.py", "follow_racing_line.py"):
            path = os.path.join(EXAMPLES, "reward_functions", name)
            fn = pitwall.load_reward_function(path)
            env = pitwall.RaceEnv(track="pitwall_park", reward_function=path)
            env.reset()
            total = 0.0
            for _ in range(60):
                s, v = env.expert_action()
                _, reward, terminated, truncated, info = env.step(env.model_output(s, v))
                self.assertEqual(reward, float(fn(info["params"])), name)
                self.assertTrue(math.isfinite(reward))
                total += reward
            self.assertGreater(total, 0.0, name)

    def test_follow_centre_line_pays_its_documented_bands(self):
        fn = pitwall.load_reward_function(os.path.join(EXAMPLES, "reward_functions", "follow_centre_line.py"))
        base = {"track_width": 1.0, "all_wheels_on_track": True}
        self.assertEqual(fn(dict(base, distance_from_center=0.05)), 1.0)
        self.assertEqual(fn(dict(base, distance_from_center=0.2)), 0.5)
        self.assertEqual(fn(dict(base, distance_from_center=0.4)), 0.1)
        self.assertEqual(fn(dict(base, distance_from_center=0.6)), 1e-3)

    def test_builtin_rewards_in_cpp_agree_with_their_python_twins(self):
        fn = pitwall.load_reward_function(os.path.join(EXAMPLES, "reward_functions", "follow_centre_line.py"))
        cpp = pitwall.VecRaceEnv(num_envs=4, track="pitwall_park", reward_function="follow_centre_line", seed=5, threads=2)
        cpp.reset(seed=5)
        rng = np.random.default_rng(0)
        for _ in range(50):
            actions = rng.uniform(-0.3, 0.3, (4, 2)).astype(np.float32)
            _, rewards, _, _, _ = cpp.step(actions)
            expected = [fn(p) for p in cpp.step_params()]
            np.testing.assert_allclose(rewards, expected)


class VectorisedEnvironment(unittest.TestCase):
    def test_cars_step_together_and_reset_when_their_episode_ends(self):
        env = pitwall.VecRaceEnv(num_envs=8, track="pitwall_park", reward_function="progress_delta", seed=3, threads=2)
        obs = env.reset(seed=3)
        self.assertEqual(obs["track_rays"].shape, (8, 11))
        self.assertEqual(obs["state"].shape, (8, 8))
        ended = 0
        for _ in range(300):
            obs, rewards, terminated, truncated, infos = env.step(np.tile([[1.0, 1.0]], (8, 1)))  # hard left, full speed
            ended += int(terminated.sum())
            for k in np.nonzero(terminated)[0]:
                self.assertEqual(infos["final_laps"][k], 0)
                self.assertGreater(infos["episode_steps"][k], 0)
                self.assertEqual(rewards[k], -10.0)  # progress_delta's price for leaving the track
        self.assertGreater(ended, 8, "every car left the track, and again after its reset")

    def test_the_same_seed_gives_the_same_run(self):
        def run():
            env = pitwall.VecRaceEnv(num_envs=4, track="harbour_hairpin", seed=11, direction="random", threads=2)
            obs = env.reset(seed=11, flat=True)
            rng = np.random.default_rng(1)
            for _ in range(200):
                obs, *_ = env.step(rng.uniform(-1, 1, (4, 2)), flat=True)
            return obs

        np.testing.assert_array_equal(run(), run())

    def test_a_python_reward_sees_each_cars_params(self):
        calls = []

        def reward_function(params):
            calls.append(params["steps"])
            return params["speed"]

        env = pitwall.VecRaceEnv(num_envs=3, track="pitwall_park", reward_function=reward_function, seed=1, random_start=False)
        env.reset(seed=1)
        _, rewards, *_ = env.step(np.array([[0.0, -1.0], [0.0, 0.0], [0.0, 1.0]], dtype=np.float32))
        np.testing.assert_allclose(rewards, [0.5, 2.25, 4.0], atol=1e-3)  # speed -1..1 -> 0.5..4 m/s
        self.assertEqual(calls, [1, 1, 1])


class GymnasiumApi(unittest.TestCase):
    def test_reset_and_step_follow_the_env_api(self):
        env = pitwall.RaceEnv(track="pitwall_park", action_space=[{"steering_angle": 0, "speed": 1.5},
                                                                  {"steering_angle": 15, "speed": 1.0}])
        obs, info = env.reset(seed=0)
        self.assertTrue(env.observation_space.contains(obs))
        self.assertEqual(env.action_space.n, 2)
        obs, reward, terminated, truncated, info = env.step(0)
        self.assertIsInstance(reward, float)
        self.assertIsInstance(terminated, bool)
        self.assertIsInstance(truncated, bool)
        self.assertIn("params", info)
        self.assertTrue(env.observation_space.contains(obs))
        self.assertEqual(info["params"]["steering_angle"], 0.0)
        self.assertEqual(info["params"]["speed"], 1.5)

    def test_an_episode_too_long_is_truncated_not_terminated(self):
        env = pitwall.RaceEnv(track="pitwall_park", max_steps=20)
        env.reset()
        for i in range(20):
            _, _, terminated, truncated, info = env.step(np.array([0.0, -1.0], dtype=np.float32))
        self.assertTrue(truncated)
        self.assertFalse(terminated)
        self.assertEqual(info["result"]["laps"][0]["status"], "time up")
        with self.assertRaisesRegex(RuntimeError, "reset"):
            env.step(np.array([0.0, 0.0], dtype=np.float32))


class BadInput(unittest.TestCase):
    def test_each_mistake_gets_a_specific_error(self):
        with self.assertRaisesRegex(ValueError, "no built-in track 'nowhere'"):
            pitwall.RaceEnv(track="nowhere")
        with self.assertRaisesRegex(ValueError, r"action_space\[0\]\.steering_angle: 45"):
            pitwall.RaceEnv(action_space=[{"steering_angle": 45, "speed": 1}])
        with self.assertRaisesRegex(ValueError, "FRONT_FACING_CAMERA"):
            pitwall.RaceEnv(sensors=("FRONT_FACING_CAMERA",))
        with self.assertRaisesRegex(ValueError, "no built-in reward 'fast'"):
            pitwall.RaceEnv(reward_function="fast")
        with self.assertRaisesRegex(ValueError, "direction"):
            pitwall.RaceEnv(direction="sideways")
        with self.assertRaisesRegex(ValueError, "laps"):
            pitwall.RaceEnv(rules={"laps": 0})
        env = pitwall.VecRaceEnv(num_envs=2, track="pitwall_park")
        with self.assertRaisesRegex(ValueError, "expected 2 x 2 continuous actions"):
            env._batch.step(np.zeros(3, dtype=np.float32), True)
        with tempfile.NamedTemporaryFile("w", suffix=".csv") as f:
            f.write("center_x,center_y,inner_x,inner_y,outer_x,outer_y\n0,0,0,1,0,-1\n")
            f.flush()
            with self.assertRaisesRegex(ValueError, "at least 4 waypoints"):
                pitwall.RaceEnv(track=f.name)

    def test_a_reward_function_that_raises_says_so(self):
        def broken(params):
            return params["no_such_key"]

        env = pitwall.RaceEnv(reward_function=broken)
        env.reset()
        with self.assertRaises(KeyError):
            env.step(np.zeros(2, dtype=np.float32))


class DeepRacerTrackFiles(unittest.TestCase):
    def test_a_real_deepracer_npy_track_trains(self):
        tracks = os.environ.get("PITWALL_SHARED_TRACKS", "")
        files = sorted(f for f in os.listdir(tracks) if f.endswith(".npy")) if os.path.isdir(tracks) else []
        if not files:
            self.skipTest("no DeepRacer .npy tracks in '" + tracks + "' (../shared/tracks is absent)")
        env = pitwall.RaceEnv(track=os.path.join(tracks, files[0]))
        env.reset()
        infos = drive(env, lambda e: e.expert_action())
        self.assertEqual(infos[-1]["result"]["laps"][0]["status"], "complete")


if __name__ == "__main__":
    unittest.main()
