// Platform seam: the clipboard (invitation links, embed snippets).
#pragma once

#include <string>

namespace pw::web {

void CopyToClipboard(const std::string& text);

}  // namespace pw::web
