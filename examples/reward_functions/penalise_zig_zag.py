"""Reward staying on the road, scaled down when the car steers hard (zig-zag driving is slow).

A DeepRacer reward function: it runs unchanged in the DeepRacer console and in pitwall.RaceEnv.
"""

ABS_STEERING_THRESHOLD = 15.0  # degrees


def reward_function(params):
    if not params["all_wheels_on_track"]:
        return 1e-3
    half_width = 0.5 * params["track_width"]
    reward = max(1e-3, 1.0 - params["distance_from_center"] / half_width)
    if abs(params["steering_angle"]) > ABS_STEERING_THRESHOLD:
        reward *= 0.8
    return float(reward)
