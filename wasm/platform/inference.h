// Platform seam: ONNX Runtime Web (wasm backend, one thread), served from our
// own origin. Sessions load asynchronously; a browser trial's step loop runs
// in JS (session.run is asynchronous) over the C functions of browser_trial.
#pragma once

#include <string>

namespace pw::web {

enum class SessionState { kLoading, kReady, kFailed };

/// Starts creating a session from model bytes; returns its id.
int CreateSession(const std::string& model_bytes);
SessionState GetSessionState(int session_id, std::string* error);
void ReleaseSession(int session_id);

/// Runs the registered browser trial `trial_handle` to its end with the
/// session, asynchronously; the trial's own state says when it is done.
void DriveTrial(int session_id, int trial_handle);

}  // namespace pw::web
