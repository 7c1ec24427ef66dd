"""Keep all four wheels on the road, a margin inside the borders; nothing else matters.

A DeepRacer reward function: it runs unchanged in the DeepRacer console and in pitwall.RaceEnv.
"""


def reward_function(params):
    margin = 0.05  # metres inside the border line
    half_width = 0.5 * params["track_width"]
    if params["all_wheels_on_track"] and params["distance_from_center"] < half_width - margin:
        return 1.0
    return 1e-3
