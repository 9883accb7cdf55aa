// Z-buffered software triangle rasterizer: the one renderer behind both `wsnerf synth`
// (procedural objects are tessellated into meshes) and `wsnerf views` (OBJ meshes).
//   - S x S samples per pixel (stratified grid): colour = mean over the covered samples,
//     alpha = covered fraction, so edges are anti-aliased and alpha is straight.
//   - perspective-correct UVs, bilinear texture lookup with wrap-around;
//   - view-independent shading (NeRFs here take no view direction): Lambert with two
//     fixed world-space directional lights plus ambient, using |n . l| with the face
//     normal, i.e. two-sided lighting, so faces shade the same whatever their winding
//     (ShapeNet meshes are not consistently wound) and from whichever side they are seen;
//   - no back-face culling (open meshes are common); triangles crossing the camera's
//     near plane are clipped; output rows are rendered in parallel (OpenMP).
#pragma once
#include "data/camera.h"
#include "data/image.h"
#include "data/mesh.h"

namespace ws {

struct RasterOptions {
  int supersample = 4;  // samples per pixel along each axis
};
constexpr int kMaxSupersample = 16;

// The view-independent shading factor for a unit face normal (>= 0, about 1 at most).
float shade_factor(Vec3 normal);

// -> RGBA [cam.height, cam.width]; transparent black where nothing is hit.
Image rasterize(const Mesh& mesh, const PinholeCamera& cam, const RasterOptions& opt = RasterOptions());

}  // namespace ws
