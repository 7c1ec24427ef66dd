// Models run in sandboxed worker processes (server/sandbox). Tried as a
// hostile racer would: the real server on loopback under a memory limit, a
// visitor reading health and a leaderboard throughout, and models that are
// slow at every step, workers that are killed or crash mid-evaluation, and a
// racer who floods the queue.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <dirent.h>
#include <sys/mman.h>

#include <set>

#include "model_corpus.h"
#include "prober.h"
#include "sandbox.h"
#include "trace_check.h"
#include "server_process.h"
#include "worker_protocol.h"
#include "league_db.h"

namespace pw::testing {
namespace {

constexpr size_t kServerMemory = 1ull << 30;  // RLIMIT_AS, as production would set it

// A process's children.
std::set<pid_t> Children(pid_t parent) {
  std::set<pid_t> out;
  DIR* tasks = opendir(("/proc/" + std::to_string(parent) + "/task").c_str());
  if (tasks == nullptr) return out;
  while (dirent* t = readdir(tasks)) {
    if (t->d_name[0] == '.') continue;
    std::ifstream children("/proc/" + std::to_string(parent) + "/task/" + t->d_name + "/children");
    pid_t child = 0;
    while (children >> child) out.insert(child);
  }
  closedir(tasks);
  return out;
}

bool IsWorker(pid_t pid) {
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string line((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
  return line.find(std::string("worker\0", 7)) != std::string::npos;
}

// The server's evaluation processes: the children of its `pitwall worker`s.
std::set<pid_t> WorkerPids(pid_t server) {
  std::set<pid_t> out;
  for (pid_t worker : Children(server))
    if (IsWorker(worker))
      for (pid_t evaluation : Children(worker)) out.insert(evaluation);
  return out;
}

// Sends `sig` to the process evaluating a submission, `first_settle_ms` (then
// `settle_ms`) after an attempt is seen to start, until the submission has ended; returns how many
// signals were sent. While a submission is being evaluated its process is
// the server's only evaluation process (the next is forked when it ends). A
// signal that lands before the job was handed over costs no attempt (the
// server sees the process died while idle), so the loop signals again.
int SignalUntilFinished(const ServerProcess& server, const std::string& submission_id, int sig, int first_settle_ms, int settle_ms,
                        const std::function<void(int)>& after_each = {}) {
  auto league_db = OpenLeagueDb(server.data_dir());
  db::Connection& db = *league_db;
  std::set<pid_t> signalled;
  int sent = 0;
  for (int i = 0; i < 2400 && sent < 10; ++i) {
    db::Statement q(db, "SELECT status FROM submissions WHERE id = " + submission_id);
    if (!q.executeStep()) break;
    const std::string status = q.getColumn(0).getString();
    if (status == "COMPLETED" || status == "FAILED") break;
    std::set<pid_t> workers = WorkerPids(server.pid());
    for (pid_t p : signalled) workers.erase(p);
    if (status == "EVALUATING" && workers.size() == 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(sent == 0 ? first_settle_ms : settle_ms));
      const pid_t target = *workers.begin();
      kill(target, sig);
      signalled.insert(target);
      if (after_each) after_each(++sent);
      else ++sent;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return sent;
}

// Polls a submission until `done` holds of it (or gives up); returns its last state.
json WaitFor(ApiClient& client, const std::string& id, const std::function<bool(const json&)>& done, int tries = 2400) {
  json state;
  for (int i = 0; i < tries; ++i) {
    state = Body(client.Get("/api/v1/submissions/" + id));
    if (done(state)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return state;
}

bool Finished(const json& s) { return s["status"] == "COMPLETED" || s["status"] == "FAILED"; }

struct League {
  std::string race, board;
};

League MakeRace(ApiClient& admin, int laps) {
  admin.SignUpAdmin("steward");
  const json race = Body(admin.Post("/api/v1/races", {{"name", "Sandbox"}, {"track_id", "quarry_sprint"}, {"laps", laps}, {"min_laps", 1},
                                                        {"max_submissions", 1000}, {"closes_at", "2099-01-01T00:00:00Z"}}));
  if (!race.contains("id")) throw std::runtime_error("race: " + race.dump());
  return {"/api/v1/races/" + race["id"].dump(), "/api/v1/races/" + race["id"].dump() + "/leaderboard"};
}

std::string Submit(ApiClient& racer, const League& league, const std::string& model_bytes) {
  auto upload = racer.Upload(model_bytes);
  if (upload->status != 201) throw std::runtime_error("upload refused: " + upload->body);
  const json s = Body(racer.Post(league.race + "/submissions", {{"model_id", Body(upload)["id"]}}));
  return s["id"].dump();
}

TEST(WorkerProtocol, FramesRoundTripAndBrokenFramesAreRefused) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  const std::string payload(100000, 'x');  // larger than a pipe's buffer: the reader assembles it
  std::thread writer([&] { sandbox::WriteFrame(p[1], {{"type", "job"}, {"n", 7}}, payload); });
  sandbox::FrameReader reader(p[0]);
  auto f = reader.Next(sandbox::MonotonicMs() + 5000);
  writer.join();
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f.value().type(), "job");
  EXPECT_EQ(f.value().header["n"], 7);
  EXPECT_EQ(f.value().payload, payload);
  // Nothing more: a deadline passes.
  auto none = reader.Next(sandbox::MonotonicMs() + 50);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "timeout");
  close(p[1]);
  EXPECT_EQ(reader.Next(sandbox::MonotonicMs() + 1000).error().message, "closed");
  close(p[0]);
  // A header that is not an object with a type, and a length over the limit:
  // the stream is broken from there (the server kills such a worker).
  auto first_error = [](const std::string& bytes) {
    int q[2];
    if (pipe(q) != 0) return std::string("pipe");
    if (write(q[1], bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) return std::string("write");
    sandbox::FrameReader r(q[0]);
    auto f = r.Next(sandbox::MonotonicMs() + 1000);
    close(q[0]);
    close(q[1]);
    return f ? std::string("a frame") : f.error().message;
  };
  EXPECT_EQ(first_error(sandbox::EncodeFrame({{"no_type", 1}})), "a frame header is not a JSON object with a type");
  EXPECT_EQ(first_error(std::string("\xff\xff\xff\x7f", 4)), "a frame header of 2147483647 bytes is over the limit");
  EXPECT_EQ(first_error(std::string("\x02\x00\x00\x00{}\xff\xff\xff\x7f", 10)), "a frame payload of 2147483647 bytes is over the limit");
}

// The filter itself, in a child process: files cannot be opened (EACCES),
// memory cannot be made executable, and a socket ends the process (SIGSYS).
TEST(Sandbox, TheFilterRefusesFilesExecutableMemoryAndSockets) {
  auto run = [](const std::function<int()>& act) {
    const pid_t pid = fork();
    if (pid == 0) {
      sandbox::SandboxLimits limits;
      limits.memory_bytes = 512ll << 20;
      if (!sandbox::EnterSandbox(limits)) _exit(90);
      _exit(act());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
  };
  int status = run([] { return open("/etc/hostname", O_RDONLY) < 0 && errno == EACCES ? 0 : 1; });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "open must fail with EACCES";
  status = run([] {
    void* m = mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return m == MAP_FAILED ? 0 : 1;
  });
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) << "executable memory ends the process";
  status = run([] { return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 1 : 2; });
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) << "a socket ends the process";
  // Memory past the limit: the allocation fails and the process says so.
  status = run([] {
    std::vector<std::unique_ptr<char[]>> hog;
    for (int i = 0; i < 64; ++i) hog.emplace_back(new char[64 << 20]);
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), sandbox::kExitOutOfMemory);
}

// A model slow at every step holds one worker until the evaluation's time
// limit ends it; another racer's submission is served, and reads go on.
TEST(Sandbox, AModelSlowAtEveryStepIsStoppedAtTheTimeLimit) {
  // About 2 ms a step on this 2-core machine, 2,700 steps: the limit is a fraction of that.
  ServerProcess server(TempDir("sandbox-slow"), {"--no-demo", "--evaluation-timeout-s", "2", "--step-budget-ms", "10000"}, /*workers=*/1, kServerMemory);
  ApiClient admin(server), slow(server), other(server);
  const League league = MakeRace(admin, 10);
  slow.SignUp("slowcoach");
  other.SignUp("punctual");
  Prober visitor(server, league.board);
  const std::string slow_id = Submit(slow, league, SlowModel());
  const std::string other_id = Submit(other, league, Starter("quarry-steady"));
  const json failed = WaitFor(slow, slow_id, Finished);
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_EQ(failed["reason"], "the evaluation took longer than 2 s");
  EXPECT_EQ(WaitFor(other, other_id, Finished)["status"], "COMPLETED");
  visitor.Stop();
  EXPECT_EQ(visitor.failures(), 0);
  EXPECT_GT(visitor.count(), 20u);
  // The slow evaluation process is gone; one fresh one waits (give the last one a moment to be reaped).
  size_t evaluation_processes = 0;
  for (int i = 0; i < 80 && (evaluation_processes = WorkerPids(server.pid()).size()) != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_EQ(evaluation_processes, 1u);
}

// A process's virtual memory (VmSize), in bytes: what RLIMIT_AS limits.
size_t VirtualBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  return 0;
}

// A model that needs more memory than its evaluation process may have ends
// FAILED saying so; a small one beside it is evaluated as ever. The limit is
// set 64 MiB above what a waiting evaluation process maps on this machine.
TEST(Sandbox, AModelThatNeedsTooMuchMemoryFailsSayingSo) {
  size_t baseline = 0;
  {
    ServerProcess probe(TempDir("sandbox-vm"), {"--no-demo"}, /*workers=*/1, kServerMemory);
    for (int i = 0; i < 400 && WorkerPids(probe.pid()).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    ASSERT_EQ(WorkerPids(probe.pid()).size(), 1u);
    baseline = VirtualBytes(*WorkerPids(probe.pid()).begin());
  }
  ASSERT_GT(baseline, 0u);
  const std::string limit_mb = std::to_string((baseline >> 20) + 64);
  ServerProcess server(TempDir("sandbox-memory"), {"--no-demo", "--worker-memory-mb", limit_mb}, /*workers=*/1, kServerMemory);
  ApiClient admin(server), hungry(server), other(server);
  const League league = MakeRace(admin, 1);
  hungry.SignUp("hungry");
  other.SignUp("frugal");
  Prober visitor(server, league.board);
  const std::string hungry_id = Submit(hungry, league, MemoryHungryModel());
  const std::string other_id = Submit(other, league, Starter("quarry-steady"));
  const json failed = WaitFor(hungry, hungry_id, Finished);
  EXPECT_EQ(failed["status"], "FAILED");
  std::printf("limit %s MiB: %s\n", limit_mb.c_str(), failed["reason"].dump().c_str());
  EXPECT_NE(failed["reason"].get<std::string>().find("the model needed more than " + limit_mb + " MiB of memory"), std::string::npos)
      << failed["reason"];
  EXPECT_EQ(WaitFor(other, other_id, Finished)["status"], "COMPLETED");
  visitor.Stop();
  EXPECT_EQ(visitor.failures(), 0);
}

// The slow model submitted alone to a server with `options` (one worker), on a
// race of `laps`; its submission once it has ended.
json SlowModelAlone(const std::string& name, const std::vector<std::string>& options, int laps) {
  std::vector<std::string> args = {"--no-demo"};
  args.insert(args.end(), options.begin(), options.end());
  ServerProcess server(TempDir(name), args, /*workers=*/1, kServerMemory);
  ApiClient admin(server), slow(server);
  const League league = MakeRace(admin, laps);
  slow.SignUp("slowcoach");
  return WaitFor(slow, Submit(slow, league, SlowModel()), Finished);
}

// Processor time is limited per evaluation process (RLIMIT_CPU): past it, the
// kernel ends the process and the racer is told why.
TEST(Sandbox, AModelPastTheProcessorTimeLimitFailsSayingSo) {
  const json failed = SlowModelAlone("sandbox-cpu", {"--worker-cpu-seconds", "1", "--step-budget-ms", "10000"}, 10);
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_EQ(failed["reason"], "the model used more than 1 s of processor time");
}

// The step budget is enforced while inference runs: the watchdog stops the
// first step past it, without waiting for it to return.
TEST(Sandbox, TheStepBudgetStopsInferenceWhileItRuns) {
  const json failed = SlowModelAlone("sandbox-budget", {"--step-budget-ms", "1"}, 1);
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_EQ(failed["reason"], "model error: inference passed the budget of 1 ms per step and was stopped");
}

// A worker killed from outside (an operator, the kernel) loses the attempt,
// not the submission: it is queued again, at most three times in all. A worker
// that crashes while running a model ends that submission at once.
TEST(Sandbox, KilledWorkersAreRetriedThreeTimesCrashesFailAtOnce) {
  // A generous step budget: on a loaded machine a slow step may pass 100 ms of wall time.
  ServerProcess server(TempDir("sandbox-kill"), {"--no-demo", "--step-budget-ms", "10000"}, /*workers=*/1, kServerMemory);
  ApiClient admin(server), victim(server), other(server);
  const League league = MakeRace(admin, 10);
  victim.SignUp("victim");
  other.SignUp("bystander");
  Prober visitor(server, league.board);
  const std::string slow_model = SlowModel();  // an evaluation of many seconds
  const std::string id = Submit(victim, league, slow_model);
  std::string other_id;
  // The first kill comes as soon as the attempt starts (maybe before the
  // process has its 4 MB job, maybe while it reads it); the others well into
  // the evaluation.
  int kills = 0;
  const int sent = SignalUntilFinished(server, id, SIGKILL, 0, 300, [&](int n) {
    kills = n;
    if (n == 1) other_id = Submit(other, league, Starter("quarry-steady"));
  });
  EXPECT_GE(sent, 3);
  EXPECT_EQ(kills, sent);
  const json gave_up = WaitFor(victim, id, Finished);
  EXPECT_EQ(gave_up["status"], "FAILED");
  EXPECT_EQ(gave_up["reason"], "evaluation could not finish after 3 attempts: the evaluation process was killed (SIGKILL)");
  EXPECT_EQ(WaitFor(other, other_id, Finished)["status"], "COMPLETED") << "the bystander is served between the attempts";

  // A crash (what a fault inside ONNX Runtime would raise) fails the submission at once.
  const std::string crash_id = Submit(victim, league, slow_model);
  EXPECT_GE(SignalUntilFinished(server, crash_id, SIGSEGV, 300, 300), 1);
  const json crashed = WaitFor(victim, crash_id, Finished);
  EXPECT_EQ(crashed["status"], "FAILED");
  EXPECT_EQ(crashed["reason"], "the evaluator crashed while running the model (SEGV)");
  visitor.Stop();
  EXPECT_EQ(visitor.failures(), 0);
  auto league_db = OpenLeagueDb(server.data_dir());
  db::Connection& db = *league_db;
  EXPECT_EQ(db.queryInt("SELECT attempts FROM submissions WHERE id = " + crash_id), 1);
  EXPECT_EQ(db.queryInt("SELECT attempts FROM submissions WHERE id = " + id), 3);
}

// A worker, or an evaluation process, killed while it waits for work is
// replaced when the next job comes, without costing that submission an attempt.
TEST(Sandbox, AWorkerKilledWhileIdleIsReplacedAtNoCost) {
  ServerProcess server(TempDir("sandbox-idle"), {"--no-demo"}, /*workers=*/1, kServerMemory);
  std::set<pid_t> workers;
  for (int i = 0; i < 400 && WorkerPids(server.pid()).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  for (pid_t p : Children(server.pid()))
    if (IsWorker(p)) workers.insert(p);
  ASSERT_EQ(workers.size(), 1u);
  kill(*workers.begin(), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ApiClient admin(server), racer(server);
  const League league = MakeRace(admin, 1);
  racer.SignUp("patient");
  const std::string id = Submit(racer, league, Starter("quarry-steady"));
  EXPECT_EQ(WaitFor(racer, id, Finished)["status"], "COMPLETED");
  // And an evaluation process killed while it waits for its job: its "ready" is stale.
  std::set<pid_t> idle;
  for (int i = 0; i < 400 && (idle = WorkerPids(server.pid())).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_EQ(idle.size(), 1u);
  kill(*idle.begin(), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string again = Submit(racer, league, Starter("quarry-steady"));
  EXPECT_EQ(WaitFor(racer, again, Finished)["status"], "COMPLETED");
  auto league_db = OpenLeagueDb(server.data_dir());
  db::Connection& db = *league_db;
  EXPECT_EQ(db.queryInt("SELECT attempts FROM submissions WHERE id = " + id), 1);
  EXPECT_EQ(db.queryInt("SELECT attempts FROM submissions WHERE id = " + again), 1);
}

// One racer's 200 submissions beside another's one: the one is served next,
// every one of the 200 is evaluated exactly once, reads go on, and the
// server's own memory stays flat (the models run in the workers).
TEST(Sandbox, TwoHundredSubmissionsFromOneRacerBesideOneFromAnother) {
  ServerProcess server(TempDir("sandbox-flood"), {"--no-demo", "--max-waiting-per-racer", "500", "--writes-per-minute", "100000"},
                       /*workers=*/2, kServerMemory);
  ApiClient admin(server), flood(server), single(server);
  const League league = MakeRace(admin, 10);
  flood.SignUp("flood");
  single.SignUp("single");
  Prober visitor(server, league.board);
  const int64_t model = Body(flood.Upload(Starter("quarry-steady")))["id"];
  auto flood_of = [&](int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto r = flood.Post(league.race + "/submissions", {{"model_id", model}});
      if (r->status != 202) throw std::runtime_error("submission refused: " + r->body);
      ids.push_back(Body(r)["id"].dump());
    }
    return ids;
  };
  // A first hundred warms the server up (caches, buffers, arenas), so the
  // second hundred shows whether evaluations leave anything behind.
  for (const std::string& f : flood_of(100)) {
    const json sub = WaitCompleted(flood, f, 4000);
    ASSERT_EQ(sub["status"], "COMPLETED") << sub.dump();
  }
  const size_t rss_before = SettledRssBytes(server.pid());
  const std::vector<std::string> floods = flood_of(100);
  const json mine = Body(single.Post(league.race + "/submissions", {{"model_id", Body(single.Upload(Starter("quarry-steady")))["id"]}}));
  EXPECT_EQ(mine["queue_position"], 1) << "a racer's first waiting submission goes before the flood's";
  std::vector<std::string> waiting;
  for (const std::string& f : floods)
    if (Body(flood.Get("/api/v1/submissions/" + f))["status"] == "QUEUED") waiting.push_back(f);
  const json done = WaitCompleted(single, mine["id"].dump());
  ASSERT_EQ(done["status"], "COMPLETED");
  for (const std::string& f : floods) {
    const json sub = WaitCompleted(flood, f, 4000);
    ASSERT_EQ(sub["status"], "COMPLETED") << sub.dump();
  }
  for (const std::string& f : waiting)
    EXPECT_GE(Body(flood.Get("/api/v1/submissions/" + f))["started_at"].get<std::string>(), done["started_at"].get<std::string>()) << f;
  const size_t rss_after = SettledRssBytes(server.pid());
  visitor.Stop();
  EXPECT_EQ(visitor.failures(), 0);
  EXPECT_GT(waiting.size(), 50u) << "most of the flood was still waiting when the single racer submitted";
  EXPECT_LT(rss_after, rss_before + (8u << 20)) << "server memory " << (rss_before >> 20) << " MiB -> " << (rss_after >> 20) << " MiB";
  std::printf("server memory %.1f MiB -> %.1f MiB over the second 100 evaluations\n", rss_before / 1048576.0, rss_after / 1048576.0);
  auto league_db = OpenLeagueDb(server.data_dir());
  db::Connection& db = *league_db;
  EXPECT_EQ(db.queryInt("SELECT COUNT(*) FROM submissions WHERE status = 'COMPLETED' AND attempts = 1"), 201);
  EXPECT_EQ(db.queryInt("SELECT COUNT(*) FROM leaderboard WHERE race_id = " + league.race.substr(league.race.rfind('/') + 1)), 2);
  EXPECT_EQ(ExpectEveryRunReplays(server.data_dir()), 201);
}

}  // namespace
}  // namespace pw::testing
