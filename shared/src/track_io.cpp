#include "pitwall/track_io.h"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

namespace pw {
namespace {

constexpr size_t kMaxRows = 20000;

std::string StemOf(const std::string& file_name) {
  std::string base = file_name.substr(file_name.find_last_of("/\\") == std::string::npos ? 0 : file_name.find_last_of("/\\") + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

Error Fail(const std::string& file_name, const std::string& what) { return Error{file_name + ": " + what}; }

// DeepRacer marks a loop by repeating the first row as the last.
bool RepeatsFirstRow(const std::vector<Waypoint>& w) {
  return w.size() > 1 && Distance(w.front().center, w.back().center) <= 1e-6;
}

// Finds `'key': ` in a NumPy header dict and returns what follows, or npos.
size_t FindKey(std::string_view header, std::string_view key) {
  for (const char quote : {'\'', '"'}) {
    const std::string needle = std::string(1, quote) + std::string(key) + std::string(1, quote);
    size_t at = header.find(needle);
    if (at == std::string_view::npos) continue;
    at = header.find(':', at + needle.size());
    if (at == std::string_view::npos) return at;
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    return at < header.size() ? at : std::string_view::npos;  // a key with nothing after it has no value
  }
  return std::string_view::npos;
}

bool ParseDouble(std::string_view text, double& out) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  if (b == e) return false;
  const std::string s(text.substr(b, e - b));
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE;
}

}  // namespace

TrackFileFormat DetectTrackFormat(std::string_view bytes) {
  if (bytes.size() >= 6 && bytes.substr(0, 6) == std::string_view("\x93NUMPY", 6)) return TrackFileFormat::kNpy;
  for (const char c : bytes) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    return c == '{' ? TrackFileFormat::kPitwallJson : TrackFileFormat::kCsv;
  }
  return TrackFileFormat::kCsv;
}

Result<TrackDef> ParseNpyTrack(std::string_view bytes, const std::string& file_name) {
  if (bytes.size() < 10 || bytes.substr(0, 6) != std::string_view("\x93NUMPY", 6))
    return Fail(file_name, "not a NumPy .npy file (the magic string \\x93NUMPY is missing)");
  const auto major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return Fail(file_name, "truncated NumPy header");
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + static_cast<size_t>(i)]);
    header_start = 12;
  } else {
    return Fail(file_name, "unsupported NumPy format version " + std::to_string(major) + " (1.0 expected)");
  }
  if (bytes.size() < header_start + header_len) return Fail(file_name, "truncated NumPy header");
  const std::string_view header = bytes.substr(header_start, header_len);

  const size_t descr = FindKey(header, "descr");
  if (descr == std::string_view::npos) return Fail(file_name, "NumPy header has no 'descr'");
  const size_t descr_end = header.find_first_of("'\"", descr + 1);
  const std::string_view dtype = header.substr(descr + 1, descr_end == std::string_view::npos ? 0 : descr_end - descr - 1);
  if (dtype != "<f8")
    return Fail(file_name, "dtype is '" + std::string(dtype) + "', expected '<f8' (little-endian float64)");
  const size_t fortran = FindKey(header, "fortran_order");
  if (fortran == std::string_view::npos || header.substr(fortran, 5) != "False")
    return Fail(file_name, "array is in Fortran order; C order expected");
  const size_t shape = FindKey(header, "shape");
  if (shape == std::string_view::npos || header[shape] != '(') return Fail(file_name, "NumPy header has no shape");
  const size_t shape_end = header.find(')', shape);
  if (shape_end == std::string_view::npos) return Fail(file_name, "NumPy header has a malformed shape");
  std::vector<long long> dims;
  std::string dim;
  for (size_t i = shape + 1; i <= shape_end; ++i) {
    const char c = header[i];
    if (c == ',' || c == ')') {
      if (dim.size() > 12) return Fail(file_name, "NumPy header has an absurd dimension (" + dim.substr(0, 20) + "...)");
      if (!dim.empty()) dims.push_back(std::atoll(dim.c_str()));
      dim.clear();
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      dim += c;
    } else if (c != ' ') {
      return Fail(file_name, "NumPy header has a malformed shape");
    }
  }
  std::string shape_text = "(";
  for (size_t i = 0; i < dims.size(); ++i) shape_text += (i ? ", " : "") + std::to_string(dims[i]);
  shape_text += dims.size() == 1 ? ",)" : ")";
  if (dims.size() != 2 || dims[1] != 6)
    return Fail(file_name, "shape is " + shape_text + ", expected (N, 6): centre, inner and outer x,y per row");
  if (dims[0] > static_cast<long long>(kMaxRows))
    return Fail(file_name, "too many rows (" + std::to_string(dims[0]) + "); at most " + std::to_string(kMaxRows));
  const size_t rows = static_cast<size_t>(dims[0]);
  const size_t data_start = header_start + header_len;
  const size_t need = rows * 6 * sizeof(double);
  if (bytes.size() - data_start < need)
    return Fail(file_name, "truncated: the header promises " + std::to_string(rows) + " rows (" + std::to_string(need) +
                               " bytes) but only " + std::to_string(bytes.size() - data_start) + " bytes follow");
  if (bytes.size() - data_start > need)
    return Fail(file_name, "has " + std::to_string(bytes.size() - data_start - need) + " bytes after the array's data");

  TrackDef def;
  def.id = StemOf(file_name);
  def.name = def.id;
  def.waypoints.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    double v[6];
    for (size_t c = 0; c < 6; ++c) {
      uint64_t bits = 0;  // little-endian on disk, assembled explicitly
      for (int b = 7; b >= 0; --b)
        bits = (bits << 8) | static_cast<unsigned char>(bytes[data_start + (r * 6 + c) * 8 + static_cast<size_t>(b)]);
      std::memcpy(&v[c], &bits, sizeof bits);
    }
    def.waypoints[r] = {{v[0], v[1]}, {v[2], v[3]}, {v[4], v[5]}};
  }
  def.closed = RepeatsFirstRow(def.waypoints);
  return def;
}

Result<TrackDef> ParseCsvTrack(std::string_view bytes, const std::string& file_name) {
  static const char* kColumns[] = {"center_x", "center_y", "inner_x", "inner_y", "outer_x", "outer_y"};
  TrackDef def;
  def.id = StemOf(file_name);
  def.name = def.id;
  size_t pos = 0, line_no = 0;
  bool header_seen = false;
  while (pos < bytes.size()) {
    size_t eol = bytes.find('\n', pos);
    if (eol == std::string_view::npos) eol = bytes.size();
    std::string_view line = bytes.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::vector<std::string_view> cells;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      cells.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (!header_seen) {
      bool ok = cells.size() == 6;
      for (size_t c = 0; ok && c < 6; ++c) {
        std::string_view cell = cells[c];
        while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
        while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
        ok = cell == kColumns[c];
      }
      if (!ok)
        return Fail(file_name, "line " + std::to_string(line_no) + ": bad header '" + std::string(line) +
                                   "', expected center_x,center_y,inner_x,inner_y,outer_x,outer_y");
      header_seen = true;
      continue;
    }
    const size_t row = def.waypoints.size() + 1;
    const std::string where = "row " + std::to_string(row) + " (line " + std::to_string(line_no) + "): ";
    if (cells.size() != 6)
      return Fail(file_name, where + "expected 6 values, found " + std::to_string(cells.size()));
    if (row > kMaxRows) return Fail(file_name, "too many rows; at most " + std::to_string(kMaxRows));
    double v[6];
    for (size_t c = 0; c < 6; ++c)
      if (!ParseDouble(cells[c], v[c]))
        return Fail(file_name, where + kColumns[c] + " '" + std::string(cells[c]) + "' is not a number");
    def.waypoints.push_back({{v[0], v[1]}, {v[2], v[3]}, {v[4], v[5]}});
  }
  if (!header_seen) return Fail(file_name, "empty file: expected the header center_x,center_y,inner_x,inner_y,outer_x,outer_y");
  def.closed = RepeatsFirstRow(def.waypoints);
  return def;
}

Result<TrackDef> ParsePitwallTrack(std::string_view bytes, const std::string& file_name) {
  const nlohmann::json doc = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Fail(file_name, "not valid JSON");
  if (!doc.is_object() || !doc.contains("format") || !doc["format"].is_string() || doc["format"].get<std::string>() != "pitwall-track")
    return Fail(file_name, "not a Pitwall track (\"format\": \"pitwall-track\" is missing)");
  if (!doc.contains("version") || !doc["version"].is_number_integer())
    return Fail(file_name, "\"version\" is missing or not an integer");
  const int64_t version = doc["version"].get<int64_t>();
  if (version != kTrackFormatVersion)
    return Fail(file_name, "pitwall-track version " + std::to_string(version) + " is not supported (this Pitwall reads version " +
                               std::to_string(kTrackFormatVersion) + ")");
  TrackDef def;
  def.id = StemOf(file_name);
  if (doc.contains("id")) {
    if (!doc["id"].is_string()) return Fail(file_name, "\"id\" must be a string");
    def.id = doc["id"].get<std::string>();
  }
  def.name = def.id;
  if (doc.contains("name")) {
    if (!doc["name"].is_string()) return Fail(file_name, "\"name\" must be a string");
    def.name = doc["name"].get<std::string>();
  }
  if (!doc.contains("waypoints") || !doc["waypoints"].is_array())
    return Fail(file_name, "\"waypoints\" is missing or not an array");
  const auto& rows = doc["waypoints"];
  if (rows.size() > kMaxRows) return Fail(file_name, "too many rows; at most " + std::to_string(kMaxRows));
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (!row.is_array() || row.size() != 6)
      return Fail(file_name, "row " + std::to_string(r + 1) + ": expected [center_x, center_y, inner_x, inner_y, outer_x, outer_y]");
    double v[6];
    for (size_t c = 0; c < 6; ++c) {
      if (!row[c].is_number()) return Fail(file_name, "row " + std::to_string(r + 1) + ": value " + std::to_string(c + 1) + " is not a number");
      v[c] = row[c].get<double>();
    }
    def.waypoints.push_back({{v[0], v[1]}, {v[2], v[3]}, {v[4], v[5]}});
  }
  def.closed = RepeatsFirstRow(def.waypoints);
  if (doc.contains("closed")) {
    if (!doc["closed"].is_boolean()) return Fail(file_name, "\"closed\" must be true or false");
    def.closed = doc["closed"].get<bool>();
  }
  return def;
}

Result<Track> ImportTrack(std::string_view bytes, const std::string& file_name) {
  Result<TrackDef> def = [&]() -> Result<TrackDef> {
    switch (DetectTrackFormat(bytes)) {
      case TrackFileFormat::kNpy: return ParseNpyTrack(bytes, file_name);
      case TrackFileFormat::kPitwallJson: return ParsePitwallTrack(bytes, file_name);
      case TrackFileFormat::kCsv: break;
    }
    return ParseCsvTrack(bytes, file_name);
  }();
  if (!def) return def.error();
  Result<Track> track = Track::Build(std::move(def).value());
  if (!track) return Fail(file_name, track.error().message);
  return track;
}

std::string WritePitwallTrack(const Track& track) {
  nlohmann::json rows = nlohmann::json::array();
  auto add = [&](const Waypoint& w) {
    rows.push_back({w.center.x, w.center.y, w.inner.x, w.inner.y, w.outer.x, w.outer.y});
  };
  for (const Waypoint& w : track.waypoints()) add(w);
  if (track.closed()) add(track.waypoints().front());
  const nlohmann::json doc = {{"format", "pitwall-track"}, {"version", kTrackFormatVersion}, {"id", track.id()},
                              {"name", track.name()},      {"closed", track.closed()},      {"waypoints", rows}};
  return doc.dump();
}

}  // namespace pw
