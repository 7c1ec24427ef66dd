// Platform seam: real DOM elements kept in step with the ImGui layout, where
// a canvas cannot serve people.
//  - Text fields: an <input> over the field's place on the canvas, so on-screen
//    keyboards, IMEs, paste, selection, password managers and the browser's
//    own find and autofill work. Fields of one form share a <form> (Enter
//    submits it; autocomplete attributes name what each field holds).
//  - The accessible mirror: each screen's headings, text, tables, status and
//    controls as plain DOM, visually hidden, for screen readers, keyboards and
//    find-in-page. Its controls are real buttons, selects and ranges: what a
//    person does with them comes back as MirrorEvents for the app to carry out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pw::web {

struct DomField {
  std::string id;            ///< unique per field (the element is #pw-field-<id>)
  std::string form;          ///< fields with the same form share a <form>; empty: none
  std::string label;         ///< the accessible name
  std::string type = "text"; ///< "text", "password", "url"
  std::string autocomplete;  ///< "username", "current-password", "new-password", "off", ...
  std::string placeholder;
  float x = 0, y = 0, w = 0, h = 0;  ///< CSS pixels
  float font_px = 14;
  int max_length = 0;        ///< 0: none
};

/// Call once before the window system (GLFW) starts listening: keys typed into
/// the DOM fields stay theirs, touches become the mouse (one finger) and the
/// wheel (a pinch), and the wheel comes in steps (TakeWheel).
void GuardDomFields();
/// The wheel since the last call, in ImGui's units (steps; up and left positive).
void TakeWheel(float& x, float& y);

/// Shows the field this frame, and syncs its value both ways: a user's edit is
/// copied into `value` (returns true); a change the app made to `value` is
/// copied into the element. Fields not shown in a frame are hidden at FinishDomFrame.
bool ShowDomField(const DomField& field, std::string& value);
/// True once after Enter was pressed in the form (or in a field without a form, by its id).
bool TakeDomSubmit(const std::string& form_or_field);
/// True while one of the app's fields has the keyboard focus.
bool DomFieldFocused();
/// Hides the fields not shown since the last call.
void FinishDomFrame();

/// Replaces the accessible mirror with `blocks_json`: a JSON array of blocks
/// {"h": text} | {"p": text} | {"table": caption, "columns": [...], "rows": [[...]]} | {"status": text} |
/// {"control": "button" | "checkbox" | "disclosure", "id": n, "label": text, "disabled", "checked", "expanded"} |
/// {"control": "select", "id", "label", "options": [text...], "value": index} |
/// {"control": "range", "id", "label", "min", "max", "step", "value", "text"} |
/// {"field": id, "form": form}: where a text field (ShowDomField) or its form stands in the reading order.
/// Elements of unchanged blocks are kept (a focused control stays focused). Only called when the content changed.
void PublishA11y(const std::string& blocks_json);

/// What a person did with a mirror control: focused it (id 0: focus left the mirror), activated it
/// (a click, Enter, Space), or set its value (a select's index, a range's number).
struct MirrorEvent {
  enum class Kind { kFocus = 0, kActivate = 1, kSet = 2 } kind;
  uint32_t id;
  double value;
};
/// The events since the last call, oldest first.
std::vector<MirrorEvent> TakeMirrorEvents();

}  // namespace pw::web
