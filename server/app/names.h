// Text from strangers: well-formed UTF-8 at the edge, and racer aliases that
// cannot impersonate one another on a leaderboard (ICU: NFKC, Unicode case
// folding, and the confusable skeletons of Unicode TS #39).
#pragma once

#include <string>
#include <string_view>

namespace pw::server {

/// Well-formed UTF-8: no stray or overlong sequences, no surrogates, nothing past U+10FFFF.
bool IsValidUtf8(std::string_view text);
/// Well-formed UTF-8 without control characters (C0, DEL, C1).
bool IsCleanText(std::string_view text);
/// Invalid UTF-8 sequences replaced by U+FFFD and control characters by '?':
/// safe to echo in an error message.
std::string Printable(std::string_view text, size_t max_bytes = 200);

inline constexpr int kAliasMinChars = 2;
inline constexpr int kAliasMaxChars = 32;

struct AliasCheck {
  std::string alias;  ///< as it will be shown: NFKC-normalised
  std::string key;    ///< what must be unique: the skeleton of its case fold (signs in)
  std::string look;   ///< must be unique too: the case fold of its skeleton (capital I looks like l)
  std::string error;  ///< why it is refused, "" when it is accepted
};

/// Normalises and checks a new alias: NFKC, 2-32 characters, no space at
/// either end, no control, invisible (default-ignorable), bidirectional
/// control, private-use or unassigned characters, and no mixing of scripts
/// that look alike (Latin with Cyrillic, say). Two aliases with the same key
/// look the same to a reader.
AliasCheck CheckAlias(const std::string& raw);

/// AliasCheck's `look` of an alias, without the rules.
std::string AliasLook(const std::string& raw);

/// The key an alias signs in by (CheckAlias's key, without the rules); "" for invalid text.
std::string AliasKey(const std::string& raw);

}  // namespace pw::server
