// Triangle meshes with per-triangle materials: what the rasterizer draws, whether the
// triangles came from an OBJ file or from the procedural object generator.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "data/image.h"
#include "data/vec.h"

namespace ws {

struct Material {
  std::string name;
  Vec3 diffuse{0.8f, 0.8f, 0.8f};        // Kd, linear 0..1
  std::shared_ptr<const Image> texture;  // map_Kd; when set it replaces `diffuse`
};

struct Triangle {
  int v[3];             // indices into Mesh::positions
  int t[3] = {-1, -1, -1};  // indices into Mesh::uvs, or -1 (untextured corner)
  int material = 0;     // index into Mesh::materials
};

struct Mesh {
  std::vector<Vec3> positions;
  std::vector<Vec2> uvs;  // OBJ convention: (0, 0) is the bottom-left of the texture
  std::vector<Triangle> triangles;
  std::vector<Material> materials;

  int add_material(Material m) {
    materials.push_back(std::move(m));
    return int(materials.size()) - 1;
  }
};

// Axis-aligned bounds of the vertices used by triangles.
struct Bounds {
  Vec3 lo, hi;
};
Bounds mesh_bounds(const Mesh& m);

// The scene normalisation every object goes through: move the centre of the bounding box
// to the origin, then scale uniformly so the vertex farthest from it lies at distance
// `radius` (default 0.7). Every vertex then lies inside the sphere of radius 0.7, hence
// inside the +-0.7 scene box. Unused vertices are ignored. Throws on an empty mesh.
constexpr float kObjectRadius = 0.7f;
void normalize_mesh(Mesh& m, float radius = kObjectRadius);

// OBJ files (and ShapeNet) are y-up; the world here is z-up: (x, y, z) -> (x, -z, y).
void y_up_to_z_up(Mesh& m);

// Throws ws::Error when an index is out of range (a safety net for hand-built meshes).
void check_mesh(const Mesh& m, const std::string& what);

}  // namespace ws
