// The demo a newcomer sees on first start: an open league race on a built-in
// track with starter models (trained now, in a few seconds) already entered by
// three demo racers, so the leaderboard is real from the first look.
#pragma once

#include "league.h"

namespace pw::server {

/// Seeds the demo when the database has no races yet; returns the demo race id (0 if nothing was seeded).
int64_t SeedDemo(League& league);

}  // namespace pw::server
