// The league's names, in one place for the server, the browser app and the
// tests: what kind a race is, who sees its leaderboard, where a submission
// stands. Each has the name the API and the database use (ToString) and its
// parser (false for a name that is none of them).
#pragma once

#include <string>

namespace pw {

/// LEAGUE races are the league's own (public, made by admins); COMMUNITY races
/// are private ones any racer organises and shares by invitation.
enum class RaceKind { kLeague, kCommunity };
/// Who sees a community race's leaderboard ("public": anyone, as league races).
enum class BoardVisibility { kPublic, kParticipants };
/// A submission's life: QUEUED, EVALUATING, then COMPLETED, FAILED or CANCELLED.
enum class SubmissionStatus { kQueued, kEvaluating, kCompleted, kFailed, kCancelled };

const char* ToString(RaceKind kind);
const char* ToString(BoardVisibility visibility);
const char* ToString(SubmissionStatus status);
bool ParseRaceKind(const std::string& text, RaceKind& out);
bool ParseBoardVisibility(const std::string& text, BoardVisibility& out);
bool ParseSubmissionStatus(const std::string& text, SubmissionStatus& out);

/// Whether a submission in this status has finished (no worker will touch it again).
inline bool IsFinal(SubmissionStatus s) { return s != SubmissionStatus::kQueued && s != SubmissionStatus::kEvaluating; }

}  // namespace pw
