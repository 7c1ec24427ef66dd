#include <emscripten.h>

#include <cstdlib>

#include "inference.h"

EM_JS(void, pw_js_ort_create, (int id, const char* bytes, int len), {
  window.pitwallOrt = window.pitwallOrt || {sessions : {}};
  const slot = {state : 0, error : "", session : null};
  window.pitwallOrt.sessions[id] = slot;
  const data = HEAPU8.slice(bytes, bytes + len);
  (async () => {
    try {
      if (typeof ort === "undefined") throw new Error("ONNX Runtime Web did not load");
      ort.env.wasm.wasmPaths = "/ort/";
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      slot.session = await ort.InferenceSession.create(data, {executionProviders : ["wasm"]});
      slot.state = 1;
    } catch (e) {
      slot.state = 2;
      slot.error = String(e && e.message ? e.message : e);
    }
  })();
});

EM_JS(int, pw_js_ort_state, (int id), {
  const s = window.pitwallOrt && window.pitwallOrt.sessions[id];
  return s ? s.state : 2;
});

EM_JS(char*, pw_js_ort_error, (int id), {
  const s = window.pitwallOrt && window.pitwallOrt.sessions[id];
  const t = s ? s.error : "no such session";
  const n = lengthBytesUTF8(t) + 1;
  const p = _malloc(n);
  stringToUTF8(t, p, n);
  return p;
});

EM_JS(void, pw_js_ort_release, (int id), {
  const s = window.pitwallOrt && window.pitwallOrt.sessions[id];
  if (s && s.session) s.session.release();
  if (window.pitwallOrt) delete window.pitwallOrt.sessions[id];
});

// The step loop: observation out of the core, through ORT Web, decision back in.
EM_JS(void, pw_js_drive_trial, (int sid, int h), {
  const slot = window.pitwallOrt.sessions[sid];
  (async () => {
    const t0 = performance.now();
    const session = slot.session;
    const outName = session.outputNames[0];
    let steps = 0;
    try {
      for (;;) {
        const state = _pw_trial_state(h);
        if (state == 2) break;
        if (state == 1) { _pw_trial_hold(h); continue; }
        const feeds = {};
        const n = _pw_trial_input_count(h);
        for (let k = 0; k < n; ++k) {
          const size = _pw_trial_input_size(h, k);
          const ptr = _pw_trial_input_data(h, k) >> 2;
          feeds[UTF8ToString(_pw_trial_input_name(h, k))] = new ort.Tensor("float32", HEAPF32.slice(ptr, ptr + size), [ 1, size ]);
        }
        const out = (await session.run(feeds))[outName].data;
        const optr = _pw_trial_output_buffer(h, out.length) >> 2;
        HEAPF32.set(out, optr);
        _pw_trial_decide(h, out.length);
        if (++steps % 250 == 0) await new Promise(r => setTimeout(r, 0));  // let a frame render the progress
      }
    } catch (e) {
      const t = "ONNX Runtime Web failed: " + String(e && e.message ? e.message : e);
      const n = lengthBytesUTF8(t) + 1;
      const p = _malloc(n);
      stringToUTF8(t, p, n);
      _pw_trial_fail(h, p);
      _free(p);
    }
    _pw_trial_finished_after(h, performance.now() - t0);
  })();
});

namespace pw::web {

namespace {
int next_session = 1;
}

int CreateSession(const std::string& model_bytes) {
  const int id = next_session++;
  pw_js_ort_create(id, model_bytes.data(), static_cast<int>(model_bytes.size()));
  return id;
}

SessionState GetSessionState(int id, std::string* error) {
  const int s = pw_js_ort_state(id);
  if (s == 2 && error) {
    char* e = pw_js_ort_error(id);
    *error = e;
    free(e);
  }
  return s == 0 ? SessionState::kLoading : (s == 1 ? SessionState::kReady : SessionState::kFailed);
}

void ReleaseSession(int id) { pw_js_ort_release(id); }
void DriveTrial(int session_id, int trial_handle) { pw_js_drive_trial(session_id, trial_handle); }

}  // namespace pw::web
