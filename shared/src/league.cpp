#include "pitwall/league.h"

namespace pw {

const char* ToString(RaceKind kind) { return kind == RaceKind::kLeague ? "LEAGUE" : "COMMUNITY"; }

const char* ToString(BoardVisibility visibility) { return visibility == BoardVisibility::kPublic ? "public" : "participants"; }

const char* ToString(SubmissionStatus status) {
  switch (status) {
    case SubmissionStatus::kQueued: return "QUEUED";
    case SubmissionStatus::kEvaluating: return "EVALUATING";
    case SubmissionStatus::kCompleted: return "COMPLETED";
    case SubmissionStatus::kFailed: return "FAILED";
    case SubmissionStatus::kCancelled: return "CANCELLED";
  }
  return "?";
}

bool ParseRaceKind(const std::string& text, RaceKind& out) {
  for (RaceKind k : {RaceKind::kLeague, RaceKind::kCommunity})
    if (text == ToString(k)) return out = k, true;
  return false;
}

bool ParseBoardVisibility(const std::string& text, BoardVisibility& out) {
  for (BoardVisibility v : {BoardVisibility::kPublic, BoardVisibility::kParticipants})
    if (text == ToString(v)) return out = v, true;
  return false;
}

bool ParseSubmissionStatus(const std::string& text, SubmissionStatus& out) {
  for (SubmissionStatus s : {SubmissionStatus::kQueued, SubmissionStatus::kEvaluating, SubmissionStatus::kCompleted,
                             SubmissionStatus::kFailed, SubmissionStatus::kCancelled})
    if (text == ToString(s)) return out = s, true;
  return false;
}

}  // namespace pw
