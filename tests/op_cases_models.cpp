// Registry cases (tests/op_registry.h) of the model-level fused ops: the graph network's
// edge_linear and readout, NeRF encodings, MLPs and heads, marching, compositing,
// occupancy updates, the decoder and the training losses. Realistic shapes: E = 400k
// edges x 128 over 45k nodes; 8 NeRFs x 32768 samples (2^18 samples) x 64.
#include <cmath>

#include "core/rng.h"
#include "models/decoder/decoder.h"
#include "models/gmn/fused_ops.h"
#include "models/nerf/field.h"
#include "models/nerf/field_ops.h"
#include "models/render/composite.h"
#include "models/render/march.h"
#include "models/render/occupancy_grid.h"
#include "models/train/render_loss.h"
#include "models/train/siglip.h"
#include "tests/nerf_reference.h"
#include "tests/op_registry.h"
#include "tests/render_testing.h"

using namespace ws;
using namespace ws::test;

namespace {
constexpr int64_t kE = 400000, kH = 128, kN = 45024, kB = 8, kSamples = 32768;

// Positions [B,S,3] in [-0.1, 1.1)^3: inside the unit box and a little outside it.
Tensor positions(int64_t B, int64_t S, uint64_t seed) { return random_tensor({B, S, 3}, seed, -0.1f, 1.1f); }

// A small spec of a family: every parameter near the samples (finite differences).
ArchSpec small_arch(Family f) {
  nlohmann::json j = {{"name", "small"}, {"hidden_layers", 2}, {"hidden_dim", 8}};
  if (f == Family::Mlp) j.update({{"family", "mlp"}, {"freq_bands", 3}});
  if (f == Family::Tri) j.update({{"family", "tri"}, {"freq_bands", 2}, {"tri_res", 4}, {"tri_channels", 3}});
  if (f == Family::Hash)
    j.update({{"family", "hash"}, {"hash_levels", 2}, {"hash_log2_table", 6}, {"hash_base_res", 2}, {"hash_finest_res", 5}});
  return ArchSpec::from_json(j, "registry spec");
}

const char* family_of(Family f) { return f == Family::Mlp ? "mlp" : f == Family::Tri ? "tri" : "hash"; }

// A packed ray layout over N slots [R,2]: rays of 0..max samples, gaps between some.
Tensor ray_layout(int64_t R, int max, uint64_t seed, int64_t* N) {
  Rng rng(seed);
  std::vector<int32_t> v;
  int64_t next = 0;
  for (int64_t r = 0; r < R; ++r) {
    if (rng.below(4) == 0) next += rng.below(5);
    int32_t n = int32_t(rng.below(max + 1));
    v.push_back(int32_t(next));
    v.push_back(n);
    next += n;
  }
  *N = next + 3;
  return Tensor::from(v, {R, 2});
}

// Occupancy grids of B NeRFs at res: balls of different sizes, U8 [B, bytes].
Tensor ball_grids(int64_t B, int res) {
  std::vector<std::vector<uint8_t>> grids;
  for (int64_t b = 0; b < B; ++b) {
    float r = 0.2f + 0.05f * float(b % 5);
    grids.push_back(grid_bits(res, [r](float x, float y, float z) {
      return (x - 0.5f) * (x - 0.5f) + (y - 0.5f) * (y - 0.5f) + (z - 0.5f) * (z - 0.5f) < r * r;
    }));
  }
  return stack_bits(grids);
}

Tensor rays_tensor(const TestRays& r, bool origins) { return origins ? r.origins_t() : r.dirs_t(); }

// The outputs of march / march_packed as tensors.
std::vector<Tensor> march_outputs(const std::vector<Tensor>& in, int64_t B, int res, int64_t S, bool packed) {
  MarchOptions opt;
  opt.max_samples = S;  // some rays dropped
  opt.jitter = true;
  opt.seed = 3;
  if (packed) {
    PackedSamples p = march_packed(in[0], in[1], in[2], B, in[3], res, opt);
    return {p.x, p.t, p.delta, p.rays, p.ray_index, p.kept};
  }
  SampleBatch s = march(in[0], in[1], in[2], B, in[3], res, opt);
  return {s.x, s.t, s.delta, s.rays, s.ray_index};
}

// Density of a ball per NeRF (centre 0.5, radius growing with b) at points x [B, S, 3].
Tensor ball_density(const Tensor& x) {
  const int64_t B = x.size(0), S = x.size(1);
  std::vector<float> xv = x.to_vector(), out(size_t(B * S));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s) {
      const float* p = &xv[size_t(3 * (b * S + s))];
      float d2 = 0, r = 0.15f + 0.04f * float(b % 6);
      for (int a = 0; a < 3; ++a) d2 += (p[a] - 0.5f) * (p[a] - 0.5f);
      out[size_t(b * S + s)] = d2 < r * r ? 40.0f + float(b) : 0.0f;
    }
  return Tensor::from(out, {B, S}, x.device());
}
}  // namespace

// ---- the graph network's fused ops ------------------------------------------------------
WS_OP_CASES(gmn_cases) {
  struct Sz {
    bool big;
    int64_t E, K, C, T;
  };
  for (Sz z : {Sz{false, 30, 5, 8, 6}, Sz{true, kE, kH, kH, kN}}) {
    OpCase c;
    c.op = "edge_linear";
    c.realistic = z.big;
    c.variant = str_cat("ReLU, bias, residual, two grouped gathers", z.big ? ", E = 400k x 128" : "");
    c.relu_gradient = true;
    c.inputs = [z] {
      Tensor i0 = random_indices(z.E, int32_t(z.T), 9), i1 = random_indices(z.E, int32_t(z.T), 10);
      Csr g0 = csr_from_index(i0, z.T), g1 = csr_from_index(i1, z.T);
      return std::vector<Tensor>{random_tensor({z.E, z.K}, 11), random_tensor({z.C, z.K}, 12), random_tensor({z.C}, 13),
                                 random_tensor({z.T, z.C}, 14), random_tensor({z.T, z.C}, 15), random_tensor({z.E, z.C}, 16),
                                 i0, i1, g0.offsets, g0.perm, g1.offsets, g1.perm};
    };
    c.constant = {6, 7, 8, 9, 10, 11};
    c.f = [](const std::vector<Var>& v) {
      Csr g0{v[8].value(), v[9].value(), true}, g1{v[10].value(), v[11].value(), true};
      return edge_linear(v[0], v[1], v[2], {EdgeGather{v[3], v[6].value(), g0}, EdgeGather{v[4], v[7].value(), g1}}, v[5],
                         true);
    };
    c.atol = z.big ? 2e-3 : 1e-4;  // weight and bias gradients sum 400k rows
    c.gemm = true;
    c.tf32_atol = tf32_atol(z.E);
    cases.push_back(c);
    if (z.big) continue;
    c.variant = "linear, one gather with a scatter-add backward";
    c.inputs = [z] {
      return std::vector<Tensor>{random_tensor({z.E, z.K}, 17), random_tensor({z.C, z.K}, 18), random_tensor({z.T, z.C}, 19),
                                 random_indices(z.E, int32_t(z.T), 9)};
    };
    c.constant = {3};
    c.f = [](const std::vector<Var>& v) {
      return edge_linear(v[0], v[1], Var(), {EdgeGather{v[2], v[3].value(), Csr()}}, Var(), false);
    };
    cases.push_back(c);
  }
  struct Ro {
    bool big;
    int64_t E, K, C, G;
  };
  for (Ro z : {Ro{false, 25, 4, 16, 3}, Ro{true, kE, kH, 1024, 8}}) {
    OpCase c;
    c.op = "readout_relu_mean";
    c.realistic = z.big;
    c.variant = z.big ? "E = 400k x 128 -> 8 graphs x 1024" : "three graphs, one empty";
    c.inputs = [z] {
      std::vector<int32_t> offs{0};
      for (int64_t g = 1; g <= z.G; ++g) offs.push_back(g == 2 ? offs.back() : int32_t(z.E * g / z.G));
      std::vector<int32_t> eg(static_cast<size_t>(z.E));
      std::vector<float> inv;
      for (int64_t g = 0; g < z.G; ++g) {
        for (int32_t e = offs[size_t(g)]; e < offs[size_t(g + 1)]; ++e) eg[size_t(e)] = int32_t(g);
        int32_t n = offs[size_t(g + 1)] - offs[size_t(g)];
        inv.push_back(n ? 1.0f / float(n) : 0.0f);
      }
      Tensor x = random_tensor({z.E, z.K}, 20), w = random_tensor({z.C, z.K}, 21), b = random_tensor({z.C}, 22);
      // Finite differences need pre-activations away from the ReLU's kink: a bias that keeps them there.
      for (uint64_t seed = 100; !z.big && seed < 200; ++seed) {
        b = random_tensor({z.C}, seed);
        std::vector<float> xv = x.to_vector(), wv = w.to_vector(), bv = b.to_vector();
        double closest = 1e9;
        for (int64_t e = 0; e < z.E; ++e)
          for (int64_t c = 0; c < z.C; ++c) {
            double s = bv[size_t(c)];
            for (int64_t k = 0; k < z.K; ++k) s += double(xv[size_t(e * z.K + k)]) * wv[size_t(c * z.K + k)];
            closest = std::min(closest, std::fabs(s));
          }
        if (closest > 0.01) break;
      }
      return std::vector<Tensor>{x, w, b, Tensor::from(offs, {z.G + 1}), Tensor::from(eg, {z.E}), Tensor::from(inv, {z.G})};
    };
    c.constant = {3, 4, 5};
    c.f = [](const std::vector<Var>& v) {
      return readout_relu_mean(v[0], v[1], v[2], Csr{v[3].value(), Tensor()}, v[4].value(), v[5].value());
    };
    c.atol = z.big ? 2e-3 : 1e-4;
    c.gemm = true;
    c.tf32_atol = tf32_atol(z.E);
    cases.push_back(c);
  }
}

// ---- NeRF encodings, MLPs, heads and fields -------------------------------------------------
WS_OP_CASES(field_cases) {
  for (bool big : {false, true}) {
    const int64_t B = big ? kB : 2, S = big ? kSamples : 20;
    OpCase f;
    f.op = "freq_encode";
    f.realistic = big;
    f.variant = big ? "8 x 32768 points, 24 bands" : "48 bands";
    const int bands = big ? 24 : 48;
    f.inputs = [B, S] { return std::vector<Tensor>{positions(B, S, 30)}; };
    f.forward = [bands](const std::vector<Tensor>& in) { return std::vector<Tensor>{freq_encode(in[0], bands)}; };
    if (!big)
      f.reference = [bands](const std::vector<Tensor>& in) {
        std::vector<float> x = in[0].to_vector(), out;
        for (size_t p = 0; p < x.size() / 3; ++p)
          for (int d = 0; d < 3; ++d)
            for (int k = 0; k < bands; ++k)
              for (int s = 0; s < 2; ++s) out.push_back(float(ref_freq(x[3 * p + size_t(d)], k, s)));
        return out;
      };
    f.ref_atol = 1e-6;
    f.atol = f.rtol = 0;  // the same float arithmetic on both devices (docs/design.md §3.3)
    cases.push_back(f);

    const int R = big ? 32 : 4, C = big ? 16 : 3;
    OpCase t;
    t.op = "triplane_sample";
    t.realistic = big;
    t.variant = big ? "R 32, C 16, 8 x 32768 points (atomic backward on the GPU)" : "R 4, C 3";
    t.inputs = [B, S, R, C, big] {
      return std::vector<Tensor>{random_tensor({B, 3LL * R * R * C}, 31), positions(B, big ? S : 30, 32)};
    };
    t.grad = {1e-2, 1e-3, 1e-3, 200};  // bilinear: a larger step, no kinks inside a cell
    t.constant = {1};
    t.f = [R, C](const std::vector<Var>& v) { return triplane_sample(v[0], v[1].value(), R, C); };
    if (!big)
      t.reference = [R, C](const std::vector<Tensor>& in) {
        std::vector<float> planes = in[0].to_vector(), x = in[1].to_vector(), out;
        const int64_t B = in[1].size(0), S = in[1].size(1), P = 3LL * R * R * C;
        for (int64_t b = 0; b < B; ++b)
          for (int64_t s = 0; s < S; ++s)
            for (double v : ref_triplane(planes.data() + b * P, x.data() + 3 * (b * S + s), R, C)) out.push_back(float(v));
        return out;
      };
    t.atol = big ? 1e-4 : 1e-5;
    cases.push_back(t);

    ArchSpec hash = find_arch("HASH");
    if (!big) {  // small tables: collisions, and many entries checked
      hash.hash_log2_table = 6;
      hash.hash_finest_res = 24;
      hash.hash_base_res = 4;
    }
    OpCase h;
    h.op = "hash_grid_encode";
    h.realistic = big;
    h.variant = big ? "HASH, 8 x 32768 points (atomic backward on the GPU)" : "HASH with 2^6 tables: collisions";
    h.inputs = [B, S, hash, big] {
      return std::vector<Tensor>{random_tensor({B, hash.encoding_params()}, 33), positions(B, big ? S : 60, 34)};
    };
    h.grad = {1e-2, 1e-3, 1e-3, 300};
    h.constant = {1};
    h.f = [hash](const std::vector<Var>& v) { return hash_grid_encode(v[0], v[1].value(), hash); };
    if (!big)
      h.reference = [hash](const std::vector<Tensor>& in) {
        std::vector<float> tables = in[0].to_vector(), x = in[1].to_vector(), out;
        const int64_t B = in[1].size(0), S = in[1].size(1), P = hash.encoding_params();
        for (int64_t b = 0; b < B; ++b)
          for (int64_t s = 0; s < S; ++s)
            for (double v : ref_hash(hash, tables.data() + b * P, x.data() + 3 * (b * S + s))) out.push_back(float(v));
        return out;
      };
    h.atol = big ? 1e-4 : 1e-5;
    cases.push_back(h);

    for (Family fam : {Family::Mlp, Family::Tri, Family::Hash}) {
      if (big && fam != Family::Tri) continue;  // one realistic case: the tri-plane field
      const ArchSpec a = big ? find_arch("TRI") : small_arch(fam);
      OpCase fi;
      fi.op = "field_input";
      fi.realistic = big;
      fi.variant = big ? "TRI, 8 x 32768 points" : family_of(fam);
      fi.inputs = [a, B, S] {
        std::vector<Tensor> in = {positions(B, S, 35)};
        if (a.family != Family::Mlp) in.push_back(random_tensor({B, a.encoding_params()}, 36, -0.5f, 0.5f));
        else in.push_back(random_tensor({1}, 36));  // no encoding: a stand-in with a gradient of 0
        return in;
      };
      fi.constant = {0};
      fi.f = [a](const std::vector<Var>& v) {
        Var y = field_input(a, v[0].value(), a.family == Family::Mlp ? Var() : v[1]);
        return a.family == Family::Mlp ? add(y, mul_scalar(v[1], 0.0f)) : y;
      };
      if (!big)
        fi.reference = [a](const std::vector<Tensor>& in) {
          std::vector<float> x = in[0].to_vector(), enc = in[1].to_vector(), out;
          const int64_t B = in[0].size(0), S = in[0].size(1), P = a.encoding_params();
          for (int64_t b = 0; b < B; ++b)
            for (int64_t s = 0; s < S; ++s)
              for (double v : ref_field_input(a, P ? enc.data() + b * P : nullptr, x.data() + 3 * (b * S + s)))
                out.push_back(float(v));
          return out;
        };
      fi.atol = big ? 1e-4 : 1e-5;
      cases.push_back(fi);

      OpCase fr;
      fr.op = "field_raw";
      fr.realistic = big;
      fr.variant = fi.variant;
      // Large weights spread the pre-activations, so few ReLU kinks fall within the FD step.
      fr.inputs = [a, B, S, big] {
        std::vector<Tensor> in = {random_tensor({B, a.mlp_params()}, 24, -1.0f, 1.0f),
                                  big ? positions(B, S, 37) : random_tensor({B, 25, 3}, 37, 0.02f, 0.98f)};
        if (big) in[0] = init_field_batch(a, B, 61, Device::cpu()).mlp.value().clone();
        in.push_back(a.family == Family::Mlp ? random_tensor({1}, 38)
                                             : random_tensor({B, a.encoding_params()}, 38, -0.5f, 0.5f));
        return in;
      };
      fr.grad = {1e-3, 2e-3, 2e-2, 120};
      fr.constant = {1};
      fr.f = [a](const std::vector<Var>& v) {
        Var y = field_raw(a, v[0], a.family == Family::Mlp ? Var() : v[2], v[1].value());
        return a.family == Family::Mlp ? add(y, mul_scalar(v[2], 0.0f)) : y;
      };
      if (!big)
        fr.reference = [a](const std::vector<Tensor>& in) {
          std::vector<float> mlp = in[0].to_vector(), x = in[1].to_vector(), enc = in[2].to_vector(), out;
          const int64_t B = in[1].size(0), S = in[1].size(1), P = a.encoding_params(), M = a.mlp_params();
          for (int64_t b = 0; b < B; ++b)
            for (int64_t s = 0; s < S; ++s)
              for (double v : ref_field(a, mlp.data() + b * M, P ? enc.data() + b * P : nullptr, x.data() + 3 * (b * S + s)))
                out.push_back(float(v));
          return out;
        };
      fr.ref_atol = 1e-4;
      fr.ref_rtol = 1e-4;
      fr.atol = big ? 1e-3 : 1e-4;
      fr.gemm = true;
      fr.tf32_atol = tf32_atol(big ? kSamples : S);
      cases.push_back(fr);
    }

    if (!big)
      for (const char* name : {"MLP", "TRI", "HASH", "TRI-8C", "HASH-3N"}) {  // the real sizes, parity only
        const ArchSpec a = find_arch(name);
        OpCase fr;
        fr.op = "field_raw";
        fr.variant = str_cat(name, ", 2 x 1500 points");
        fr.fd = false;
        fr.inputs = [a] {
          FieldBatch f = init_field_batch(a, 2, 61, Device::cpu());
          return std::vector<Tensor>{f.mlp.value().clone(), positions(2, 1500, 63),
                                     a.family == Family::Mlp ? random_tensor({1}, 62)
                                                             : random_tensor({2, a.encoding_params()}, 62, -0.5f, 0.5f)};
        };
        fr.constant = {1};
        fr.f = [a](const std::vector<Var>& v) {
          Var y = field_raw(a, v[0], a.family == Family::Mlp ? Var() : v[2], v[1].value());
          return a.family == Family::Mlp ? add(y, mul_scalar(v[2], 0.0f)) : y;
        };
        fr.gemm = true;
        fr.tf32_atol = tf32_atol(3000);
        cases.push_back(fr);
      }
    const std::vector<int> widths = big ? std::vector<int>{64, 64, 64, 64, 16} : std::vector<int>{6, 5, 7, 4};
    int64_t P = 0;
    for (size_t k = 0; k + 1 < widths.size(); ++k) P += int64_t(widths[k]) * widths[k + 1];
    for (MlpActivation act : {MlpActivation::Relu, MlpActivation::Sine}) {
      OpCase m;
      m.op = "batched_mlp";
      m.realistic = big;
      m.variant = str_cat(act == MlpActivation::Sine ? "sine" : "ReLU", big ? ", 8 x 32768 x 64" : "");
      m.relu_gradient = act == MlpActivation::Relu;
      m.inputs = [B, S, widths, P, big] {
        return std::vector<Tensor>{random_tensor({B, big ? S : 9, widths[0]}, 39), random_tensor({B, P}, 40, -0.8f, 0.8f)};
      };
      m.f = [widths, act](const std::vector<Var>& v) { return batched_mlp(v[0], v[1], widths, act); };
      m.grad.max_checks = 80;
      m.atol = big ? 1e-3 : 1e-4;
      m.gemm = true;
      m.tf32_atol = tf32_atol(big ? kSamples : S);
      cases.push_back(m);
    }
    if (!big) {  // only some input columns trainable (the encoding's)
      OpCase m;
      m.op = "batched_mlp";
      m.variant = "ReLU, input gradient for columns [2, 5) only";
      m.relu_gradient = true;
      m.inputs = [B, S, widths, P] {
        return std::vector<Tensor>{random_tensor({B, S, widths[0]}, 41), random_tensor({B, P}, 42, -0.5f, 0.5f)};
      };
      m.f = [widths](const std::vector<Var>& v) { return batched_mlp(v[0], v[1], widths, MlpActivation::Relu, 2, 5); };
      m.fd = false;  // the other columns' gradient is 0 by design (test_nerf_field.cpp checks it against the full one)
      cases.push_back(m);
    }

    OpCase n;
    n.op = "nerf_heads";
    n.realistic = big;
    n.variant = big ? "8 x 32768" : "";
    n.inputs = [B, S] { return std::vector<Tensor>{random_tensor({B, S, 16}, 43, -3.0f, 3.0f), positions(B, S, 44)}; };
    n.constant = {1};
    n.f = [](const std::vector<Var>& v) { return nerf_heads(v[0], v[1].value()); };
    n.grad.max_checks = 200;
    n.atol = 1e-5;
    cases.push_back(n);
  }
}

// ---- rendering: marching, compositing, occupancy ---------------------------------------------
WS_OP_CASES(render_cases) {
  for (bool big : {false, true}) {
    const int64_t R = big ? 4096 : 12;
    const int max = big ? 128 : 12;
    OpCase c;
    c.op = "composite";
    c.realistic = big;
    c.variant = big ? "4096 rays of up to 128 samples" : "";
    c.inputs = [R, max] {
      int64_t N = 0;
      Tensor rays = ray_layout(R, max, 21, &N);
      return std::vector<Tensor>{random_tensor({N, 3}, 22, 0, 1), random_tensor({N}, 23, 0, 6), random_tensor({R, 3}, 24, 0, 1),
                                 random_tensor({N}, 25, 0.02f, 0.06f), rays};
    };
    c.constant = {3, 4};
    c.f = [](const std::vector<Var>& v) {
      Composited o = composite(v[0], v[1], v[3].value(), v[4].value(), v[2]);
      return concat_last({o.color, reshape(o.opacity, {o.opacity.shape()[0], 1})});
    };
    c.grad.max_checks = 60;
    c.atol = 1e-5;
    cases.push_back(c);

    OpCase w = c;
    w.op = "composite_weights";
    w.f = nullptr;
    w.forward = [](const std::vector<Tensor>& in) {
      return std::vector<Tensor>{composite_weights(in[1], in[3], in[4])};
    };
    cases.push_back(w);

    const int res = big ? 96 : 16;
    const int64_t B = big ? 8 : 3;
    const std::vector<int> per = big ? std::vector<int>(8, 512) : std::vector<int>{50, 0, 40};
    for (bool packed : {false, true}) {
      OpCase m;
      m.op = packed ? "march_packed" : "march";
      m.realistic = big;
      m.variant = big ? "8 NeRFs x 512 rays, 96^3 grids, rays dropped" : "3 NeRFs, one without rays, rays dropped";
      m.inputs = [per, B, res] {
        TestRays r = random_rays(per, 12);
        return std::vector<Tensor>{rays_tensor(r, true), rays_tensor(r, false), r.nerf_t(), ball_grids(B, res)};
      };
      const int64_t S = big ? 20000 : 300;
      m.forward = [B, res, S, packed](const std::vector<Tensor>& in) { return march_outputs(in, B, res, S, packed); };
      m.atol = m.rtol = 0;  // the same float steps on both devices (march_kernels.h)
      cases.push_back(m);
    }

    OpCase o;
    o.op = "occupancy_update";
    o.realistic = big;
    o.variant = big ? "8 NeRFs, 96^3 cells, 2^20 points a call" : "2 NeRFs, 24^3, warm-up then sampled";
    o.inputs = [] { return std::vector<Tensor>{Tensor::zeros({1})}; };  // only names the device
    o.forward = [big](const std::vector<Tensor>& in) {
      OccupancyOptions opt;
      opt.res = big ? 96 : 24;
      opt.warmup_steps = 16;
      opt.max_points = big ? (1 << 20) : 9000;
      OccupancyGrid g(big ? 8 : 2, in[0].device(), opt);
      for (int64_t step : {0, 16, 32}) g.update(step, ball_density);
      return std::vector<Tensor>{g.values(), g.bits()};
    };
    o.atol = o.rtol = 0;
    cases.push_back(o);
  }
}

// ---- the decoder and the training losses -----------------------------------------------------------
WS_OP_CASES(train_cases) {
  for (bool big : {false, true}) {
    const int64_t G = big ? 8 : 2, per = big ? 8192 : 5, P = G * per;
    const DecoderConfig cfg = big ? DecoderConfig{1024, 1024, 48} : DecoderConfig{3, 8, 2};
    OpCase d;
    d.op = "decoder";
    d.realistic = big;
    d.variant = big ? "emb 1024, width 1024, 8 x 8192 points" : "emb 3, width 8";
    d.inputs = [G, P, per, cfg] {
      std::vector<int32_t> pn(static_cast<size_t>(P)), off;
      for (int64_t i = 0; i < P; ++i) pn[size_t(i)] = int32_t(i / per);
      for (int64_t g = 0; g <= G; ++g) off.push_back(int32_t(g * per));
      return std::vector<Tensor>{random_tensor({G, cfg.emb_dim}, 7, -2, 2), random_tensor({P, 3}, 5, 0, 1),
                                 Tensor::from(pn, {P}), Tensor::from(off, {G + 1})};
    };
    d.constant = {1, 2, 3};
    // The decoder's own weights are fixed (seeded) here; the training step's parity checks theirs.
    d.f = [cfg](const std::vector<Var>& v) {
      ParamSet ps;
      Decoder dec(cfg, ps);
      ps.materialize(v[0].device());
      dec.init(3);
      return dec.forward(v[0], v[1].value(), v[2].value(), Csr{v[3].value(), Tensor()});
    };
    d.atol = big ? 1e-3 : 1e-4;
    d.gemm = true;
    d.tf32_atol = tf32_atol(big ? 1312 : 8);
    cases.push_back(d);

    const int64_t n = big ? 256 : 4, D = big ? 1024 : 6;
    OpCase s;
    s.op = "siglip_loss";
    s.realistic = big;
    s.variant = big ? "256 pairs x 1024" : "";
    s.inputs = [n, D] {
      return std::vector<Tensor>{random_tensor({n, D}, 1), random_tensor({n, D}, 2), Tensor::from(std::vector<float>{0.5f}, {1}),
                                 Tensor::from(std::vector<float>{-1.0f}, {1})};
    };
    s.f = [](const std::vector<Var>& v) { return siglip_loss(v[0], v[1], v[2], v[3]); };
    s.atol = 1e-5;
    cases.push_back(s);

    OpCase c;
    c.op = "centre_by_group";
    c.realistic = big;
    c.variant = big ? "256 x 1024, three groups" : "three groups, one of a single row";
    std::vector<std::string> groups;
    for (int64_t i = 0; i < (big ? 256 : 5); ++i) groups.push_back(big ? (i % 3 ? "TRI" : "MLP") : i == 4 ? "HASH" : i % 2 ? "TRI" : "MLP");
    if (big) groups[5] = "HASH";
    c.inputs = [groups, D] { return std::vector<Tensor>{random_tensor({int64_t(groups.size()), D}, 4)}; };
    c.f = [groups](const std::vector<Var>& v) { return centre_by_group(v[0], groups); };
    c.atol = 1e-5;
    cases.push_back(c);

    const int64_t K = big ? 4096 : 10, M = big ? 80000 : 6;
    OpCase r;
    r.op = "render_loss_terms";
    r.realistic = big;
    r.variant = big ? "4096 pixels, 80000 background points" : "";
    r.inputs = [K, M] {
      return std::vector<Tensor>{random_tensor({K, 3}, 50, 0, 1), random_tensor({K, 3}, 51, 0, 1), random_tensor({M, 3}, 52, 0, 1),
                                 random_tensor({M, 1}, 53, 0, 40), random_tensor({M, 3}, 54, 0, 1)};
    };
    r.f = [](const std::vector<Var>& v) {
      return render_loss_terms(v[0], v[1], v[2], v[3], v[4], 0.01f, RenderLossConfig{});
    };
    r.atol = 1e-5;
    cases.push_back(r);
  }
}
