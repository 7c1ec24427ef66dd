// Community races' invitations and participants: typed records and the SQL
// that reads and writes them. Tokens arrive as their SHA-256 (for look-ups)
// and sealed for the organiser: this layer never sees a readable token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db.h"

namespace pw::server::store {

struct InvitationRecord {
  int64_t race_id = 0;
  std::string token_hash;
  std::string token_sealed;  ///< "" for links made before they were kept for organisers
  int64_t created_at = 0, expires_at = 0;
  std::optional<int64_t> max_uses;  ///< none: no limit
  int64_t uses = 0;
};

/// Replaces a race's invitation (the old token is retired, so using it says so). Call inside a transaction.
void PutInvitation(db::Connection& db, const InvitationRecord& invitation);
/// The same, as a transaction of its own.
void ResetInvitation(db::Connection& db, const InvitationRecord& invitation);
std::optional<InvitationRecord> FindInvitation(db::Connection& db, int64_t race_id);
std::optional<InvitationRecord> FindInvitationByToken(db::Connection& db, const std::string& token_hash);
/// Whether the token belonged to an invitation that was reset.
bool IsRetiredToken(db::Connection& db, const std::string& token_hash);

/// Using an invitation: what happened.
enum class Redeemed { kJoined, kAlreadyIn, kUnknown, kRetired, kExpired, kUsedUp };
struct Redemption {
  Redeemed outcome = Redeemed::kUnknown;
  std::optional<InvitationRecord> invitation;  ///< when the token is a live one
};
/// Joins the racer to the invitation's race (a use of the link) unless they organise it or joined
/// already (no use); the link's checks and the use in one transaction.
Redemption RedeemInvitation(db::Connection& db, const std::string& token_hash, int64_t racer_id, int64_t now_ms);

struct ParticipantRecord {
  int64_t racer_id = 0;
  std::string alias;
  int64_t joined_at = 0;
  int submissions = 0;            ///< not counting cancelled ones
  std::optional<int64_t> best_ms;  ///< their leaderboard entry's ranking time
};
std::vector<ParticipantRecord> ListParticipants(db::Connection& db, int64_t race_id);
/// Removes a participant: their entry leaves the leaderboard and their queued submissions are
/// cancelled, in one transaction; the race's new revision, or nothing when they were not in it.
std::optional<int64_t> RemoveParticipant(db::Connection& db, int64_t race_id, int64_t racer_id, int64_t now_ms);

}  // namespace pw::server::store
