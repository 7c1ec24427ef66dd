// Platform seam: real DOM elements kept in step with the ImGui layout, where
// a canvas cannot serve people.
//  - Text fields: an <input> over the field's place on the canvas, so on-screen
//    keyboards, IMEs, paste, selection, password managers and the browser's
//    own find and autofill work. Fields of one form share a <form> (Enter
//    submits it; autocomplete attributes name what each field holds).
//  - The accessible mirror: each screen's headings, text, tables and status
//    as plain DOM, visually hidden, for screen readers and find-in-page.
#pragma once

#include <string>

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
/// the DOM fields stay theirs, and touches become the mouse (one finger) and the
/// wheel (a pinch).
void GuardDomFields();

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

/// Replaces the accessible mirror with `html_json`: a JSON array of blocks
/// {"h": text} | {"p": text} | {"table": caption, "columns": [...], "rows": [[...]]} | {"status": text}.
/// Only called when the content changed.
void PublishA11y(const std::string& blocks_json);

}  // namespace pw::web
