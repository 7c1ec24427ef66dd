#!/usr/bin/env bash
# Installs everything Pitwall needs on a Debian 12 machine: Debian packages,
# the npm packages pinned in package-lock.json, and the Dear ImGui sources
# (Debian's source package; the browser build compiles them with Emscripten).
# Idempotent, and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(
  cmake ninja-build g++ pkg-config        # build
  xz-utils zlib1g-dev                     # unpacking Dear ImGui's sources; deflating replay traces
  libgtest-dev libbenchmark-dev           # tests and benchmarks
  nlohmann-json3-dev libcli11-dev         # JSON at the edges, the command line
  emscripten                              # the browser build (and the core's tests under node)
  libonnx-dev libprotobuf-dev protobuf-compiler  # the model upload gate and writer (libonnx-dev forgets protobuf)
  libeigen3-dev                           # training the starter models
  libcpp-httplib-dev libsqlitecpp-dev     # the server: HTTP and SQLite
  libsodium-dev libyaml-cpp-dev           # password hashing and tokens; the OpenAPI document
  wrk                                     # the leaderboard load benchmark
  chromium                                # the browser tests (driven by playwright-core; never a downloaded browser)
)
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, exactly as locked; reinstalled only when the lockfile changes.
stamp=node_modules/.pitwall-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm packages from package-lock.json"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > "$stamp"
fi

# Native ONNX Runtime for the server: the pinned tarballs from npm, checked
# against server/ort/package-lock.json, only the library and headers unpacked.
node server/ort/fetch.mjs build/_deps/onnxruntime

# Dear ImGui 1.86 from Debian's source package (libimgui-dev has no sources
# the browser build can use). A private apt configuration adds deb-src without
# touching the machine's own.
imgui_dir=build/_deps/imgui
if [ ! -f "$imgui_dir/imgui.h" ]; then
  echo "setup: fetching the Dear ImGui source package"
  deps=$(pwd)/build/_deps
  apt_dir=$deps/apt
  mkdir -p "$apt_dir/lists/partial" "$deps/download"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed -E 's/^Types:.*/Types: deb deb-src/' "$f" > "$apt_dir/$(basename "$f")"
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -nE 's/^deb (.*)/deb-src \1/p' /etc/apt/sources.list > "$apt_dir/extra.list"
  fi
  apt_opts=(-o "Dir::Etc::SourceParts=$apt_dir" -o Dir::Etc::SourceList=/dev/null -o "Dir::State::Lists=$apt_dir/lists")
  apt-get -qq "${apt_opts[@]}" update >/dev/null 2>&1
  (cd "$deps/download" && apt-get -qq "${apt_opts[@]}" source --download-only imgui >/dev/null 2>&1)
  tarball=$(ls "$deps"/download/imgui_*.orig.tar.* | head -n 1)
  rm -rf "$imgui_dir" && mkdir -p "$imgui_dir"
  tar -xf "$tarball" -C "$imgui_dir" --strip-components=1
  [ -f "$imgui_dir/imgui.h" ] || { echo "setup: the Dear ImGui sources did not unpack as expected" >&2; exit 1; }
fi
