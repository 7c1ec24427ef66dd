#include "store/limit_store.h"

#include <algorithm>
#include <cmath>

namespace pw::server::store {

bool TakeToken(db::Connection& db, const std::string& key, double burst, double per_ms, int64_t now_ms, int& retry_after_s) {
  // The bucket refills for the time since it was last touched, then gives one token; an empty one
  // stays at -1 (refused attempts do not dig it deeper).
  db::Statement q(db,
                  "INSERT INTO rate_limits (key, tokens, updated_ms) VALUES (?, CAST(? AS DOUBLE PRECISION), ?) "
                  "ON CONFLICT (key) DO UPDATE SET tokens = GREATEST(-1, LEAST(CAST(? AS DOUBLE PRECISION), rate_limits.tokens + "
                  "(excluded.updated_ms - rate_limits.updated_ms) * CAST(? AS DOUBLE PRECISION)) - 1), updated_ms = excluded.updated_ms "
                  "RETURNING tokens");
  q.bind(1, key);
  q.bind(2, burst - 1);
  q.bind(3, now_ms);
  q.bind(4, burst);
  q.bind(5, per_ms);
  q.executeStep();
  const double tokens = q.getColumn(0).getDouble();
  if (tokens >= 0) return true;
  retry_after_s = std::max(1, static_cast<int>(std::ceil((-tokens) / per_ms / 1000.0)));
  return false;
}

bool SigninMayTry(db::Connection& db, const std::string& alias_key, int64_t now_ms, int& retry_after_s) {
  db::Statement q(db, "SELECT next_ms FROM signin_failures WHERE alias_key = ?");
  q.bind(1, alias_key);
  if (!q.executeStep() || now_ms >= q.getColumn(0).getInt64()) return true;
  retry_after_s = std::max(1, static_cast<int>((q.getColumn(0).getInt64() - now_ms + 999) / 1000));
  return false;
}

void SigninFailed(db::Connection& db, const std::string& alias_key, int free_failures, int max_wait_s, int64_t now_ms) {
  db::Statement q(db,
                  "INSERT INTO signin_failures (alias_key, failures, next_ms, updated_ms) VALUES (?, 1, 0, ?) "
                  "ON CONFLICT (alias_key) DO UPDATE SET failures = signin_failures.failures + 1, updated_ms = excluded.updated_ms "
                  "RETURNING failures");
  q.bind(1, alias_key);
  q.bind(2, now_ms);
  q.executeStep();
  const int failures = q.getColumn(0).getInt();
  q.reset();
  if (failures <= free_failures) return;
  const int doublings = std::min(failures - free_failures - 1, 20);
  const int64_t wait_s = std::min<int64_t>(int64_t{1} << doublings, max_wait_s);
  db::Statement wait(db, "UPDATE signin_failures SET next_ms = ? WHERE alias_key = ?");
  wait.bind(1, now_ms + wait_s * 1000);
  wait.bind(2, alias_key);
  wait.exec();
}

void SigninSucceeded(db::Connection& db, const std::string& alias_key) {
  db::Statement q(db, "DELETE FROM signin_failures WHERE alias_key = ?");
  q.bind(1, alias_key);
  q.exec();
}

void PurgeLimits(db::Connection& db, int64_t before_ms) {
  for (const char* sql : {"DELETE FROM rate_limits WHERE updated_ms < ?", "DELETE FROM signin_failures WHERE updated_ms < ? AND next_ms < ?"}) {
    db::Statement q(db, sql);
    q.bind(1, before_ms);
    if (std::string(sql).find("next_ms") != std::string::npos) q.bind(2, before_ms);
    q.exec();
  }
}

}  // namespace pw::server::store
