#include "data/obj_loader.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"

namespace ws {

namespace {
namespace fs = std::filesystem;

// One line of an OBJ/MTL file, split into whitespace-separated tokens; errors it raises
// carry "file:line: ".
struct Line {
  const std::string& file;
  int number;
  std::vector<std::string> tok;
  std::string rest;  // everything after the keyword, trimmed (file names may hold spaces)

  [[noreturn]] void error(const std::string& what) const { fail(str_cat(file, ":", number, ": ", what)); }

  float number_at(size_t i) const {
    if (i >= tok.size()) error(str_cat(tok[0], ": expected a number in field ", i, ", found end of line"));
    const std::string& s = tok[i];
    float v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
      error(str_cat(tok[0], ": '", s, "' is not a number"));
    return v;
  }
};

bool split_line(const std::string& raw, Line& line) {
  std::string s = raw.substr(0, raw.find('#'));
  std::istringstream is(s);
  line.tok.clear();
  for (std::string t; is >> t;) line.tok.push_back(t);
  if (line.tok.empty()) return false;
  size_t start = s.find(line.tok[0]) + line.tok[0].size();
  size_t a = s.find_first_not_of(" \t\r", start), b = s.find_last_not_of(" \t\r");
  line.rest = a == std::string::npos ? "" : s.substr(a, b - a + 1);
  return true;
}

std::ifstream open_text(const std::string& path) {
  // /dev/zero or a FIFO would be read without end, a folder "opens" and reads as empty.
  std::error_code ec;
  WS_CHECK(!fs::exists(path, ec) || fs::is_regular_file(path, ec), path, ": not a regular file");
  std::ifstream in(path);
  if (!in) fail(str_cat(path, ": cannot open (", std::strerror(errno), ")"));
  return in;
}

// A file name as written in an OBJ/MTL (Windows separators tolerated), relative to `dir`.
std::string resolve(const fs::path& dir, std::string name) {
  for (char& c : name)
    if (c == '\\') c = '/';
  fs::path p(name);
  return (p.is_absolute() ? p : dir / p).lexically_normal().string();
}

using TextureCache = std::map<std::string, std::shared_ptr<const Image>>;

void load_mtl(const std::string& path, std::map<std::string, int>& by_name, Mesh& mesh, TextureCache& textures) {
  std::ifstream in = open_text(path);
  fs::path dir = fs::path(path).parent_path();
  Line line{path, 0, {}, {}};
  int current = -1;
  for (std::string raw; std::getline(in, raw);) {
    ++line.number;
    if (!split_line(raw, line)) continue;
    const std::string& key = line.tok[0];
    if (key == "newmtl") {
      if (line.rest.empty()) line.error("newmtl: missing material name");
      auto it = by_name.find(line.rest);
      if (it != by_name.end()) {
        current = it->second;  // redefinition: later values win
      } else {
        current = mesh.add_material({line.rest, {0.8f, 0.8f, 0.8f}, nullptr});
        by_name[line.rest] = current;
      }
    } else if (key == "Kd" || key == "map_Kd") {
      if (current < 0) line.error(key + " before any newmtl");
      Material& m = mesh.materials[current];
      if (key == "Kd") {
        if (line.tok.size() > 1 && line.tok[1] == "spectral") line.error("Kd spectral is not supported");
        if (line.tok.size() > 1 && line.tok[1] == "xyz") line.error("Kd xyz is not supported");
        float r = line.number_at(1);
        // "Kd r" alone means grey; otherwise three values.
        float g = line.tok.size() > 2 ? line.number_at(2) : r, b = line.tok.size() > 2 ? line.number_at(3) : r;
        for (float c : {r, g, b})  // a reflectance: a colour outside [0, 1] is a damaged file
          if (!(c >= 0.0f && c <= 1.0f)) line.error(str_cat("Kd ", r, " ", g, " ", b, ": values must be in [0, 1]"));
        m.diffuse = {r, g, b};
      } else {
        if (line.tok.size() < 2) line.error("map_Kd: missing file name");
        // Options (-s 1 1 1, -bm 0.5, ...) come first; the file name is the last field,
        // or the whole rest of the line when that names an existing file (spaces).
        std::string file = resolve(dir, line.rest);
        if (!fs::exists(file)) file = resolve(dir, line.tok.back());
        auto it = textures.find(file);
        if (it == textures.end()) {
          try {
            it = textures.emplace(file, std::make_shared<const Image>(load_image(file))).first;
          } catch (const Error& e) {
            line.error(str_cat("map_Kd: ", e.what()));
          }
        }
        m.texture = it->second;
      }
    }
    // Ka, Ks, Ns, d, illum, other maps: not used by a view-independent diffuse renderer.
  }
}

// Resolves one OBJ index (1-based, or negative = relative to the end) against `count`.
int resolve_index(const Line& line, const std::string& field, const std::string& text, int count, const char* what) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0)
    line.error(str_cat("f: '", field, "' has a bad ", what, " index '", text, "'"));
  int i = v > 0 ? v - 1 : count + v;
  if (i < 0 || i >= count)
    line.error(str_cat("f: ", what, " index ", v, " out of range (", count, " ", what, "s defined so far)"));
  return i;
}
}  // namespace

Mesh load_obj(const std::string& path) {
  std::ifstream in = open_text(path);
  fs::path dir = fs::path(path).parent_path();
  Mesh mesh;
  std::map<std::string, int> materials;
  TextureCache textures;
  int current = -1;  // no usemtl yet: the default material, made on first use
  Line line{path, 0, {}, {}};
  std::vector<int> fv, ft;
  for (std::string raw; std::getline(in, raw);) {
    ++line.number;
    if (!split_line(raw, line)) continue;
    const std::string& key = line.tok[0];
    if (key == "v") {
      mesh.positions.push_back({line.number_at(1), line.number_at(2), line.number_at(3)});  // w / colours ignored
    } else if (key == "vt") {
      mesh.uvs.push_back({line.number_at(1), line.tok.size() > 2 ? line.number_at(2) : 0.0f});
    } else if (key == "f") {
      if (line.tok.size() < 4) line.error(str_cat("f: a face needs at least 3 vertices, got ", line.tok.size() - 1));
      fv.clear();
      ft.clear();
      for (size_t k = 1; k < line.tok.size(); ++k) {
        const std::string& field = line.tok[k];
        size_t s1 = field.find('/');
        fv.push_back(resolve_index(line, field, field.substr(0, s1), int(mesh.positions.size()), "vertex"));
        int t = -1;
        if (s1 != std::string::npos) {
          size_t s2 = field.find('/', s1 + 1);
          std::string vt = field.substr(s1 + 1, s2 == std::string::npos ? std::string::npos : s2 - s1 - 1);
          if (!vt.empty()) t = resolve_index(line, field, vt, int(mesh.uvs.size()), "texture coordinate");
          // the normal index (after the second '/') is not used: shading uses face normals
        }
        ft.push_back(t);
      }
      if (current < 0) {
        current = mesh.add_material({"(default)", {0.8f, 0.8f, 0.8f}, nullptr});
        materials["(default)"] = current;
      }
      for (size_t k = 1; k + 1 < fv.size(); ++k) {  // fan: (0, k, k+1)
        Triangle t{{fv[0], fv[k], fv[k + 1]}, {ft[0], ft[k], ft[k + 1]}, current};
        if (t.t[0] < 0 || t.t[1] < 0 || t.t[2] < 0) t.t[0] = t.t[1] = t.t[2] = -1;
        mesh.triangles.push_back(t);
      }
    } else if (key == "usemtl") {
      if (line.rest.empty()) line.error("usemtl: missing material name");
      auto it = materials.find(line.rest);
      if (it == materials.end()) line.error(str_cat("usemtl: unknown material '", line.rest, "'"));
      current = it->second;
    } else if (key == "mtllib") {
      if (line.rest.empty()) line.error("mtllib: missing file name");
      // One file whose name may hold spaces, or several names separated by spaces.
      std::vector<std::string> files;
      if (fs::exists(resolve(dir, line.rest))) files.push_back(line.rest);
      else files.assign(line.tok.begin() + 1, line.tok.end());
      for (const std::string& f : files) {
        try {
          load_mtl(resolve(dir, f), materials, mesh, textures);
        } catch (const Error& e) {
          line.error(str_cat("mtllib: ", e.what()));
        }
      }
    }
    // vn, vp, o, g, s, l, p and unknown statements are ignored.
  }
  if (in.bad()) fail(str_cat(path, ": read error"));
  WS_CHECK(!mesh.triangles.empty(), path, ": no faces");
  return mesh;
}

}  // namespace ws
