// Platform seam: the page's address. The app's routes are /races/<id>,
// /garage, /organiser, /account and /join/<token>.
#pragma once

#include <string>

namespace pw::web {

std::string CurrentPath();
void NavigateTo(const std::string& path);
/// The page origin, e.g. http://127.0.0.1:8080
std::string Origin();

}  // namespace pw::web
