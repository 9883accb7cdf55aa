// Wavefront OBJ + MTL reader: the format ShapeNet models come in.
//   OBJ: v, vt, f (v, v/vt, v//vn, v/vt/vn; negative = relative; polygons fan-triangulated),
//        usemtl, mtllib; vn/o/g/s/l and unknown keywords are ignored.
//   MTL: newmtl, Kd, map_Kd (relative to the MTL's folder; PNG, JPEG, ... via stb).
// Malformed input throws ws::Error "file:line: what is wrong". Faces before any usemtl
// get a default grey material. Positions are returned as stored (y-up, unnormalised).
#pragma once
#include <string>

#include "data/mesh.h"

namespace ws {

Mesh load_obj(const std::string& path);

}  // namespace ws
