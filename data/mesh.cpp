#include "data/mesh.h"

#include <cmath>

#include "core/error.h"

namespace ws {

Bounds mesh_bounds(const Mesh& m) {
  WS_CHECK(!m.triangles.empty(), "mesh_bounds: the mesh has no triangles");
  Bounds b{{INFINITY, INFINITY, INFINITY}, {-INFINITY, -INFINITY, -INFINITY}};
  for (const Triangle& t : m.triangles)
    for (int k = 0; k < 3; ++k) {
      Vec3 p = m.positions[t.v[k]];
      for (int a = 0; a < 3; ++a) {
        b.lo[a] = std::fmin(b.lo[a], p[a]);
        b.hi[a] = std::fmax(b.hi[a], p[a]);
      }
    }
  return b;
}

void normalize_mesh(Mesh& m, float radius) {
  Bounds b = mesh_bounds(m);
  Vec3 centre = (b.lo + b.hi) * 0.5f;
  std::vector<char> used(m.positions.size(), 0);
  for (const Triangle& t : m.triangles) used[t.v[0]] = used[t.v[1]] = used[t.v[2]] = 1;
  float r = 0;
  for (size_t i = 0; i < m.positions.size(); ++i)
    if (used[i]) r = std::fmax(r, length(m.positions[i] - centre));
  WS_CHECK(r > 0 && std::isfinite(r), "normalize_mesh: degenerate mesh (all vertices at one point)");
  // Slightly under `radius`, so rounding in the multiply cannot push a vertex past it.
  float s = radius * (1.0f - 1e-6f) / r;
  for (Vec3& p : m.positions) p = (p - centre) * s;
}

void y_up_to_z_up(Mesh& m) {
  for (Vec3& p : m.positions) p = Vec3(p.x, -p.z, p.y);
}

void check_mesh(const Mesh& m, const std::string& what) {
  int nv = int(m.positions.size()), nt = int(m.uvs.size()), nm = int(m.materials.size());
  for (size_t i = 0; i < m.triangles.size(); ++i) {
    const Triangle& t = m.triangles[i];
    for (int k = 0; k < 3; ++k) {
      WS_CHECK(t.v[k] >= 0 && t.v[k] < nv, what, ": triangle ", i, " uses vertex ", t.v[k], " of ", nv);
      WS_CHECK(t.t[k] >= -1 && t.t[k] < nt, what, ": triangle ", i, " uses uv ", t.t[k], " of ", nt);
    }
    WS_CHECK(t.material >= 0 && t.material < nm, what, ": triangle ", i, " uses material ", t.material, " of ", nm);
  }
}

}  // namespace ws
