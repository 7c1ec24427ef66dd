#include "store/invitation_store.h"

#include "store/race_store.h"

namespace pw::server::store {
namespace {

constexpr const char* kColumns = "race_id, token_hash, COALESCE(token_sealed, ''), created_at, expires_at, max_uses, uses";

InvitationRecord Read(db::Statement& q) {
  InvitationRecord r;
  r.race_id = q.getColumn(0).getInt64();
  r.token_hash = q.getColumn(1).getString();
  r.token_sealed = q.getColumn(2).getString();
  r.created_at = q.getColumn(3).getInt64();
  r.expires_at = q.getColumn(4).getInt64();
  if (!q.getColumn(5).isNull()) r.max_uses = q.getColumn(5).getInt64();
  r.uses = q.getColumn(6).getInt64();
  return r;
}

}  // namespace

void PutInvitation(db::Connection& db, const InvitationRecord& inv) {
  db::Statement retire(db, "INSERT INTO retired_invitations (token_hash, race_id, retired_at) "
                           "SELECT token_hash, race_id, ? FROM invitations WHERE race_id = ? ON CONFLICT DO NOTHING");
  retire.bind(1, inv.created_at);
  retire.bind(2, inv.race_id);
  retire.exec();
  db::Statement up(db, "INSERT INTO invitations (race_id, token_hash, created_at, expires_at, max_uses, uses, token_sealed) "
                       "VALUES (?, ?, ?, ?, ?, 0, ?) "
                       "ON CONFLICT (race_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, "
                       "expires_at = excluded.expires_at, max_uses = excluded.max_uses, uses = 0, token_sealed = excluded.token_sealed");
  up.bind(1, inv.race_id);
  up.bind(2, inv.token_hash);
  up.bind(3, inv.created_at);
  up.bind(4, inv.expires_at);
  if (inv.max_uses) up.bind(5, *inv.max_uses);
  else up.bind(5);
  up.bind(6, inv.token_sealed);
  up.exec();
}

void ResetInvitation(db::Connection& db, const InvitationRecord& invitation) {
  db::Transaction tx(db);
  PutInvitation(db, invitation);
  tx.commit();
}

std::optional<InvitationRecord> FindInvitation(db::Connection& db, int64_t race_id) {
  db::Statement q(db, std::string("SELECT ") + kColumns + " FROM invitations WHERE race_id = ?");
  q.bind(1, race_id);
  if (!q.executeStep()) return std::nullopt;
  return Read(q);
}

std::optional<InvitationRecord> FindInvitationByToken(db::Connection& db, const std::string& token_hash) {
  db::Statement q(db, std::string("SELECT ") + kColumns + " FROM invitations WHERE token_hash = ?");
  q.bind(1, token_hash);
  if (!q.executeStep()) return std::nullopt;
  return Read(q);
}

bool IsRetiredToken(db::Connection& db, const std::string& token_hash) {
  db::Statement q(db, "SELECT 1 FROM retired_invitations WHERE token_hash = ?");
  q.bind(1, token_hash);
  return q.executeStep();
}

Redemption RedeemInvitation(db::Connection& db, const std::string& token_hash, int64_t racer_id, int64_t now_ms) {
  db::Transaction tx(db);
  Redemption out;
  out.invitation = FindInvitationByToken(db, token_hash);
  if (!out.invitation) {
    out.outcome = IsRetiredToken(db, token_hash) ? Redeemed::kRetired : Redeemed::kUnknown;
    return out;
  }
  const InvitationRecord& inv = *out.invitation;
  if (inv.expires_at <= now_ms) {
    out.outcome = Redeemed::kExpired;
    return out;
  }
  const auto race = FindRace(db, inv.race_id);
  if (race && (race->race.created_by == racer_id || IsParticipant(db, inv.race_id, racer_id))) {
    out.outcome = Redeemed::kAlreadyIn;  // joining again uses nothing
    return out;
  }
  if (inv.max_uses && inv.uses >= *inv.max_uses) {
    out.outcome = Redeemed::kUsedUp;
    return out;
  }
  db::Statement join(db, "INSERT INTO race_participants (race_id, racer_id, joined_at) VALUES (?, ?, ?)");
  join.bind(1, inv.race_id);
  join.bind(2, racer_id);
  join.bind(3, now_ms);
  join.exec();
  db::Statement use(db, "UPDATE invitations SET uses = uses + 1 WHERE race_id = ?");
  use.bind(1, inv.race_id);
  use.exec();
  tx.commit();
  out.outcome = Redeemed::kJoined;
  return out;
}

std::vector<ParticipantRecord> ListParticipants(db::Connection& db, int64_t race_id) {
  db::Statement q(db,
                  "SELECT r.id, r.alias, p.joined_at, "
                  "(SELECT COUNT(*) FROM submissions s WHERE s.race_id = p.race_id AND s.racer_id = p.racer_id AND s.status != 'CANCELLED'), "
                  "(SELECT l.ranking_ms FROM leaderboard l WHERE l.race_id = p.race_id AND l.racer_id = p.racer_id) "
                  "FROM race_participants p JOIN racers r ON r.id = p.racer_id WHERE p.race_id = ? ORDER BY p.joined_at, r.id");
  q.bind(1, race_id);
  std::vector<ParticipantRecord> out;
  while (q.executeStep()) {
    ParticipantRecord p;
    p.racer_id = q.getColumn(0).getInt64();
    p.alias = q.getColumn(1).getString();
    p.joined_at = q.getColumn(2).getInt64();
    p.submissions = q.getColumn(3).getInt();
    if (!q.getColumn(4).isNull()) p.best_ms = q.getColumn(4).getInt64();
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<int64_t> RemoveParticipant(db::Connection& db, int64_t race_id, int64_t racer_id, int64_t now_ms) {
  db::Transaction tx(db);
  db::Statement del(db, "DELETE FROM race_participants WHERE race_id = ? AND racer_id = ?");
  del.bind(1, race_id);
  del.bind(2, racer_id);
  if (del.exec() == 0) return std::nullopt;
  db::Statement cancel(db, "UPDATE submissions SET status = 'CANCELLED', reason = 'removed from the race by its organiser', "
                           "finished_at = ? WHERE race_id = ? AND racer_id = ? AND status = 'QUEUED'");
  cancel.bind(1, now_ms);
  cancel.bind(2, race_id);
  cancel.bind(3, racer_id);
  cancel.exec();
  db::Statement board(db, "DELETE FROM leaderboard WHERE race_id = ? AND racer_id = ?");
  board.bind(1, race_id);
  board.bind(2, racer_id);
  board.exec();
  const int64_t revision = BumpRevision(db, race_id);
  tx.commit();
  return revision;
}

}  // namespace pw::server::store
