// Racers and sessions against the real server on loopback.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "server_process.h"

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

TEST_F(Racers, FirstAccountIsAdminTheRestAreRacers) {
  ServerProcess fresh(TempDir("first"));
  ApiClient a(fresh), b(fresh);
  EXPECT_EQ(a.SignUp("founder")["role"], "admin");
  EXPECT_EQ(b.SignUp("second")["role"], "racer");
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
  SQLite::Database db(server_->data_dir() + "/pitwall.db", SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?");
  q.bind(1, a.token);
  q.executeStep();
  EXPECT_EQ(q.getColumn(0).getInt(), 0) << "the token itself must never be stored";
  SQLite::Statement p(db, "SELECT password_hash FROM racers WHERE alias = 'hashed'");
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
    SQLite::Database db(server_->data_dir() + "/pitwall.db", SQLite::OPEN_READWRITE);
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
  SQLite::Database db(server_->data_dir() + "/pitwall.db", SQLite::OPEN_READONLY);
  const int64_t first = db.execAndGet("SELECT terms_accepted_at FROM racers WHERE alias = 'terms'").getInt64();
  a.Post("/api/v1/me/terms", {{"accept", true}});
  EXPECT_EQ(db.execAndGet("SELECT terms_accepted_at FROM racers WHERE alias = 'terms'").getInt64(), first);
}

TEST_F(Racers, UnknownRoutesAreProblemsToo) {
  ApiClient a(*server_);
  ExpectProblem(a.Get("/api/v1/no-such-thing"), 404, "not-found");
}

}  // namespace
}  // namespace pw::testing
