// The browser app's state, shared by its screens. Everything here is plain
// data and the pending work the main loop advances; the screens draw it.
#pragma once

#include <imgui.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "a11y.h"
#include "browser_trial.h"
#include "pitwall/analysis.h"
#include "pitwall/json_codec.h"
#include "pitwall/track.h"
#include "track_view.h"

namespace pw::web {

using nlohmann::json;

enum class Screen { kRaces, kRace, kGarage, kOrganiser, kAccount, kJoin };
const char* ScreenName(Screen s);

/// The outcome of an API call: the JSON body, or the server's problem in words.
struct ApiResult {
  int status = 0;
  json body;
  std::string problem;  ///< detail, plus any field errors
  std::string etag;
  bool ok() const { return status >= 200 && status < 300; }
};

/// A run analysed by the core, with its figures (histograms, off-track points) worked out once.
struct AnalysedRun {
  RunAnalysis run;
  RunFigures figures;  ///< points into run.steps: an AnalysedRun is never copied or moved
  explicit AnalysedRun(RunAnalysis analysis) : run(std::move(analysis)), figures(SummariseRun(run)) {}
  AnalysedRun(const AnalysedRun&) = delete;
  AnalysedRun& operator=(const AnalysedRun&) = delete;
};

/// A browser trial in the garage or a race's comparison: model download,
/// ONNX Runtime Web session, the run, then playback.
struct TrialRun {
  enum class Phase { kDownloading, kLoading, kRunning, kDone, kFailed } phase = Phase::kDownloading;
  int64_t model_id = 0;
  std::string model_name;
  ModelMetadata metadata;
  std::shared_ptr<const Track> track;
  RaceRules rules;
  int session = 0;
  std::unique_ptr<BrowserTrial> trial;
  std::string error;
  std::shared_ptr<const AnalysedRun> analysis;  ///< made when first asked for
  int analysis_lap = 0;                          ///< the lap it studies (0: all)
  std::shared_ptr<const CourseView> course;      ///< the race's boxes or bots (null in time trials)
  // Playback.
  bool playing = true;
  int speed = 1;          ///< 1x .. 16x
  double play_ms = 0.0;   ///< position on the sim clock
};

/// A leaderboard run being watched: its trace replayed here and checked
/// against the laps the server stored.
struct ReplayRun {
  int64_t submission_id = 0;
  std::string alias;
  enum class Phase { kLoading, kReady, kFailed } phase = Phase::kLoading;
  std::string error;
  json server_laps;
  std::vector<Frame> frames;
  TrialResult result;
  bool verified = false;
  std::string difference;
  double requested_ms = 0, start_ms = 0;  ///< from the click to ready to play
  std::shared_ptr<const AnalysedRun> analysis;  ///< the run row by row (the core's analysis)
  std::shared_ptr<const CourseView> course;     ///< the race's boxes or bots, moving as they did in the server's run
};

/// A ranked run as fetched once: the server's record of it and its trace (neither changes).
struct FetchedRun {
  bool run_in = false, trace_in = false;
  ApiResult run;
  int trace_status = 0;
  std::string trace;
  std::vector<std::function<void(const FetchedRun&)>> waiting;
  bool complete() const { return run_in && trace_in; }
};

/// Run analysis on a race's page: one run against another (A against B), laps and sectors chosen.
struct AnalysisView {
  int64_t race = 0;
  int64_t a = 0, b = 0;         ///< the runs (submissions) compared; A's deltas are against B
  int lap_a = 0, lap_b = 0;     ///< 0: each run's best lap
  int sectors = 0;              ///< 0: the track's own (one per corner), else that many equal ones
  int run_lap = 0;              ///< the one-run view: 0 all laps, else that lap
  double requested_ms = 0;      ///< when the comparison was asked for
  double first_drawn_ms = -1;   ///< how long until it was first drawn
  // The comparison as last computed, and what it was computed for (runs, laps, sectors): computed
  // again only when one of those changes, not every frame.
  std::array<int64_t, 5> computed_for{};
  std::vector<double> sector_starts;
  std::shared_ptr<const LapComparison> comparison;
};

// What the screens keep between frames (choices, forms, previews) lives here, in AppState, never in
// function-local statics: signing out forgets all of it (ForgetScreens).
struct GarageScreen {
  json last_upload;            ///< the model gate's verdict on the last file
  int64_t renaming = 0;        ///< the model being renamed
  std::string new_name;
  int64_t trial_model = 0;     ///< Try on track: the model, the track, the laps
  std::string trial_track = "pitwall_park";
  int trial_laps = 3;
};
struct JoinScreen {
  std::string loaded_for;      ///< the invitation token the preview is for
  json preview;                ///< the race it leads to
  std::string problem;
};
/// A race its organiser is managing: the invitation, who joined.
struct ManagedRace {
  int64_t race = 0;
  json invitation;
  json participants = json::array();
  std::string link;            ///< the link (the server keeps it sealed for its organiser)
};
struct OrganiserScreen {
  std::string name, description;
  std::string track = "pitwall_park";
  int laps = 3, min_laps = 3, days = 14, max_uses = 0, timing = 0;
  bool public_board = false;
  // The race type and what it puts on the track (previewed on the track before the race exists).
  int race_type = 0;               ///< index into TIME_TRIAL, OBJECT_AVOIDANCE, HEAD_TO_BOT
  int boxes = 3, bots = 3;
  float bot_speed = 1.0f, lane_change_interval = 5.0f, collision_penalty = 5.0f;
  bool lane_changes = false;
  uint32_t course_seed = 0;        ///< 0: not drawn yet
  std::shared_ptr<const CourseView> preview;
  std::string preview_key;         ///< what the preview was built from
  ManagedRace manage;
};
struct RaceScreen {
  int64_t chosen_model = 0;    ///< the model Submit sends
  std::string terms;           ///< the racing terms, fetched when first shown
};

struct AppState {
  // Navigation.
  Screen screen = Screen::kRaces;
  int64_t race_id = 0;
  std::string join_token;

  // Signed-in racer.
  std::string token;
  json me;  ///< null when signed out
  bool signed_in() const { return !token.empty() && me.is_object(); }

  // Server data, as last fetched.
  json races = json::array();          ///< league races
  json my_races = json::array();       ///< community races I run or joined
  json tracks = json::array();         ///< built-in track summaries
  json models = json::array();         ///< my models
  std::map<int64_t, json> race_detail;
  std::map<int64_t, std::shared_ptr<const Track>> race_tracks;
  /// What each race puts on its track (boxes, bots), built with its track; absent for time trials.
  std::map<int64_t, std::shared_ptr<const CourseView>> race_courses;
  std::map<std::string, std::shared_ptr<const Track>> builtin_tracks;
  std::map<int64_t, std::vector<LeaderboardEntry>> leaderboards;  ///< parsed once, by the core's codec
  std::map<int64_t, std::string> leaderboard_etags;
  std::map<int64_t, json> my_submissions;  ///< per race
  std::map<int64_t, double> next_poll_ms;

  // Work in progress and messages.
  int pending = 0;
  std::string status_line;
  std::vector<std::pair<std::string, double>> errors;  ///< message, until (ms)
  std::unique_ptr<TrialRun> garage_trial;
  std::unique_ptr<TrialRun> compare_trial;
  int64_t compare_submission = 0;
  int64_t compare_race = 0;  ///< the race whose page shows the comparison
  std::string compare_title; ///< which entry it is, in the racer's words ("Your entry 2 (park)")
  json compare_server_laps;
  std::vector<std::unique_ptr<ReplayRun>> watch;  ///< one run, or two in ghost mode
  int64_t watch_race = 0;
  AnalysisView analysis;
  std::map<int64_t, std::shared_ptr<FetchedRun>> fetched_runs;  ///< by submission
  bool watch_playing = true;
  int watch_speed = 1;
  double watch_ms = 0;

  // The screens' own state (above), and the sign-in it belongs to: answers that arrive after a
  // sign-out (session changed) are dropped.
  GarageScreen garage;
  JoinScreen join;
  OrganiserScreen organiser;
  RaceScreen race_screen;
  int session = 0;
  std::string last_path;  ///< the address the app last showed (navigation by the browser's history)

  // Views.
  std::map<std::string, TrackView> views;
  float px_per_css = 1.0f;  ///< ImGui works in device pixels
  float ui_scale = 1.0f;    ///< sizes and fonts are this many device pixels per design pixel
  ImFont* mono = nullptr;   ///< for figures (times, gaps)
  /// A design size (as at 1x) in ImGui's pixels.
  float Px(float design) const { return design * ui_scale; }

  // Forms whose fields are DOM inputs (platform/dom.h), by form id: field values.
  std::map<std::string, std::map<std::string, std::string>> forms;
  // The accessible mirror of the screen (platform/dom.h's blocks), built each frame, and its controls (a11y.h).
  json a11y = json::array();
  A11yState a11y_state;
  std::string last_a11y;
  std::string title, last_title;  ///< the screen's name in the page title
  std::map<int64_t, double> submitting;          ///< race -> until when Submit stays off
  std::map<int64_t, std::string> submitted_note; ///< race -> what the last submission said
  bool touch = false;                            ///< a touch screen (coarse pointer): bigger targets, touch words
  bool narrow = false;                           ///< under 700 CSS pixels wide: one column
  std::map<std::string, double> copied_until;   ///< Copy buttons' "Copied", by name
  std::vector<double> wake_at;     ///< moments a screen needs a frame at (feedback that expires)

  // Test probe: rectangles of named widgets and values shown, published each frame.
  json probe_items = json::object();
  json probe_values = json::object();
  std::string last_probe;
  float scroll_css = 0;  ///< how far the screen is scrolled (CSS pixels)
  int frame = 0;
  double first_frame_ms = -1;
};

// api.cpp
void ApiCall(AppState& s, const std::string& method, const std::string& path, const json& body, std::function<void(const ApiResult&)> done,
             const std::string& idempotency_key = "");
void ApiUpload(AppState& s, const std::string& path, const std::string& bytes, const std::string& content_type,
               std::function<void(const ApiResult&)> done);
void ApiGetRaw(AppState& s, const std::string& path, std::function<void(int status, const std::string& body)> done);
void ShowError(AppState& s, const std::string& message);
void LoadMe(AppState& s);
void SignOut(AppState& s);
void RefreshRaces(AppState& s);
void RefreshModels(AppState& s);
void RefreshTracks(AppState& s);
void LoadRace(AppState& s, int64_t race_id);
void PollRace(AppState& s, int64_t race_id);

// navigation (app.cpp)
void Go(AppState& s, Screen screen, int64_t race_id = 0);

// probe helpers (app.cpp): name the last widget, record a value shown.
void Tag(AppState& s, const std::string& name);
/// Names item `id` as laid out this frame (for controls that are not the last item, such as an open combo).
void TagItem(AppState& s, const std::string& name, ImGuiID id);
void ShowValue(AppState& s, const std::string& key, const json& value);

// widgets.cpp: controls the platform serves with DOM elements, and the accessible mirror.
struct TextFieldOptions {
  std::string form;          ///< fields of one form share a DOM <form>: Enter submits it (TakeSubmit)
  std::string type = "text"; ///< "password", "url"
  std::string autocomplete;  ///< "username", "current-password", "new-password", "off"
  std::string placeholder;
  float width = 260;         ///< design pixels
  int max_length = 0;
};
/// A labelled text field at the cursor; `name` names it for the probe and the DOM. True when edited.
/// A label "##Name" shows nothing beside the field; "Name" is still its accessible name.
bool TextField(AppState& s, const std::string& name, const char* label, std::string& value, const TextFieldOptions& options = {});
/// The next control's width: `design` pixels as asked, but never wider than the room beside its label.
void FitNextItem(AppState& s, float design, const char* label = "");
/// SameLine on wide screens; on narrow ones the next control starts a new line.
void SameLineIfRoom(const AppState& s);
/// A small "Copy" button that copies `text` and says "Copied" for two seconds.
void CopyButton(AppState& s, const std::string& name, const std::string& text);
/// A confirmation: call OpenConfirm(id) on the action's button, then Confirm every frame; true once
/// when the person confirms. The dialog opens away from the pointer, the safe choice first, so a
/// second click where the first one was does nothing.
void OpenConfirm(AppState& s, const std::string& id);
bool Confirm(AppState& s, const std::string& id, const std::string& question, const char* yes, const char* no = "Cancel");
/// A drop-down list: ImGui's combo on the canvas (options tagged `tag`.key for the probe), a <select>
/// named `name` in the accessible mirror. `label` shows beside it (may be empty); `index` -1: none yet,
/// `placeholder` shown instead. True when the person chose another option.
struct ChoiceOption {
  std::string text;
  std::string key;
};
bool Choice(AppState& s, const std::string& tag, const std::string& label, const std::string& name, int& index,
            const std::vector<ChoiceOption>& options, const char* placeholder = nullptr);
/// A slider on the canvas, a range input in the mirror (named by the label's visible part).
bool Slider(AppState& s, const std::string& label, int& v, int lo, int hi);
/// A time slider (seconds, shown with two decimals).
bool SliderSeconds(AppState& s, const std::string& label, const std::string& name, float& v, float lo, float hi);
/// A slider for any number: `format` shows it ("%.1f m/s"), `spoken` is the same for screen readers ("%.1f metres per second").
bool SliderNumber(AppState& s, const std::string& label, const std::string& name, float& v, float lo, float hi, float step, const char* format,
                  const char* spoken);
/// A chart of series over a shared x (lap distance): hover shows the values; `x_marks` draw as
/// vertical lines (sector boundaries). Values below -1e8 are gaps.
struct ChartSeries {
  const std::vector<double>* y;
  ImU32 colour;
  const char* name;
};
void LineChart(AppState& s, const char* id, const std::vector<double>& x, const std::vector<ChartSeries>& series, float height,
               const char* unit, const std::vector<double>& x_marks = {});
/// Bars for counts (a histogram), labelled below.
void BarChart(AppState& s, const char* id, const std::vector<int>& counts, const std::vector<std::string>& labels, float height);
/// True once after Enter in one of the form's fields.
bool TakeSubmit(const std::string& form);
/// The form's field value (kept in AppState, so sign-out can clear it).
std::string& FormValue(AppState& s, const std::string& form, const std::string& field);
/// The accessible mirror: a heading, a paragraph, a table, a status message (a live region).
void A11yHeading(AppState& s, const std::string& text);
void A11yText(AppState& s, const std::string& text);
void A11yTable(AppState& s, const std::string& caption, const std::vector<std::string>& columns,
               const std::vector<std::vector<std::string>>& rows);
void A11yStatus(AppState& s, const std::string& text);

// trial runs (trials.cpp)
std::unique_ptr<TrialRun> StartTrialRun(AppState& s, int64_t model_id, std::shared_ptr<const Track> track, const RaceRules& rules);
void AdvanceTrialRun(AppState& s, TrialRun& run, double dt_ms);
void DrawTrialRun(AppState& s, TrialRun& run, const std::string& id);

// analysis (analysis_view.cpp)
/// Watches A and B together and opens their comparison.
void CompareRuns(AppState& s, int64_t race_id, int64_t a, int64_t b);
/// The comparison and each run in depth, under the replays of the race's page.
void DrawAnalysis(AppState& s, int64_t race_id);
/// One run in depth: speed on the track, where it left it, its laps, its actions; the simtrace CSV.
void DrawRunAnalysis(AppState& s, const AnalysedRun& analysed, const Track& track, const std::string& id, int& lap, const std::string& csv_name);

// replays (watch.cpp)
/// A run's record and trace, from the server once, then from memory; `done` when both are in.
void FetchRun(AppState& s, int64_t submission_id, std::function<void(const FetchedRun&)> done);
/// Starts fetching a run the person is about to ask for (the pointer is on its button), once.
void PrefetchRun(AppState& s, int64_t submission_id);
void WatchRun(AppState& s, int64_t race_id, int64_t submission_id, bool as_ghost);
void AdvanceWatch(AppState& s, double dt_ms);
void DrawWatch(AppState& s, int64_t race_id);

// screens
void DrawRaces(AppState& s);
void DrawRace(AppState& s);
void DrawGarage(AppState& s);
void DrawOrganiser(AppState& s);
void DrawAccount(AppState& s);
void DrawJoin(AppState& s);
void DrawSignIn(AppState& s, const std::string& id, std::function<void()> after);

/// A race's rules from its API JSON.
RaceRules RulesOf(const json& race);

// formatting
std::string Secs(int64_t ms);
/// How a timing method reads to a person ("best lap", ...); the API's names come from the core.
const char* TimingLabel(TimingMethod method);
/// A built-in track's display name from its id (the id itself when unknown).
std::string TrackName(const AppState& s, const std::string& id);
std::string ShortTime(const std::string& rfc3339);

}  // namespace pw::web
