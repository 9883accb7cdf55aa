#include "data/primitives.h"

#include <cmath>

#include "core/error.h"

namespace ws {

namespace {
constexpr float kPi = 3.14159265358979f;
}

void perpendicular_basis(Vec3 axis, Vec3& u, Vec3& v) {
  Vec3 a = normalize(axis);
  Vec3 helper = std::fabs(a.z) < 0.9f ? Vec3(0, 0, 1) : Vec3(1, 0, 0);
  u = normalize(cross(helper, a));
  v = cross(a, u);
}

int MeshBuilder::material(Vec3 rgb) { return m_.add_material({"part" + std::to_string(m_.materials.size()), rgb, nullptr}); }

int MeshBuilder::vertex(Vec3 p) {
  m_.positions.push_back(p);
  return int(m_.positions.size()) - 1;
}

void MeshBuilder::loft(const std::vector<std::vector<Vec3>>& rings, int mat, bool cap_first, bool cap_last, bool loop) {
  WS_CHECK(rings.size() >= 2 && rings[0].size() >= 3, "loft: needs 2+ rings of 3+ points");
  const size_t n = rings[0].size();
  std::vector<std::vector<int>> ids;
  for (const auto& r : rings) {
    WS_CHECK(r.size() == n, "loft: rings differ in size (", r.size(), " vs ", n, ")");
    ids.emplace_back();
    for (Vec3 p : r) ids.back().push_back(vertex(p));
  }
  auto tri = [&](int a, int b, int c) { m_.triangles.push_back({{a, b, c}, {-1, -1, -1}, mat}); };
  size_t segments = loop ? rings.size() : rings.size() - 1;
  for (size_t i = 0; i < segments; ++i) {
    const auto& a = ids[i];
    const auto& b = ids[(i + 1) % rings.size()];
    for (size_t k = 0; k < n; ++k) {
      size_t k1 = (k + 1) % n;
      tri(a[k], a[k1], b[k1]);
      tri(a[k], b[k1], b[k]);
    }
  }
  auto cap = [&](const std::vector<Vec3>& ring, const std::vector<int>& id, bool flip) {
    Vec3 c;
    for (Vec3 p : ring) c = c + p;
    int centre = vertex(c * (1.0f / float(ring.size())));
    for (size_t k = 0; k < n; ++k) {
      int a = id[k], b = id[(k + 1) % n];
      if (flip) tri(centre, b, a);
      else tri(centre, a, b);
    }
  };
  if (!loop && cap_first) cap(rings.front(), ids.front(), true);
  if (!loop && cap_last) cap(rings.back(), ids.back(), false);
}

void MeshBuilder::box(Vec3 c, Vec3 h, int mat, const Mat3& rot) {
  auto corner = [&](float sx, float sy, float sz) { return c + rot * Vec3(sx * h.x, sy * h.y, sz * h.z); };
  loft({{corner(-1, -1, -1), corner(1, -1, -1), corner(1, 1, -1), corner(-1, 1, -1)},
        {corner(-1, -1, 1), corner(1, -1, 1), corner(1, 1, 1), corner(-1, 1, 1)}},
       mat);
}

void MeshBuilder::box_span(Vec3 lo, Vec3 hi, int mat) { box((lo + hi) * 0.5f, (hi - lo) * 0.5f, mat); }

void MeshBuilder::quad_prism(const std::vector<Vec3>& a, const std::vector<Vec3>& b, int mat) { loft({a, b}, mat); }

void MeshBuilder::frustum(Vec3 a, Vec3 b, float ra, float rb, int mat, int segments) {
  Vec3 u, v;
  perpendicular_basis(b - a, u, v);
  std::vector<Vec3> ring_a, ring_b;
  for (int k = 0; k < segments; ++k) {
    float t = 2 * kPi * k / segments;
    Vec3 d = u * std::cos(t) + v * std::sin(t);
    ring_a.push_back(a + d * ra);
    ring_b.push_back(b + d * rb);
  }
  loft({ring_a, ring_b}, mat);
}

void MeshBuilder::ellipsoid(Vec3 c, Vec3 r, int mat, const Mat3& rot, int segments) {
  int stacks = segments / 2;
  std::vector<std::vector<Vec3>> rings;
  for (int i = 0; i <= stacks; ++i) {  // poles are rings of one repeated point
    float lat = -kPi / 2 + kPi * i / stacks;
    std::vector<Vec3> ring;
    for (int k = 0; k < segments; ++k) {
      float lon = 2 * kPi * k / segments;
      Vec3 p(std::cos(lat) * std::cos(lon) * r.x, std::cos(lat) * std::sin(lon) * r.y, std::sin(lat) * r.z);
      ring.push_back(c + rot * p);
    }
    rings.push_back(ring);
  }
  loft(rings, mat, false, false);
}

void MeshBuilder::torus(Vec3 c, Vec3 axis, float R, float r, int mat, int segments, int tube_segments) {
  Vec3 u, v, a = normalize(axis);
  perpendicular_basis(a, u, v);
  std::vector<std::vector<Vec3>> rings;
  for (int i = 0; i < segments; ++i) {
    float t = 2 * kPi * i / segments;
    Vec3 radial = u * std::cos(t) + v * std::sin(t);
    std::vector<Vec3> ring;
    for (int k = 0; k < tube_segments; ++k) {
      float s = 2 * kPi * k / tube_segments;
      ring.push_back(c + radial * (R + r * std::cos(s)) + a * (r * std::sin(s)));
    }
    rings.push_back(ring);
  }
  loft(rings, mat, false, false, /*loop=*/true);
}

void MeshBuilder::rounded_slab(Vec3 centre, float a, float b, float c, float t, int mat, const Mat3& rot) {
  c = std::fmin(c, std::fmin(a, b) * 0.999f);
  const int per_corner = 4;
  std::vector<Vec3> front, back;
  const float cx[4] = {a - c, -(a - c), -(a - c), a - c}, cz[4] = {b - c, b - c, -(b - c), -(b - c)};
  for (int q = 0; q < 4; ++q)
    for (int k = 0; k <= per_corner; ++k) {
      float ang = kPi / 2 * q + kPi / 2 * k / per_corner;
      float x = cx[q] + c * std::cos(ang), z = cz[q] + c * std::sin(ang);
      front.push_back(centre + rot * Vec3(x, t, z));
      back.push_back(centre + rot * Vec3(x, -t, z));
    }
  loft({back, front}, mat);
}

}  // namespace ws
