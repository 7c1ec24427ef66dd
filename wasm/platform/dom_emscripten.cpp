// The DOM side of the app (dom.h): text fields over the canvas and the accessible mirror.
#include <emscripten.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "dom.h"

EM_JS(char*, pw_js_field, (const char* id, const char* form, const char* label, const char* type, const char* autocomplete,
                           const char* placeholder, float x, float y, float w, float h, float font_px, int max_length,
                           const char* value), {
  const root = Module.pwDom || (Module.pwDom = {fields : new Map(), forms : new Map(), submits : new Set(), gen : 0});
  const fid = UTF8ToString(id);
  const fname = UTF8ToString(form);
  let el = root.fields.get(fid);
  if (!el) {
    el = document.createElement("input");
    el.id = "pw-field-" + fid;
    el.name = fid;
    el.type = UTF8ToString(type);
    el.setAttribute("aria-label", UTF8ToString(label));
    const ac = UTF8ToString(autocomplete);
    if (ac) el.setAttribute("autocomplete", ac);
    const ph = UTF8ToString(placeholder);
    if (ph) el.placeholder = ph;
    el.spellcheck = false;
    el.setAttribute("autocapitalize", "off");
    const s = el.style;
    s.position = "fixed";
    s.boxSizing = "border-box";
    s.margin = "0";
    s.padding = "0 0.4em";
    s.border = "1px solid #3a4650";
    s.borderRadius = "3px";
    s.background = "#1d2529";
    s.color = "#e8ecef";
    s.outline = "none";
    s.fontFamily = "'DejaVu Sans', system-ui, sans-serif";
    s.zIndex = "2";
    el.addEventListener("focus", () => { el.style.borderColor = "#e4572e"; });
    el.addEventListener("blur", () => { el.style.borderColor = "#3a4650"; });
    if (fname) {
      let f = root.forms.get(fname);
      if (!f) {
        f = document.createElement("form");
        f.id = "pw-form-" + fname;
        f.noValidate = true;
        f.setAttribute("autocomplete", "on");
        const b = document.createElement("button");  // Enter in any field submits the form
        b.type = "submit";
        b.tabIndex = -1;
        b.textContent = "Submit";
        b.style.cssText = "position:fixed;left:-9999px;width:1px;height:1px;overflow:hidden";
        f.appendChild(b);
        f.addEventListener("submit", (e) => {
          e.preventDefault();
          root.submits.add(fname);
          _pw_wake();
        });
        document.body.appendChild(f);
        root.forms.set(fname, f);
      }
      f.insertBefore(el, f.lastChild);
    } else {
      document.body.appendChild(el);
    }
    el.pwSynced = "";
    root.fields.set(fid, el);
  }
  el.pwGen = root.gen;
  const s = el.style;
  s.display = "";
  s.left = x + "px";
  s.top = y + "px";
  s.width = w + "px";
  s.height = h + "px";
  s.fontSize = font_px + "px";
  if (max_length > 0) el.maxLength = max_length;
  const v = UTF8ToString(value);
  let out = null;
  if (el.value !== el.pwSynced) {  // the person typed, pasted or a password manager filled it
    out = el.value;
    el.pwSynced = out;
  } else if (v !== el.pwSynced) {  // the app changed it
    el.value = v;
    el.pwSynced = v;
  }
  if (out === null) return 0;
  const n = lengthBytesUTF8(out) + 1;
  const p = _malloc(n);
  stringToUTF8(out, p, n);
  return p;
});

// Keys typed into a field are the field's: GLFW listens on window in the capture
// phase and cancels Backspace and Tab, so this listener, added first, keeps
// such events from it (their default actions, typing included, still happen).
EM_JS(void, pw_js_guard_fields, (), {
  const root = Module.pwDom || (Module.pwDom = {fields : new Map(), forms : new Map(), submits : new Set(), gen : 0});
  const inMirror = (t) => t && t.closest && t.closest("#pw-a11y") !== null;
  for (const type of ["keydown", "keypress", "keyup"]) {
    window.addEventListener(type, (e) => {
      const t = e.target;
      if (t && t.id && t.id.startsWith("pw-field-")) {
        e.stopImmediatePropagation();
        if (type === "keydown" && e.key === "Enter" && !t.form) root.submits.add(t.name);
        _pw_wake();
      } else if (inMirror(t)) {
        // The mirror's controls work as the browser makes them (Tab, Enter, Space, arrows).
        e.stopImmediatePropagation();
        _pw_wake();
      } else if (type === "keydown" && e.key === "Tab") {
        // Tab on the canvas enters the controls, in reading order; the app rings the focused one.
        const all = [...document.querySelectorAll("#pw-a11y [data-pw-control]")];
        if (all.length > 0) {
          e.stopImmediatePropagation();
          e.preventDefault();
          (e.shiftKey ? all[all.length - 1] : all[0]).focus();
        }
      }
    }, true);
  }
});

// Touch, as the app needs it: GLFW (this Emscripten's) takes touches as mouse
// presses without a position. One finger becomes the mouse (press, move,
// release where the finger is); two fingers pinch, which becomes the wheel at
// their midpoint (the track views zoom with it).
EM_JS(void, pw_js_touch_as_mouse, (), {
  const canvas = Module.canvas;
  let pinch = 0;
  const mouse = (type, t, buttons) => {
    canvas.dispatchEvent(new MouseEvent(type, {clientX : t.clientX, clientY : t.clientY, button : 0, buttons : buttons, bubbles : true}));
  };
  const distance = (ts) => Math.hypot(ts[0].clientX - ts[1].clientX, ts[0].clientY - ts[1].clientY);
  const handle = (e) => {
    e.stopImmediatePropagation();
    e.preventDefault();
    _pw_wake();
    const ts = e.touches;
    if (e.type === "touchstart") {
      if (ts.length === 1) {
        mouse("mousemove", ts[0], 0);
        mouse("mousedown", ts[0], 1);
      } else if (ts.length === 2) {
        mouse("mouseup", e.changedTouches[0], 0);  // a second finger: no longer a press, a pinch
        pinch = distance(ts);
      }
    } else if (e.type === "touchmove") {
      if (ts.length === 1 && pinch === 0) {
        mouse("mousemove", ts[0], 1);
      } else if (ts.length === 2) {
        const d = distance(ts);
        if (pinch > 0 && Math.abs(d - pinch) > 8) {
          const mid = {clientX : (ts[0].clientX + ts[1].clientX) / 2, clientY : (ts[0].clientY + ts[1].clientY) / 2};
          mouse("mousemove", mid, 0);
          canvas.dispatchEvent(new WheelEvent("wheel", {clientX : mid.clientX, clientY : mid.clientY, deltaY : d > pinch ? -100 : 100, bubbles : true}));
          pinch = d;
        }
      }
    } else {  // touchend, touchcancel
      if (ts.length === 0) {
        if (pinch === 0) mouse("mouseup", e.changedTouches[0], 0);
        pinch = 0;
      }
    }
  };
  for (const type of ["touchstart", "touchmove", "touchend", "touchcancel"]) canvas.addEventListener(type, handle, {capture : true, passive : false});
});

// The wheel, in ImGui's units: this Emscripten's GLFW hands over the browser's raw deltaY (pixels,
// positive = down) where GLFW means steps with positive = up, so one notch scrolled the wrong way, to
// the end. This listener, on the window before GLFW's, gives the app steps (100 pixels, 3 lines or a
// page each, up positive) and keeps the event from GLFW.
EM_JS(void, pw_js_wheel_as_steps, (), {
  window.addEventListener("wheel", (e) => {
    if (e.target !== Module.canvas) return;
    e.stopImmediatePropagation();
    e.preventDefault();
    const scale = e.deltaMode === 1 ? 1 / 3 : e.deltaMode === 2 ? 3 : 1 / 100;
    _pw_wheel(-e.deltaX * scale, -e.deltaY * scale);
    _pw_wake();
  }, {capture : true, passive : false});
});

EM_JS(int, pw_js_take_submit, (const char* name), {
  const root = Module.pwDom;
  return root && root.submits.delete(UTF8ToString(name)) ? 1 : 0;
});

EM_JS(int, pw_js_field_focused, (), {
  const a = document.activeElement;
  return a && a.id && a.id.startsWith("pw-field-") ? 1 : 0;
});

EM_JS(void, pw_js_finish_dom_frame, (), {
  const root = Module.pwDom;
  if (!root) return;
  for (const el of root.fields.values()) {
    if (el.pwGen !== root.gen && el.style.display !== "none") {
      if (document.activeElement === el) el.blur();
      el.style.display = "none";
    }
  }
  root.gen++;
});

// The mirror is rebuilt from the blocks the app publishes, reusing the element
// of an unchanged block (controls by their id), so a control keeps the
// keyboard focus and a screen reader its place while the screen changes around it.
EM_JS(void, pw_js_a11y, (const char* blocks_json), {
  const root = Module.pwDom || (Module.pwDom = {fields : new Map(), forms : new Map(), submits : new Set(), gen : 0});
  let main = document.getElementById("pw-a11y");
  let status = document.getElementById("pw-status");
  if (!main) {
    // The mirror is not drawn (the canvas shows it); its text fields are the real inputs over the canvas.
    const hide = "position:absolute;left:0;top:0;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap";
    const style = document.createElement("style");
    style.textContent = `#pw-a11y > :not(form):not(input) {${hide}}`;
    document.head.appendChild(style);
    main = document.createElement("main");
    main.id = "pw-a11y";
    // A 1px box that clips what it holds (a wide table must not widen a phone's page); the fields,
    // fixed to the viewport, are not clipped by it.
    main.style.cssText = "position:absolute;left:0;top:0;width:1px;height:1px;overflow:hidden";
    status = document.createElement("div");
    status.id = "pw-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.style.cssText = hide;
    document.body.appendChild(main);
    document.body.appendChild(status);
    root.mirror = new Map();
  }
  const event = (kind, id, value) => {
    _pw_mirror_event(kind, id, value);
    _pw_wake();
  };
  const control = (b) => {
    const kind = b.control;
    let wrap = null, el = null;
    if (kind === "select" || kind === "range") {
      wrap = document.createElement("label");
      wrap.append(document.createTextNode(b.label + " "));
      if (kind === "select") {
        el = document.createElement("select");
        el.addEventListener("change", () => event(2, b.id, el.selectedIndex));
      } else {
        el = document.createElement("input");
        el.type = "range";
        el.addEventListener("input", () => event(2, b.id, el.valueAsNumber));
      }
      wrap.append(el);
    } else {
      el = wrap = document.createElement("button");
      el.type = "button";
      if (kind === "checkbox") el.setAttribute("role", "checkbox");
      el.addEventListener("click", () => event(1, b.id, 0));
    }
    el.dataset.pwControl = b.id;
    el.addEventListener("focus", () => event(0, b.id, 0));
    el.addEventListener("blur", () => event(0, 0, 0));
    wrap.pwControl = el;
    return wrap;
  };
  const update = (wrap, b) => {
    const el = wrap.pwControl;
    if (b.control === "select") {
      if (el.options.length !== b.options.length || [...el.options].some((o, i) => o.text !== b.options[i]))
        el.replaceChildren(...b.options.map((t) => new Option(t)));
      if (el.selectedIndex !== b.value) el.selectedIndex = b.value;
    } else if (b.control === "range") {
      el.min = b.min;
      el.max = b.max;
      el.step = b.step;
      if (el.valueAsNumber !== b.value) el.value = b.value;
      el.setAttribute("aria-valuetext", b.text);
    } else {
      if (el.textContent !== b.label) el.textContent = b.label;
      if (b.control === "checkbox") el.setAttribute("aria-checked", b.checked ? "true" : "false");
      if (b.control === "disclosure") el.setAttribute("aria-expanded", b.expanded ? "true" : "false");
      if (b.control === "button" && "pressed" in b) el.setAttribute("aria-pressed", b.pressed ? "true" : "false");
    }
    if (b.disabled) el.setAttribute("aria-disabled", "true");
    else el.removeAttribute("aria-disabled");
  };
  const blocks = JSON.parse(UTF8ToString(blocks_json));
  const made = [];
  const keep = new Map();
  let statusText = "";
  let headings = 0;
  for (const b of blocks) {
    if ("status" in b) {
      statusText = b.status;
      continue;
    }
    if ("field" in b) {  // a text field (or its form), in its place in the reading order
      const key = "f" + (b.form || b.field);
      const e = b.form ? root.forms.get(b.form) : root.fields.get(b.field);
      if (e && !keep.has(key)) {
        keep.set(key, e);
        made.push(e);
      }
      continue;
    }
    const key = "control" in b ? "c" + b.id + b.control : JSON.stringify(b) + (headings === 0 && "h" in b ? "1" : "");
    if ("h" in b) headings++;
    let e = root.mirror.get(key);
    if (e && keep.has(key)) e = null;  // the same block twice on one screen: a second element
    if (!e) {
      if ("control" in b) {
        e = control(b);
      } else if ("h" in b) {
        e = document.createElement(key.endsWith("1") ? "h1" : "h2");
        e.textContent = b.h;
      } else if ("p" in b) {
        e = document.createElement("p");
        e.textContent = b.p;
      } else if ("table" in b) {
        e = document.createElement("table");
        e.createCaption().textContent = b.table;
        const head = e.createTHead().insertRow();
        for (const c of b.columns) {
          const th = document.createElement("th");
          th.scope = "col";
          th.textContent = c;
          head.appendChild(th);
        }
        const body = e.createTBody();
        for (const r of b.rows) {
          const tr = body.insertRow();
          for (const c of r) tr.insertCell().textContent = c;
        }
      } else {
        continue;
      }
    }
    if ("control" in b) update(e, b);
    if (!keep.has(key)) keep.set(key, e);
    made.push(e);
  }
  // Only what changed moves: unchanged elements (the focused one among them) stay where they are.
  const wanted = new Set(made);
  for (const c of [...main.children]) {
    if (wanted.has(c)) continue;
    if (c.tagName === "FORM" || c.tagName === "INPUT") document.body.appendChild(c);  // a field off this screen, kept for later
    else c.remove();
  }
  made.forEach((e, i) => { if (main.children[i] !== e) main.insertBefore(e, main.children[i] || null); });
  root.mirror = keep;
  if (status.textContent !== statusText) status.textContent = statusText;
});

namespace {
std::vector<pw::web::MirrorEvent> mirror_events;
double wheel_x = 0, wheel_y = 0;
}

extern "C" EMSCRIPTEN_KEEPALIVE void pw_wheel(double x, double y) {
  wheel_x += x;
  wheel_y += y;
}

extern "C" EMSCRIPTEN_KEEPALIVE void pw_mirror_event(int kind, unsigned id, double value) {
  mirror_events.push_back({static_cast<pw::web::MirrorEvent::Kind>(kind), id, value});
}

namespace pw::web {

void GuardDomFields() {
  pw_js_guard_fields();
  pw_js_touch_as_mouse();
  pw_js_wheel_as_steps();
}

void TakeWheel(float& x, float& y) {
  x = static_cast<float>(std::clamp(wheel_x, -10.0, 10.0));
  y = static_cast<float>(std::clamp(wheel_y, -10.0, 10.0));
  wheel_x = wheel_y = 0;
}

bool ShowDomField(const DomField& f, std::string& value) {
  char* p = pw_js_field(f.id.c_str(), f.form.c_str(), f.label.c_str(), f.type.c_str(), f.autocomplete.c_str(), f.placeholder.c_str(), f.x, f.y,
                        f.w, f.h, f.font_px, f.max_length, value.c_str());
  if (p == nullptr) return false;
  value = p;
  free(p);
  return true;
}

bool TakeDomSubmit(const std::string& form_or_field) { return pw_js_take_submit(form_or_field.c_str()) != 0; }
bool DomFieldFocused() { return pw_js_field_focused() != 0; }
void FinishDomFrame() { pw_js_finish_dom_frame(); }
void PublishA11y(const std::string& blocks_json) { pw_js_a11y(blocks_json.c_str()); }

std::vector<MirrorEvent> TakeMirrorEvents() {
  std::vector<MirrorEvent> out;
  out.swap(mirror_events);
  return out;
}

}  // namespace pw::web
