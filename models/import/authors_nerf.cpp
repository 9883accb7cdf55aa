#include "models/import/authors_nerf.h"

#include <cmath>

#include "core/error.h"
#include "engine/safetensors.h"
#include "models/nerf/occupancy_bits.h"
#include "models/render/ray_box.h"

namespace ws {

namespace {
const char* kMlpKey = "mlp_base.params";
const char* kTriKey = "triplane";
const char* kEncKey = "encoding.params";
constexpr float kAuthorsBox = 0.7f;  // nerfacc's aabb, the same scene box as ours
constexpr int kMaxGridRes = 1024;    // NerfFile's bound

std::string shape_of(const std::vector<int64_t>& s) { return dims_str(s.data(), s.size()); }

// The shapes an architecture's checkpoint has: mlp_base.params [P] and, per family,
// triplane [3,R,R,C] or encoding.params [N].
std::vector<int64_t> encoding_shape(const ArchSpec& a) {
  if (a.family == Family::Tri) return {3, a.tri_res, a.tri_res, a.tri_channels};
  if (a.family == Family::Hash) return {a.encoding_params()};
  return {};
}

std::string describe_candidates(const std::vector<ArchSpec>& candidates, Family f) {
  std::string s;
  for (const ArchSpec& a : candidates) {
    if (a.family != f) continue;
    s += str_cat(s.empty() ? "" : "; ", a.name, ": ", kMlpKey, " [", a.mlp_params(), "]");
    if (f != Family::Mlp) s += str_cat(", ", f == Family::Tri ? kTriKey : kEncKey, " ", shape_of(encoding_shape(a)));
  }
  return s.empty() ? "none" : s;
}

Tensor float_tensor(const TorchCheckpoint& ck, const char* key, const Shape& shape) {
  const TorchTensor& t = ck.get(key);
  const std::string what = str_cat(ck.path, ": tensor '", key, "'");
  Tensor out = Tensor::from(torch_floats(t, what), shape);
  const int64_t bad = first_non_finite(out);
  WS_CHECK(bad < 0, what, " holds a non-finite value (element ", bad, ")");
  return out;
}
}  // namespace

const ArchSpec& identify_authors_arch(const TorchCheckpoint& w, const std::vector<ArchSpec>& candidates) {
  for (const auto& [key, t] : w.tensors)
    WS_CHECK(key == kMlpKey || key == kTriKey || key == kEncKey, w.path, ": unexpected tensor '", key, "' ",
             t.describe(), " (a NeRF's weights hold ", kMlpKey, ", and ", kTriKey, " or ", kEncKey, ")");
  const TorchTensor& mlp = w.get(kMlpKey);
  WS_CHECK(!mlp.sparse && mlp.shape.size() == 1, w.path, ": tensor '", kMlpKey, "' is ", mlp.describe(),
           ", expected a 1-D tensor of the MLP's parameters");
  // The family from which tensors are there: a tri-plane, hash tables, or neither.
  Family family = Family::Mlp;
  std::vector<int64_t> enc_shape;
  if (w.has(kTriKey)) {
    family = Family::Tri;
    const TorchTensor& tri = w.get(kTriKey);
    WS_CHECK(!tri.sparse && tri.shape.size() == 4 && tri.shape[0] == 3 && tri.shape[1] == tri.shape[2], w.path,
             ": tensor '", kTriKey, "' is ", tri.describe(), ", expected [3, R, R, C]");
    enc_shape = tri.shape;
    WS_CHECK(!w.has(kEncKey) || w.get(kEncKey).numel() == 0, w.path, ": tensor '", kEncKey, "' is ",
             w.get(kEncKey).describe(), " beside a tri-plane, expected [0]");
  } else if (w.has(kEncKey) && w.get(kEncKey).numel() > 0) {
    family = Family::Hash;
    const TorchTensor& enc = w.get(kEncKey);
    WS_CHECK(!enc.sparse && enc.shape.size() == 1, w.path, ": tensor '", kEncKey, "' is ", enc.describe(),
             ", expected the hash tables as a 1-D tensor");
    enc_shape = enc.shape;
  }
  const ArchSpec* match = nullptr;
  for (const ArchSpec& a : candidates) {
    if (a.family != family || a.mlp_params() != mlp.shape[0] || encoding_shape(a) != enc_shape) continue;
    WS_CHECK(!match, w.path, ": the shapes fit two architectures, ", match->name, " and ", a.name);
    match = &a;
  }
  WS_CHECK(match, w.path, ": no ", family_name(family), " architecture has these shapes (", kMlpKey, " ",
           mlp.shape_str(), family == Family::Mlp ? "" : str_cat(", ", family == Family::Tri ? kTriKey : kEncKey, " ",
                                                                  shape_of(enc_shape)),
           "); known: ", describe_candidates(candidates, family), ". Describe it in a JSON spec (wsnerf archs)");
  return *match;
}

AuthorsGrid read_authors_grid(const TorchCheckpoint& g) {
  const std::vector<float> box = torch_floats(g.get("_roi_aabb"), g.path + ": tensor '_roi_aabb'");
  WS_CHECK(box.size() == 6, g.path, ": tensor '_roi_aabb' has ", box.size(), " values, expected 6");
  for (int i = 0; i < 6; ++i)
    WS_CHECK(std::fabs(box[size_t(i)] - (i < 3 ? -kAuthorsBox : kAuthorsBox)) < 1e-5f, g.path,
             ": the grid covers the box _roi_aabb = (", box[0], ", ", box[1], ", ", box[2], ", ", box[3], ", ", box[4],
             ", ", box[5], "), not the +-", kAuthorsBox, " box wsnerf renders in");
  const std::vector<int64_t> res = torch_ints(g.get("resolution"), g.path + ": tensor 'resolution'");
  WS_CHECK(res.size() == 3 && res[0] == res[1] && res[1] == res[2], g.path, ": resolution ",
           g.get("resolution").describe(), " is not three equal sizes (wsnerf's grids are cubic)");
  const int64_t r = res[0];
  WS_CHECK(r >= 1 && r <= kMaxGridRes, g.path, ": grid resolution ", r, " outside [1, ", kMaxGridRes, "]");
  const TorchTensor& binary = g.get("_binary");
  WS_CHECK(binary.dtype == TorchDType::Bool && binary.shape == std::vector<int64_t>({r, r, r}), g.path,
           ": tensor '_binary' is ", binary.describe(), ", expected bool [", r, ", ", r, ", ", r, "]");
  // Bits set straight from the cells, dense or sparse: a sparse grid is never densified.
  AuthorsGrid out;
  out.res = int(r);
  out.bits.assign(size_t(occupancy_bytes(out.res)), 0);
  auto set = [&](int64_t cell) {
    const uint8_t bit = uint8_t(1u << (cell & 7));
    out.occupied += !(out.bits[size_t(cell >> 3)] & bit);
    out.bits[size_t(cell >> 3)] |= bit;
  };
  const int64_t nnz = binary.nnz();
  for (int64_t k = 0; k < nnz; ++k) {
    if (!binary.data[size_t(k)]) continue;
    if (!binary.sparse) {
      set(k);
      continue;
    }
    int64_t cell = 0;
    for (int d = 0; d < 3; ++d) {
      const int64_t i = binary.indices[size_t(d * nnz + k)];
      WS_CHECK(i >= 0 && i < r, g.path, ": tensor '_binary': sparse index ", i, " (element ", k, ", dimension ", d,
               ") is outside [0, ", r, ")");
      cell = cell * r + i;
    }
    set(cell);
  }
  return out;
}

NerfFile import_authors_nerf(const std::string& weights_path, const std::string& grid_path,
                             const std::vector<ArchSpec>& candidates) {
  const TorchCheckpoint w = load_torch_checkpoint(weights_path);
  const ArchSpec& arch = identify_authors_arch(w, candidates);
  NerfFile n;
  n.arch = arch;
  n.mlp = float_tensor(w, kMlpKey, {arch.mlp_params()});
  if (arch.family == Family::Tri) n.encoding = float_tensor(w, kTriKey, {3, arch.tri_res, arch.tri_res, arch.tri_channels});
  if (arch.family == Family::Hash) n.encoding = float_tensor(w, kEncKey, {arch.encoding_params()});
  n.stats["source_dtype"] = torch_dtype_name(w.get(kMlpKey).dtype);

  const AuthorsGrid g = read_authors_grid(load_torch_checkpoint(grid_path));
  n.occupancy_res = g.res;
  n.occupancy = Tensor::from(g.bits, {int64_t(g.bits.size())});
  n.render_step = kDefaultRenderStep;
  n.validate(weights_path);
  return n;
}

}  // namespace ws
