// The DOM side of the app (dom.h): text fields over the canvas and the accessible mirror.
#include <emscripten.h>

#include <cstdlib>

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
  for (const type of ["keydown", "keypress", "keyup"]) {
    window.addEventListener(type, (e) => {
      const t = e.target;
      if (!t || !t.id || !t.id.startsWith("pw-field-")) return;
      e.stopImmediatePropagation();
      if (type === "keydown" && e.key === "Enter" && !t.form) root.submits.add(t.name);
      _pw_wake();
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

EM_JS(void, pw_js_a11y, (const char* blocks_json), {
  let main = document.getElementById("pw-a11y");
  let status = document.getElementById("pw-status");
  if (!main) {
    const hide = "position:absolute;left:0;top:0;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap";
    main = document.createElement("main");
    main.id = "pw-a11y";
    main.style.cssText = hide;
    status = document.createElement("div");
    status.id = "pw-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.style.cssText = hide;
    document.body.appendChild(main);
    document.body.appendChild(status);
  }
  const blocks = JSON.parse(UTF8ToString(blocks_json));
  const made = [];
  let statusText = "";
  let headings = 0;
  for (const b of blocks) {
    if ("h" in b) {
      const e = document.createElement(headings++ === 0 ? "h1" : "h2");
      e.textContent = b.h;
      made.push(e);
    } else if ("p" in b) {
      const e = document.createElement("p");
      e.textContent = b.p;
      made.push(e);
    } else if ("table" in b) {
      const t = document.createElement("table");
      t.createCaption().textContent = b.table;
      const head = t.createTHead().insertRow();
      for (const c of b.columns) {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = c;
        head.appendChild(th);
      }
      const body = t.createTBody();
      for (const r of b.rows) {
        const tr = body.insertRow();
        for (const c of r) tr.insertCell().textContent = c;
      }
      made.push(t);
    } else if ("status" in b) {
      statusText = b.status;
    }
  }
  main.replaceChildren(...made);
  if (status.textContent !== statusText) status.textContent = statusText;
});

namespace pw::web {

void GuardDomFields() {
  pw_js_guard_fields();
  pw_js_touch_as_mouse();
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

}  // namespace pw::web
