// Tessellated primitives for building coloured triangle meshes (the procedural objects).
// Everything is a loft: a sequence of point rings joined by quads, with optional fan
// caps. Boxes, wedges, wings, cylinders, cones, ellipsoids, tori and rounded slabs are
// all lofts of two or more rings. World axes: +z up.
#pragma once
#include <vector>

#include "data/mesh.h"

namespace ws {

class MeshBuilder {
 public:
  explicit MeshBuilder(Mesh& mesh) : m_(mesh) {}

  int material(Vec3 rgb);  // a new plain-coloured material

  // Joins ring i to ring i+1 (equal point counts, same orientation); `loop` also joins
  // the last ring to the first (a torus); caps close the first/last ring with a fan
  // from its centroid (meant for convex rings).
  void loft(const std::vector<std::vector<Vec3>>& rings, int mat, bool cap_first = true, bool cap_last = true,
            bool loop = false);

  // Box with half extents `half`, rotated by `rot` about its centre.
  void box(Vec3 centre, Vec3 half, int mat, const Mat3& rot = Mat3());
  // Axis-aligned box from its two corners.
  void box_span(Vec3 lo, Vec3 hi, int mat);
  // Two quads (same corner order) joined into a closed solid: wedges, tapered wings.
  void quad_prism(const std::vector<Vec3>& quad_a, const std::vector<Vec3>& quad_b, int mat);
  // Capped cylinder / truncated cone / cone (rb = 0) from a to b.
  void frustum(Vec3 a, Vec3 b, float ra, float rb, int mat, int segments = 16);
  void cylinder(Vec3 a, Vec3 b, float r, int mat, int segments = 16) { frustum(a, b, r, r, mat, segments); }
  void ellipsoid(Vec3 centre, Vec3 radii, int mat, const Mat3& rot = Mat3(), int segments = 16);
  void sphere(Vec3 centre, float r, int mat) { ellipsoid(centre, {r, r, r}, mat); }
  // Ring of tube radius r around `axis` at distance R from `centre`.
  void torus(Vec3 centre, Vec3 axis, float R, float r, int mat, int segments = 20, int tube_segments = 8);
  // Slab with rounded corners: a rounded rectangle of half sizes (a, b) and corner radius
  // c in the local (x, z) plane, half thickness t along local y; rotated, then moved.
  void rounded_slab(Vec3 centre, float a, float b, float c, float t, int mat, const Mat3& rot = Mat3());

 private:
  int vertex(Vec3 p);
  Mesh& m_;
};

// Two unit vectors perpendicular to `axis` and to each other.
void perpendicular_basis(Vec3 axis, Vec3& u, Vec3& v);

}  // namespace ws
