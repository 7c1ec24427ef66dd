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
  fonts-dejavu-core python3-fonttools     # the browser app's fonts, subset at build time
  libonnx-dev libprotobuf-dev protobuf-compiler  # the model upload gate and writer (libonnx-dev forgets protobuf)
  libeigen3-dev                           # training the starter models
  libsqlitecpp-dev dpkg-dev               # the server: SQLite; dpkg-source unpacks cpp-httplib's source package
  libpq-dev postgresql                    # the server on PostgreSQL (libpq), and the database its tests run on
  libicu-dev                              # racer aliases: NFKC and confusable skeletons (UTS #39)
  clang libclang-rt-14-dev                # libFuzzer targets
  nginx-light                             # the reference server in the HTTP benchmark
  libsodium-dev libyaml-cpp-dev           # password hashing and tokens; the OpenAPI document
  libseccomp-dev strace                   # the evaluation workers' system-call filter; strace injects faults in a test
  wrk                                     # the leaderboard load benchmark
  pybind11-dev python3-dev python3-numpy  # pitwall for Python (python/): the training environment
  python3-torch python3-onnx              # the training examples (PyTorch, ONNX export) and their tests
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

# Sources from Debian's source packages, through a private apt configuration
# (the machine's own sources stay untouched): Dear ImGui 1.86 (libimgui-dev has
# no sources the browser build can use) and cpp-httplib 0.18.7 from Debian 13
# with Debian's security patches applied (header-only, so its compile-time
# limits work; Debian 12's 0.11.4 is a prebuilt library with a listen backlog of 5).
deps=$(pwd)/build/_deps
fetch_source() {  # fetch_source PACKAGE SUITE DEST CHECK_FILE patched|orig
  local package=$1 suite=$2 dest=$3 check=$4 form=$5
  [ -f "$dest/$check" ] && return 0
  echo "setup: fetching the $package source package ($suite)"
  local apt_dir=$deps/apt-$suite
  rm -rf "$apt_dir" && mkdir -p "$apt_dir/lists/partial" "$deps/download-$package"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # One stanza per paragraph; the security archive names its suite <suite>-security.
    awk -v suite="$suite" 'BEGIN { RS = ""; ORS = "\n\n" } {
      sub(/Types:[^\n]*/, "Types: deb-src")
      s = ($0 ~ /URIs:[^\n]*security/) ? suite "-security" : suite
      sub(/Suites:[^\n]*/, "Suites: " s)
      print }' "$f" > "$apt_dir/$(basename "$f")"
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -nE "s/^deb ([^ ]+) [^ ]+ (.*)/deb-src \1 $suite \2/p" /etc/apt/sources.list | sort -u > "$apt_dir/extra.list"
  fi
  local apt_opts=(-o "Dir::Etc::SourceParts=$apt_dir" -o Dir::Etc::SourceList=/dev/null -o "Dir::State::Lists=$apt_dir/lists")
  apt-get -qq "${apt_opts[@]}" update >/dev/null 2>&1 || true
  (cd "$deps/download-$package" && rm -rf ./* && apt-get -qq "${apt_opts[@]}" source --download-only "$package" >/dev/null 2>&1)
  rm -rf "$dest"
  if [ "$form" = patched ]; then
    # dpkg-source applies Debian's patches (cpp-httplib's CVE fixes) while unpacking.
    dpkg-source --no-check -x "$(ls "$deps/download-$package"/*.dsc | head -n 1)" "$dest" >/dev/null
  else
    mkdir -p "$dest" && tar -xf "$(ls "$deps/download-$package"/*.orig.tar.* | head -n 1)" -C "$dest" --strip-components=1
  fi
  [ -f "$dest/$check" ] || { echo "setup: the $package sources did not unpack as expected" >&2; exit 1; }
}
fetch_source imgui bookworm build/_deps/imgui imgui.h orig
fetch_source cpp-httplib trixie build/_deps/cpp-httplib httplib.h patched
