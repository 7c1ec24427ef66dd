#include "names.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <memory>

namespace pw::server {
namespace {

bool IsControl(UChar32 c) { return c < 0x20 || (c >= 0x7f && c < 0xa0); }

// One checker for the whole process: ICU documents uspoof_check2 and
// uspoof_getSkeleton as safe to call from many threads on a configured checker.
const USpoofChecker* Checker() {
  static const USpoofChecker* checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker* sc = uspoof_open(&status);
    uspoof_setChecks(sc, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE | USPOOF_MIXED_NUMBERS, &status);
    uspoof_setRestrictionLevel(sc, USPOOF_MODERATELY_RESTRICTIVE);
    return U_SUCCESS(status) ? sc : nullptr;
  }();
  return checker;
}

icu::UnicodeString Nfkc(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return text;
  icu::UnicodeString out = nfkc->normalize(text, status);
  return U_SUCCESS(status) ? out : text;
}

// The case fold of the UTS #39 skeleton, as UTF-8 (the text itself if ICU fails).
std::string FoldedSkeleton(const icu::UnicodeString& text) {
  icu::UnicodeString skeleton;
  UErrorCode status = U_ZERO_ERROR;
  if (const USpoofChecker* sc = Checker()) uspoof_getSkeletonUnicodeString(sc, 0, text, skeleton, &status);
  if (U_FAILURE(status) || skeleton.isEmpty()) skeleton = text;
  skeleton.foldCase();  // skeletons map some letters to capitals
  std::string out;
  skeleton.toUTF8String(out);
  return out;
}

// Case-insensitive: fold first (ALICE is alice).
std::string KeyOf(const icu::UnicodeString& normalised) { return FoldedSkeleton(icu::UnicodeString(normalised).foldCase()); }
// Capitals as they look (a Cyrillic capital I is a Latin l).
std::string LookOf(const icu::UnicodeString& normalised) { return FoldedSkeleton(normalised); }

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  if (text.size() > static_cast<size_t>(INT32_MAX)) return false;
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

bool IsCleanText(std::string_view text) {
  if (!IsValidUtf8(text)) return false;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (IsControl(c)) return false;
  }
  return true;
}

std::string Printable(std::string_view text, size_t max_bytes) {
  std::string out;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(std::min<size_t>(text.size(), max_bytes));
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) out += "\xEF\xBF\xBD";
    else if (IsControl(c)) out += '?';
    else out.append(text.data() + start, static_cast<size_t>(i - start));
  }
  if (text.size() > max_bytes) out += "...";
  return out;
}

AliasCheck CheckAlias(const std::string& raw) {
  AliasCheck check;
  if (!IsValidUtf8(raw)) {
    check.error = "is not valid UTF-8 text";
    return check;
  }
  const icu::UnicodeString alias = Nfkc(icu::UnicodeString::fromUTF8(raw));
  alias.toUTF8String(check.alias);
  const int32_t chars = alias.countChar32();
  if (chars < kAliasMinChars || chars > kAliasMaxChars) {
    check.error = "must be " + std::to_string(kAliasMinChars) + " to " + std::to_string(kAliasMaxChars) + " characters";
    return check;
  }
  for (int32_t i = 0; i < alias.length(); i = alias.moveIndex32(i, 1)) {
    const UChar32 c = alias.char32At(i);
    const int8_t type = u_charType(c);
    if (IsControl(c)) check.error = "may not contain control characters";
    else if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL)) check.error = "may not contain bidirectional control characters";
    else if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || type == U_FORMAT_CHAR)
      check.error = "may not contain invisible characters";
    else if (type == U_PRIVATE_USE_CHAR || type == U_UNASSIGNED || type == U_SURROGATE)
      check.error = "may not contain private-use or unassigned characters";
    else if ((u_isUWhiteSpace(c) && c != ' ') || type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR)
      check.error = "may contain plain spaces only";
    if (!check.error.empty()) return check;
  }
  if (alias.char32At(0) == ' ' || alias.char32At(alias.length() - 1) == ' ') {
    check.error = "may not start or end with a space";
    return check;
  }
  if (alias.indexOf(icu::UnicodeString("  ")) >= 0) {
    check.error = "may not contain two spaces in a row";
    return check;
  }
  if (const USpoofChecker* sc = Checker()) {
    UErrorCode status = U_ZERO_ERROR;
    const int32_t result = uspoof_check2UnicodeString(sc, alias, nullptr, &status);
    if (U_SUCCESS(status) && result != 0) {
      check.error = (result & USPOOF_INVISIBLE) ? "may not repeat invisible marks"
                    : (result & USPOOF_MIXED_NUMBERS) ? "may not mix digits from different scripts"
                                                      : "may not mix scripts that look alike (such as Latin and Cyrillic letters)";
      return check;
    }
  }
  check.key = KeyOf(alias);
  check.look = LookOf(alias);
  return check;
}

std::string AliasKey(const std::string& raw) {
  if (!IsValidUtf8(raw)) return "";
  return KeyOf(Nfkc(icu::UnicodeString::fromUTF8(raw)));
}

}  // namespace pw::server

namespace pw::server {

std::string AliasLook(const std::string& raw) {
  if (!IsValidUtf8(raw)) return "";
  return LookOf(Nfkc(icu::UnicodeString::fromUTF8(raw)));
}

}  // namespace pw::server
