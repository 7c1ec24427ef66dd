// Racers and sessions against the real server on loopback.
#include <gtest/gtest.h>

#include "db.h"

#include "server_process.h"
#include "league_db.h"

namespace pw::testing {
namespace {

class Racers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(TempDir("racers")); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ServerProcess* server_;
};
ServerProcess* Racers::server_ = nullptr;

void ExpectProblem(const httplib::Result& r, int status, const std::string& type_slug) {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
  const json p = json::parse(r->body);
  EXPECT_EQ(p["type"], "https://pitwall.dev/problems/" + type_slug) << r->body;
  EXPECT_EQ(p["status"], status);
  EXPECT_FALSE(p["title"].get<std::string>().empty());
  EXPECT_FALSE(p["detail"].get<std::string>().empty());
}

std::vector<std::string> FieldsOf(const httplib::Result& r) {
  std::vector<std::string> fields;
  const json body = json::parse(r->body);  // keep it alive while iterating
  for (const auto& e : body["errors"]) fields.push_back(e["field"]);
  return fields;
}

TEST_F(Racers, NobodyIsAdminByRegisteringTheSetupTokenMakesOneOnce) {
  ServerProcess fresh(TempDir("first"));
  ASSERT_FALSE(fresh.setup_token().empty()) << fresh.startup_output();
  EXPECT_NE(fresh.startup_output().find("no admin yet"), std::string::npos);
  ApiClient a(fresh), b(fresh);
  EXPECT_EQ(a.SignUp("founder")["role"], "racer");
  EXPECT_EQ(b.SignUp("second")["role"], "racer");
  ExpectProblem(a.Post("/api/v1/races", {{"name", "R"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}}), 403, "forbidden");
  ExpectProblem(b.Post("/api/v1/admin/claim", {{"setup_token", "guess"}}), 403, "forbidden");
  auto claimed = a.Post("/api/v1/admin/claim", {{"setup_token", fresh.setup_token()}});
  ASSERT_EQ(claimed->status, 200) << claimed->body;
  EXPECT_EQ(Body(claimed)["role"], "admin");
  EXPECT_EQ(Body(a.Get("/api/v1/me"))["role"], "admin");
  // Once: the same token does nothing for anyone else.
  ExpectProblem(b.Post("/api/v1/admin/claim", {{"setup_token", fresh.setup_token()}}), 403, "forbidden");
  EXPECT_EQ(Body(b.Get("/api/v1/me"))["role"], "racer");
  EXPECT_EQ(a.Post("/api/v1/races", {{"name", "R"}, {"track_id", "pitwall_park"}, {"closes_at", "2099-01-01T00:00:00Z"}})->status, 201);
  // A restarted server with an admin offers no token.
  fresh.Stop();
  fresh.Start();
  EXPECT_TRUE(fresh.setup_token().empty());
  EXPECT_EQ(fresh.startup_output().find("no admin yet"), std::string::npos);
}

TEST_F(Racers, AliasesCannotImpersonate) {
  ApiClient a(*server_), b(*server_);
  a.SignUp("alice");
  const char* lookalikes[] = {
      "alice\u200b",       // zero-width space
      "\u0430lice",        // Cyrillic a
      "\u0430\u0406\u0456\u0441\u0435",  // all Cyrillic letters that look like "alice" (capital I as l)
      "ALICE",              // case
      "\uff41lice",        // fullwidth a: NFKC makes it "alice"
      "al\u202eice",       // right-to-left override
      "ali\u00adce",       // soft hyphen (invisible)
  };
  for (const char* raw : lookalikes) {
    const std::string alias = json::parse(std::string("\"") + raw + "\"").get<std::string>();
    auto r = b.Post("/api/v1/racers", {{"alias", alias}, {"password", "another password"}});
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->status == 409 || r->status == 422) << raw << ": " << r->status << " " << r->body;
  }
  // The skeleton also signs in: the alias as typed in another case works.
  EXPECT_EQ(b.Post("/api/v1/sessions", {{"alias", "ALICE"}, {"password", "a long password"}})->status, 201);
  // Scripts of their own, and accents, are welcome.
  EXPECT_EQ(b.Post("/api/v1/racers", {{"alias", "\u0412\u0430\u0441\u044f"}, {"password", "another password"}})->status, 201);  // Вася
  EXPECT_EQ(b.Post("/api/v1/racers", {{"alias", "\u7530\u4e2d"}, {"password", "another password"}})->status, 201);              // 田中
  // NFKC: the stored alias is the normalised one.
  auto r = b.Post("/api/v1/racers", {{"alias", "\uff32\uff41\uff43\uff45\uff52 9"}, {"password", "another password"}});  // fullwidth "Racer"
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Body(r)["alias"], "Racer 9");
}

TEST_F(Racers, PasswordChangeEndsOtherSessionsAndSignOutEverywhere) {
  ApiClient a(*server_), other(*server_);
  a.SignUp("rotator");
  other.token = Body(other.Post("/api/v1/sessions", {{"alias", "rotator"}, {"password", "a long password"}}))["token"];
  ASSERT_EQ(other.Get("/api/v1/me")->status, 200);
  ExpectProblem(a.Post("/api/v1/me/password", {{"current_password", "wrong"}, {"new_password", "a newer password"}}), 403, "wrong-password");
  ExpectProblem(a.Post("/api/v1/me/password", {{"current_password", "a long password"}, {"new_password", "short"}}), 422, "validation");
  auto r = a.Post("/api/v1/me/password", {{"current_password", "a long password"}, {"new_password", "a newer password"}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["ended_sessions"], 1);
  EXPECT_EQ(a.Get("/api/v1/me")->status, 200);      // this session stays
  EXPECT_EQ(other.Get("/api/v1/me")->status, 401);  // the other ended
  ExpectProblem(other.Post("/api/v1/sessions", {{"alias", "rotator"}, {"password", "a long password"}}), 401, "invalid-credentials");
  other.token = Body(other.Post("/api/v1/sessions", {{"alias", "rotator"}, {"password", "a newer password"}}))["token"];
  auto all = a.Delete("/api/v1/sessions");
  ASSERT_EQ(all->status, 200);
  EXPECT_EQ(Body(all)["ended_sessions"], 2);
  EXPECT_EQ(a.Get("/api/v1/me")->status, 401);
  EXPECT_EQ(other.Get("/api/v1/me")->status, 401);
}

TEST_F(Racers, RegistrationValidatesEachField) {
  ApiClient c(*server_);
  auto r = c.Post("/api/v1/racers", {{"alias", "x"}, {"password", "short"}});
  ExpectProblem(r, 422, "validation");
  EXPECT_EQ(FieldsOf(r), (std::vector<std::string>{"alias", "password"}));
  r = c.Post("/api/v1/racers", {{"alias", std::string(33, 'a')}, {"password", "long enough"}});
  EXPECT_EQ(FieldsOf(r), (std::vector<std::string>{"alias"}));
  r = c.Post("/api/v1/racers", {{"alias", "tab\there"}, {"password", "long enough"}});
  ExpectProblem(r, 422, "validation");
  r = c.Post("/api/v1/racers", {{"password", "long enough"}});
  EXPECT_EQ(json::parse(r->body)["errors"][0]["message"], "is required");
  r = c.Post("/api/v1/racers", {{"alias", 42}, {"password", "long enough"}});
  EXPECT_EQ(json::parse(r->body)["errors"][0]["message"], "must be a string");
  ExpectProblem(c.http.Post("/api/v1/racers", "{not json", "application/json"), 400, "malformed-json");
  ExpectProblem(c.http.Post("/api/v1/racers", "alias=x", "text/plain"), 415, "unsupported-media-type");
}

TEST_F(Racers, AliasesAreUniqueIgnoringCase) {
  ApiClient a(*server_), b(*server_);
  a.SignUp("Lightning");
  auto r = b.Post("/api/v1/racers", {{"alias", "lIGHTNING"}, {"password", "another password"}});
  ExpectProblem(r, 409, "alias-taken");
  // Unicode and punctuation are welcome.
  EXPECT_EQ(b.Post("/api/v1/racers", {{"alias", "Zoë <racer> #1"}, {"password", "another password"}})->status, 201);
}

TEST_F(Racers, SignInFailuresLookTheSame) {
  ApiClient a(*server_);
  a.SignUp("careful");
  auto wrong = a.Post("/api/v1/sessions", {{"alias", "careful"}, {"password", "not the password"}});
  auto unknown = a.Post("/api/v1/sessions", {{"alias", "nobody-here"}, {"password", "not the password"}});
  ExpectProblem(wrong, 401, "invalid-credentials");
  ExpectProblem(unknown, 401, "invalid-credentials");
  EXPECT_EQ(json::parse(wrong->body)["detail"], json::parse(unknown->body)["detail"]);
}

TEST_F(Racers, TokensAre256BitsAndOnlyTheirHashIsStored) {
  ApiClient a(*server_);
  a.SignUp("hashed");
  EXPECT_GE(a.token.size(), 43u);  // 32 bytes in unpadded base64url
  auto league_db = OpenLeagueDb(server_->data_dir());
  db::Connection& db = *league_db;
  db::Statement q(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?");
  q.bind(1, a.token);
  q.executeStep();
  EXPECT_EQ(q.getColumn(0).getInt(), 0) << "the token itself must never be stored";
  db::Statement p(db, "SELECT password_hash FROM racers WHERE alias = 'hashed'");
  p.executeStep();
  EXPECT_EQ(p.getColumn(0).getString().rfind("$argon2id$", 0), 0u);
}

TEST_F(Racers, MissingForgedExpiredAndRevokedTokensGet401) {
  ApiClient a(*server_);
  a.SignUp("tokens");
  EXPECT_EQ(a.Get("/api/v1/me")->status, 200);

  ApiClient anonymous(*server_);
  auto r = anonymous.Get("/api/v1/me");
  ExpectProblem(r, 401, "unauthorized");
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");

  ApiClient forged(*server_);
  forged.token = a.token.substr(0, a.token.size() - 2) + (a.token.back() == 'A' ? "BB" : "AA");
  ExpectProblem(forged.Get("/api/v1/me"), 401, "unauthorized");

  ApiClient expired(*server_);
  expired.SignUp("expiring");
  {
    auto league_db = OpenLeagueDb(server_->data_dir());
    db::Connection& db = *league_db;
    db.exec("UPDATE sessions SET expires_at = 1 WHERE racer_id = (SELECT id FROM racers WHERE alias = 'expiring')");
  }
  ExpectProblem(expired.Get("/api/v1/me"), 401, "unauthorized");

  EXPECT_EQ(a.Delete("/api/v1/sessions/current")->status, 204);
  ExpectProblem(a.Get("/api/v1/me"), 401, "unauthorized");
}

TEST_F(Racers, TermsAreRecordedOnce) {
  ApiClient a(*server_);
  EXPECT_FALSE(a.SignUp("terms", /*accept_terms=*/false)["terms_accepted"].get<bool>());
  EXPECT_FALSE(json::parse(a.Get("/api/v1/terms")->body)["text"].get<std::string>().empty());
  ExpectProblem(a.Post("/api/v1/me/terms", {{"accept", false}}), 422, "validation");
  EXPECT_TRUE(json::parse(a.Post("/api/v1/me/terms", {{"accept", true}})->body)["terms_accepted"].get<bool>());
  auto league_db = OpenLeagueDb(server_->data_dir());
  db::Connection& db = *league_db;
  const int64_t first = db.queryInt("SELECT terms_accepted_at FROM racers WHERE alias = 'terms'");
  a.Post("/api/v1/me/terms", {{"accept", true}});
  EXPECT_EQ(db.queryInt("SELECT terms_accepted_at FROM racers WHERE alias = 'terms'"), first);
}

TEST_F(Racers, UnknownRoutesAreProblemsToo) {
  ApiClient a(*server_);
  ExpectProblem(a.Get("/api/v1/no-such-thing"), 404, "not-found");
}

}  // namespace
}  // namespace pw::testing
