"""Stay near the centre line: full reward in the middle tenth of the road, less further out.

A DeepRacer reward function: it runs unchanged in the DeepRacer console and in pitwall.RaceEnv.
The built-in reward "follow_centre_line" computes the same in C++.
"""


def reward_function(params):
    track_width = params["track_width"]
    distance_from_center = params["distance_from_center"]

    if distance_from_center <= 0.1 * track_width:
        return 1.0
    if distance_from_center <= 0.25 * track_width:
        return 0.5
    if distance_from_center <= 0.5 * track_width:
        return 0.1
    return 1e-3  # off the road (or about to be)
