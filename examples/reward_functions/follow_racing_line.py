"""Point the car where the track goes next, and go fast where it is straight.

Uses the waypoints: the direction from the waypoint behind the car to the one a few ahead is
where the racing line goes; the reward falls with the angle between it and the car's heading.
A DeepRacer reward function: it runs unchanged in the DeepRacer console and in pitwall.RaceEnv.
"""

import math

LOOKAHEAD = 4  # waypoints


def reward_function(params):
    if params["is_offtrack"] or not params["all_wheels_on_track"]:
        return 1e-3
    waypoints = params["waypoints"]
    behind, ahead = params["closest_waypoints"]
    target = waypoints[(ahead + LOOKAHEAD) % len(waypoints)]
    origin = waypoints[behind]
    direction = math.degrees(math.atan2(target[1] - origin[1], target[0] - origin[0]))
    error = abs(direction - params["heading"])
    if error > 180.0:
        error = 360.0 - error
    reward = max(1e-3, 1.0 - error / 45.0)
    if error < 10.0:
        reward += params["speed"] / 4.0  # straight ahead: speed pays
    return float(reward)
