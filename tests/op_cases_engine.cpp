// Registry cases (tests/op_registry.h) of the ops in engine/ops.h, and of the optimizer
// and parameter fills. Realistic shapes: the encoder's E = 400k edges x 128 over
// N = 45k nodes, and the renderer's 2^18 samples x 64.
#include <cmath>

#include "engine/optim.h"
#include "engine/params.h"
#include "core/rng.h"
#include "tests/op_registry.h"

using namespace ws;
using namespace ws::test;

namespace {
constexpr int64_t kE = 400000, kH = 128, kN = 45024, kS = 262144, kW = 64;

using Inputs = std::function<std::vector<Tensor>()>;

double unary_reference(Unary op, double x) {
  switch (op) {
    case Unary::Relu: return x > 0 ? x : 0;
    case Unary::Silu: return x / (1 + std::exp(-x));
    case Unary::Sin: return std::sin(x);
    case Unary::Cos: return std::cos(x);
    case Unary::Sigmoid: return 1 / (1 + std::exp(-x));
    case Unary::Exp: case Unary::TruncExp: return std::exp(x);
    case Unary::Softplus: return std::log1p(std::exp(x));
    case Unary::LogSigmoid: return -std::log1p(std::exp(-x));
    case Unary::Tanh: return std::tanh(x);
    case Unary::Square: return x * x;
    case Unary::Neg: return -x;
  }
  return 0;
}

// Offsets [S+1] of S segments of uneven sizes (some empty, a few large), and their total.
std::vector<int32_t> uneven_offsets(int64_t S, int64_t typical, uint64_t seed) {
  std::vector<int32_t> off{0};
  Rng rng(seed);
  for (int64_t s = 0; s < S; ++s) {
    uint32_t r = rng.next_u32() % 100;
    int64_t n = r < 10 ? 0 : r < 12 ? 10 * typical : typical / 2 + int64_t(rng.next_u32() % uint32_t(typical));
    off.push_back(off.back() + int32_t(n));
  }
  return off;
}

std::vector<int32_t> permutation(int64_t n, uint64_t seed) {
  std::vector<int32_t> p(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) p[size_t(i)] = int32_t(i);
  Rng rng(seed);
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[size_t(i)], p[size_t(rng.below(i + 1))]);
  return p;
}

Tensor ints(const std::vector<int32_t>& v) { return Tensor::from(v, {int64_t(v.size())}); }

// Per-segment sums (or means) in double, rows through perm.
std::vector<float> naive_segment(const Tensor& x, const Tensor& offsets, const Tensor& perm, bool mean) {
  std::vector<float> xv = x.to_vector(), out;
  std::vector<int32_t> off = offsets.to_vector_i32(), p = perm.defined() ? perm.to_vector_i32() : std::vector<int32_t>();
  int64_t C = x.ndim() == 2 ? x.size(1) : 1;
  for (size_t s = 0; s + 1 < off.size(); ++s) {
    std::vector<double> acc(size_t(C), 0.0);
    for (int32_t e = off[s]; e < off[s + 1]; ++e)
      for (int64_t c = 0; c < C; ++c) acc[size_t(c)] += xv[size_t((p.empty() ? e : p[size_t(e)]) * C + c)];
    int32_t n = off[s + 1] - off[s];
    for (int64_t c = 0; c < C; ++c) out.push_back(float(mean && n ? acc[size_t(c)] / n : acc[size_t(c)]));
  }
  return out;
}

Csr csr(const Tensor& offsets, const Tensor& perm = Tensor()) { return Csr{offsets, perm}; }
}  // namespace

// ---- linear algebra -------------------------------------------------------------------------
WS_OP_CASES(linear_algebra_cases) {
  for (int t = 0; t < 4; ++t) {
    bool ta = t & 1, tb = t & 2;
    OpCase c;
    c.op = "matmul";
    c.variant = str_cat("ta=", ta, " tb=", tb);
    c.inputs = [=] {
      return std::vector<Tensor>{random_tensor(ta ? Shape{13, 7} : Shape{7, 13}, 1),
                                 random_tensor(tb ? Shape{5, 13} : Shape{13, 5}, 2)};
    };
    c.f = [=](const std::vector<Var>& v) { return matmul(v[0], v[1], ta, tb); };
    c.reference = [=](const std::vector<Tensor>& in) { return naive_matmul(in[0], in[1], ta, tb); };
    c.gemm = true;
    c.tf32_atol = tf32_atol(13);
    cases.push_back(c);
  }
  OpCase big;
  big.op = "matmul";
  big.variant = "[2^18, 64] x [64, 64]^T";
  big.realistic = true;
  big.inputs = [] { return std::vector<Tensor>{random_tensor({kS, kW}, 3), random_tensor({kW, kW}, 4)}; };
  big.f = [](const std::vector<Var>& v) { return matmul(v[0], v[1], false, true); };
  big.atol = 1e-3;
  big.gemm = true;
  big.tf32_atol = tf32_atol(kS);  // the weight gradient sums over every row
  cases.push_back(big);

  OpCase l;
  l.op = "linear";
  l.variant = "x [2,3,6], bias";
  l.inputs = [] { return std::vector<Tensor>{random_tensor({2, 3, 6}, 5), random_tensor({4, 6}, 6), random_tensor({4}, 7)}; };
  l.f = [](const std::vector<Var>& v) { return linear(v[0], v[1], v[2]); };
  l.reference = [](const std::vector<Tensor>& in) {
    std::vector<float> y = naive_matmul(in[0].reshape({6, 6}), in[1], false, true), b = in[2].to_vector();
    for (size_t i = 0; i < y.size(); ++i) y[i] += b[i % 4];
    return y;
  };
  l.gemm = true;
  l.tf32_atol = tf32_atol(6);
  cases.push_back(l);
  l.variant = "no bias";
  l.inputs = [] { return std::vector<Tensor>{random_tensor({9, 6}, 8), random_tensor({4, 6}, 9)}; };
  l.f = [](const std::vector<Var>& v) { return linear(v[0], v[1]); };
  l.reference = nullptr;
  cases.push_back(l);
  l.variant = "E = 400k x 128 -> 128";
  l.realistic = true;
  l.inputs = [] { return std::vector<Tensor>{random_tensor({kE, kH}, 10), random_tensor({kH, kH}, 11), random_tensor({kH}, 12)}; };
  l.f = [](const std::vector<Var>& v) { return linear(v[0], v[1], v[2]); };
  l.atol = 2e-3;
  l.tf32_atol = tf32_atol(kE);
  cases.push_back(l);
}

// ---- element-wise ------------------------------------------------------------------------------
WS_OP_CASES(elementwise_cases) {
  const Unary all[] = {
#define WS_ITEM(name) Unary::name,
      WS_UNARY_OPS(WS_ITEM)
#undef WS_ITEM
  };
  for (Unary op : all) {
    OpCase c;
    c.op = "unary";
    c.variant = unary_name(op);
    c.inputs = [] { return std::vector<Tensor>{random_tensor({5, 13}, 2, -3, 3)}; };
    c.f = [op](const std::vector<Var>& v) { return unary(op, v[0]); };
    c.reference = [op](const std::vector<Tensor>& in) {
      std::vector<float> x = in[0].to_vector();
      for (float& v : x) v = float(unary_reference(op, v));
      return x;
    };
    c.ref_atol = 1e-6;
    c.atol = 1e-5;
    cases.push_back(c);
    c.variant = str_cat(unary_name(op), " [2^18, 64]");
    c.realistic = true;
    c.reference = nullptr;
    c.inputs = [] { return std::vector<Tensor>{random_tensor({kS, kW}, 3, -3, 3)}; };
    c.rtol = 1e-4;
    cases.push_back(c);
  }
  for (Binary op : {Binary::Add, Binary::Sub, Binary::Mul, Binary::Div}) {
    const char* name = op == Binary::Add ? "Add" : op == Binary::Sub ? "Sub" : op == Binary::Mul ? "Mul" : "Div";
    auto f = [op](const std::vector<Var>& v) { return binary(op, v[0], v[1]); };
    struct Shapes {
      const char* what;
      Shape b;
    };
    for (Shapes s : {Shapes{"full", Shape{6, 4}}, Shapes{"row broadcast", Shape{4}}, Shapes{"scalar", Shape{1}}}) {
      OpCase c;
      c.op = "binary";
      c.variant = str_cat(name, " ", s.what);
      c.inputs = [s] { return std::vector<Tensor>{random_tensor({6, 4}, 6), random_tensor(s.b, 7, 0.5f, 2)}; };
      c.f = f;
      c.reference = [op](const std::vector<Tensor>& in) {
        std::vector<float> a = in[0].to_vector(), b = in[1].to_vector();
        for (size_t i = 0; i < a.size(); ++i) a[i] = binary_fwd(op, a[i], b[i % b.size()]);
        return a;
      };
      cases.push_back(c);
    }
    OpCase big;
    big.op = "binary";
    big.variant = str_cat(name, " [2^18, 64] by a row");
    big.realistic = true;
    big.inputs = [] { return std::vector<Tensor>{random_tensor({kS, kW}, 8), random_tensor({kW}, 9, 0.5f, 2)}; };
    big.f = f;
    big.atol = 1e-3;  // the row's gradient sums 2^18 values
    cases.push_back(big);
  }
  OpCase a;
  a.op = "affine";
  a.inputs = [] { return std::vector<Tensor>{random_tensor({6, 4}, 10)}; };
  a.f = [](const std::vector<Var>& v) { return affine(v[0], -2.5f, 1.0f); };
  a.reference = [](const std::vector<Tensor>& in) {
    std::vector<float> x = in[0].to_vector();
    for (float& v : x) v = -2.5f * v + 1.0f;
    return x;
  };
  cases.push_back(a);
  a.realistic = true;
  a.reference = nullptr;
  a.variant = "[2^18, 64]";
  a.inputs = [] { return std::vector<Tensor>{random_tensor({kS, kW}, 11)}; };
  cases.push_back(a);
}

// ---- shapes ---------------------------------------------------------------------------------------
WS_OP_CASES(shape_cases) {
  struct Scale {
    bool big;
    Shape s;
  };
  for (Scale sc : {Scale{false, {3, 5}}, Scale{true, {kS, kW}}}) {
    const int64_t R = sc.s[0], C = sc.s[1];
    auto x = [sc] { return std::vector<Tensor>{random_tensor(sc.s, 12)}; };
    OpCase c;
    c.realistic = sc.big;
    c.inputs = x;
    c.op = "reshape";
    c.f = [R, C](const std::vector<Var>& v) { return mul(reshape(v[0], {R * C}), reshape(v[0], {R * C})); };
    cases.push_back(c);
    c.op = "slice_rows";
    c.f = [R](const std::vector<Var>& v) { return slice_rows(v[0], 1, R - 1); };
    cases.push_back(c);
    c.op = "split_last";
    c.f = [C](const std::vector<Var>& v) { return split_last(v[0], {1, C - 2, 1})[1]; };  // the other parts get 0
    cases.push_back(c);
    c.op = "concat_last";
    c.inputs = [sc] { return std::vector<Tensor>{random_tensor(sc.s, 13), random_tensor({sc.s[0], 3}, 14)}; };
    c.f = [](const std::vector<Var>& v) { return concat_last({v[0], v[1], v[0]}); };
    cases.push_back(c);
  }
}

// ---- reductions ------------------------------------------------------------------------------------
WS_OP_CASES(reduce_cases) {
  struct Kind {
    const char* op;
    Var (*f)(const Var&);
    int axis;  // 0: all, 1: over rows -> [C], 2: over columns -> [R]
    bool mean;
  };
  for (Kind k : {Kind{"sum", sum, 0, false}, Kind{"mean", mean, 0, true}, Kind{"sum_rows", sum_rows, 1, false},
                 Kind{"row_sum", row_sum, 2, false}, Kind{"row_mean", row_mean, 2, true}}) {
    OpCase c;
    c.op = k.op;
    c.variant = "[2500, 3] (several row blocks)";
    c.inputs = [] { return std::vector<Tensor>{random_tensor({2500, 3}, 1)}; };
    c.f = [k](const std::vector<Var>& v) { return k.f(v[0]); };
    c.fd = false;  // 7500 elements: the [9, 5] case below checks gradients
    c.reference = [k](const std::vector<Tensor>& in) {
      std::vector<float> x = in[0].to_vector();
      const int64_t R = in[0].size(0), C = in[0].size(1);
      std::vector<double> acc(k.axis == 0 ? 1 : k.axis == 1 ? size_t(C) : size_t(R), 0.0);
      for (int64_t i = 0; i < R * C; ++i) acc[k.axis == 0 ? 0 : k.axis == 1 ? size_t(i % C) : size_t(i / C)] += x[size_t(i)];
      double n = k.axis == 0 ? double(R * C) : k.axis == 1 ? double(R) : double(C);
      std::vector<float> out;
      for (double a : acc) out.push_back(float(k.mean ? a / n : a));
      return out;
    };
    c.ref_atol = 1e-4;
    c.atol = 1e-3;
    cases.push_back(c);
    c.variant = "[9, 5]";
    c.fd = true;
    c.inputs = [] { return std::vector<Tensor>{random_tensor({9, 5}, 2)}; };
    cases.push_back(c);
    c.variant = "E = 400k x 128";
    c.realistic = true;
    c.reference = nullptr;
    c.inputs = [] { return std::vector<Tensor>{random_tensor({kE, kH}, 3)}; };
    c.atol = 5e-2;  // sums of up to 51M values of |x| < 1
    cases.push_back(c);
  }
}

// ---- indexing and segments -------------------------------------------------------------------------
WS_OP_CASES(index_cases) {
  // csr_from_index / csr_from_host_index: forward only, integer outputs.
  for (bool big : {false, true}) {
    OpCase c;
    c.op = "csr_from_index";
    c.realistic = big;
    c.variant = big ? "400k edges over 45k nodes" : "500 over 37 (three empty)";
    const int64_t M = big ? kE : 500, S = big ? kN : 37;
    c.inputs = [=] { return std::vector<Tensor>{random_indices(M, int32_t(S - (big ? 0 : 3)), 11)}; };
    c.forward = [S](const std::vector<Tensor>& in) {
      Csr g = csr_from_index(in[0], S);
      return std::vector<Tensor>{g.offsets, g.perm};
    };
    if (!big)
      c.reference = [S](const std::vector<Tensor>& in) {  // offsets: a count per value, accumulated
        std::vector<int32_t> v = in[0].to_vector_i32();
        std::vector<float> off(size_t(S + 1), 0.0f);
        for (int32_t i : v) off[size_t(i) + 1] += 1;
        for (int64_t s = 0; s < S; ++s) off[size_t(s + 1)] += off[size_t(s)];
        return off;
      };
    c.ref_atol = 0;
    c.ref_rtol = 0;
    OpCase r = c;
    r.reference = nullptr;
    // the offsets are I32: compare them as floats in the reference check (exact below 2^24)
    if (c.reference)
      c.forward = [S](const std::vector<Tensor>& in) {
        Csr g = csr_from_index(in[0], S);
        std::vector<int32_t> o = g.offsets.to_vector_i32();
        return std::vector<Tensor>{Tensor::from(std::vector<float>(o.begin(), o.end()), {S + 1}), g.perm};
      };
    cases.push_back(c);
    r.op = "csr_from_host_index";
    r.forward = [S](const std::vector<Tensor>& in) {
      Csr g = csr_from_host_index(in[0].to_vector_i32(), S, in[0].device());
      return std::vector<Tensor>{g.offsets, g.perm};
    };
    cases.push_back(r);
  }

  // gather_rows, embedding, scatter_add_rows. Inputs: x, idx (constant), and for grouped
  // variants the CSR of idx (offsets, perm; constant).
  struct Sizes {
    bool big;
    int64_t N, C, M;
  };
  for (Sizes z : {Sizes{false, 7, 4, 25}, Sizes{true, kN, kH, kE}}) {
    auto with_csr = [z](uint64_t seed) {
      Tensor idx = random_indices(z.M, int32_t(z.N), seed);
      Csr g = csr_from_index(idx, z.N);
      return std::vector<Tensor>{random_tensor({z.N, z.C}, seed + 1), idx, g.offsets, g.perm};
    };
    OpCase c;
    c.realistic = z.big;
    c.constant = {1, 2, 3};
    c.inputs = [with_csr] { return with_csr(20); };
    c.op = "gather_rows";
    c.variant = z.big ? "45k x 128 rows to 400k, scatter backward" : "scatter backward";
    c.f = [](const std::vector<Var>& v) { return gather_rows(v[0], v[1].value()); };
    auto gather_ref = [](const std::vector<Tensor>& in) {
      std::vector<float> x = in[0].to_vector(), out;
      std::vector<int32_t> idx = in[1].to_vector_i32();
      const int64_t C = in[0].size(1);
      for (int32_t i : idx) out.insert(out.end(), x.begin() + i * C, x.begin() + (i + 1) * C);
      return out;
    };
    if (!z.big) c.reference = gather_ref;
    c.ref_atol = c.ref_rtol = 0;
    cases.push_back(c);
    c.variant = z.big ? "45k x 128 rows to 400k, grouped backward" : "grouped backward";
    c.f = [](const std::vector<Var>& v) {
      Csr g = csr(v[2].value(), v[3].value());
      return gather_rows(v[0], v[1].value(), &g);
    };
    cases.push_back(c);
    c.op = "embedding";
    c.variant = z.big ? "400k ids, scatter backward" : "";
    c.f = [](const std::vector<Var>& v) { return embedding(v[0], v[1].value()); };
    cases.push_back(c);
    c.variant = z.big ? "400k ids, grouped backward" : "grouped backward";
    c.f = [](const std::vector<Var>& v) {
      Csr g = csr(v[2].value(), v[3].value());
      g.checked = true;
      return embedding(v[0], v[1].value(), &g);
    };
    cases.push_back(c);
    OpCase s;
    s.op = "scatter_add_rows";
    s.realistic = z.big;
    s.variant = z.big ? "400k x 128 rows into 45k (atomics on the GPU)" : "";
    s.constant = {1};
    s.inputs = [z] { return std::vector<Tensor>{random_tensor({z.M, z.C}, 30), random_indices(z.M, int32_t(z.N), 31)}; };
    s.f = [z](const std::vector<Var>& v) { return scatter_add_rows(v[0], v[1].value(), z.N + 2); };
    if (!z.big)
      s.reference = [z](const std::vector<Tensor>& in) {
        std::vector<float> x = in[0].to_vector();
        std::vector<int32_t> idx = in[1].to_vector_i32();
        std::vector<double> acc(size_t((z.N + 2) * z.C), 0.0);
        for (size_t i = 0; i < idx.size(); ++i)
          for (int64_t c = 0; c < z.C; ++c) acc[size_t(idx[i] * z.C + c)] += x[i * size_t(z.C) + size_t(c)];
        return std::vector<float>(acc.begin(), acc.end());
      };
    s.atol = z.big ? 1e-4 : 1e-5;
    cases.push_back(s);
  }

  // segment_sum / segment_mean (plain and through a perm), segment_exclusive_cumsum.
  struct Seg {
    bool big;
    int64_t S, typical, C;
  };
  for (Seg z : {Seg{false, 9, 6, 3}, Seg{true, kN, 8, kH}}) {
    auto inputs = [z](bool with_perm) {
      std::vector<int32_t> off = uneven_offsets(z.S, z.typical, 40);
      const int64_t E = off.back();
      return std::vector<Tensor>{random_tensor({E, z.C}, 41), ints(off),
                                 with_perm ? ints(permutation(E, 42)) : Tensor::zeros({0}, DType::I32)};
    };
    for (bool mean : {false, true})
      for (bool with_perm : {false, true}) {
        OpCase c;
        c.op = mean ? "segment_mean" : "segment_sum";
        c.variant = str_cat(with_perm ? "through a perm" : "in order", z.big ? ", 45k segments of 400k x 128" : "");
        c.realistic = z.big;
        c.constant = {1, 2};
        c.inputs = [inputs, with_perm] { return inputs(with_perm); };
        c.f = [mean, with_perm](const std::vector<Var>& v) {
          Csr g = csr(v[1].value(), with_perm ? v[2].value() : Tensor());
          return mean ? segment_mean(v[0], g) : segment_sum(v[0], g);
        };
        if (!z.big)
          c.reference = [mean, with_perm](const std::vector<Tensor>& in) {
            return naive_segment(in[0], in[1], with_perm ? in[2] : Tensor(), mean);
          };
        c.atol = z.big ? 1e-4 : 1e-5;
        cases.push_back(c);
      }
    for (bool one_column : {false, true}) {
      OpCase c;
      c.op = "segment_exclusive_cumsum";
      c.variant = str_cat(one_column ? "[E] under exp(-x)" : "[E, C]", z.big ? ", 2^18-ish samples" : "");
      c.realistic = z.big;
      c.constant = {1};
      const int64_t C = one_column ? 1 : (z.big ? 4 : z.C);
      c.inputs = [z, C, one_column] {
        std::vector<int32_t> off = uneven_offsets(z.big ? 4096 : z.S, z.big ? 64 : z.typical, 43);
        const int64_t E = off.back();
        return std::vector<Tensor>{one_column ? random_tensor({E}, 44, 0, 1) : random_tensor({E, C}, 44), ints(off)};
      };
      c.f = [one_column](const std::vector<Var>& v) {
        Var y = segment_exclusive_cumsum(v[0], csr(v[1].value()));
        return one_column ? exp(neg(y)) : y;
      };
      c.atol = 1e-4;
      cases.push_back(c);
    }
  }
}

// ---- normalisation -----------------------------------------------------------------------------------
WS_OP_CASES(norm_cases) {
  const GradCheck norm_fd{1e-3, 3e-3, 2e-2, 60};
  struct Sz {
    bool big;
    int64_t R, C;
  };
  for (Sz z : {Sz{false, 6, 9}, Sz{true, kE, kH}}) {
    OpCase c;
    c.op = "layer_norm";
    c.realistic = z.big;
    c.variant = z.big ? "E = 400k x 128" : "";
    c.inputs = [z] {
      return std::vector<Tensor>{random_tensor({z.R, z.C}, 6, -2, 2), random_tensor({z.C}, 7, 0.5f, 1.5f),
                                 random_tensor({z.C}, 8)};
    };
    c.f = [](const std::vector<Var>& v) { return layer_norm(v[0], v[1], v[2]); };
    c.grad = norm_fd;
    c.atol = z.big ? 2e-3 : 1e-4;  // gamma's and beta's gradients sum 400k rows
    cases.push_back(c);
  }
  for (Sz z : {Sz{false, 7, 5}, Sz{true, 65536, 512}})
    for (bool training : {true, false}) {
      OpCase c;
      c.op = "batch_norm";
      c.realistic = z.big;
      c.variant = str_cat(training ? "training" : "evaluation", z.big ? ", [65536, 512]" : "");
      c.inputs = [z] {
        return std::vector<Tensor>{random_tensor({z.R, z.C}, 25, -2, 2), random_tensor({z.C}, 26, 0.5f, 1.5f),
                                   random_tensor({z.C}, 27), random_tensor({z.C}, 28),
                                   random_tensor({z.C}, 29, 0.5f, 2.0f)};
      };
      c.constant = {3, 4};
      c.f = [training](const std::vector<Var>& v) {
        Tensor m = v[3].value().clone(), s = v[4].value().clone();  // the inputs stay as they are
        return batch_norm(v[0], v[1], v[2], m, s, training, 0.1f, 1e-5f);
      };
      c.grad = norm_fd;
      c.atol = z.big ? 2e-3 : 1e-4;
      cases.push_back(c);
      if (!training) continue;
      // The running statistics after a training call (no gradient flows into them).
      OpCase r = c;
      r.variant = str_cat("running statistics", z.big ? ", [65536, 512]" : "");
      r.f = nullptr;
      r.forward = [](const std::vector<Tensor>& in) {
        Tensor m = in[3].clone(), s = in[4].clone();
        batch_norm(Var(in[0]), Var(in[1]), Var(in[2]), m, s, true, 0.1f, 1e-5f);
        return std::vector<Tensor>{m, s};
      };
      cases.push_back(r);
    }
  for (Sz z : {Sz{false, 6, 7}, Sz{true, kS, kW}}) {
    OpCase c;
    c.op = "dropout";
    c.realistic = z.big;
    c.variant = z.big ? "[2^18, 64]" : "p = 0.4";
    c.inputs = [z] { return std::vector<Tensor>{random_tensor({z.R, z.C}, 30)}; };
    c.f = [](const std::vector<Var>& v) { return dropout(v[0], 0.4f, true, 9, 77); };
    c.atol = 1e-6;
    cases.push_back(c);
  }
  for (Sz z : {Sz{false, 5, 6}, Sz{true, 4096, 1024}}) {
    OpCase c;
    c.op = "l2_normalize";
    c.realistic = z.big;
    c.variant = z.big ? "[4096, 1024]" : "";
    c.inputs = [z] { return std::vector<Tensor>{random_tensor({z.R, z.C}, 31)}; };
    c.f = [](const std::vector<Var>& v) { return l2_normalize(v[0]); };
    c.reference = [](const std::vector<Tensor>& in) {
      std::vector<float> x = in[0].to_vector();
      const int64_t C = in[0].size(1);
      for (size_t r = 0; r < x.size() / size_t(C); ++r) {
        double ss = 0;
        for (int64_t c = 0; c < C; ++c) ss += double(x[r * C + c]) * x[r * C + c];
        for (int64_t c = 0; c < C; ++c) x[r * C + c] = float(x[r * C + c] / std::max(std::sqrt(ss), 1e-12));
      }
      return x;
    };
    if (z.big) c.reference = nullptr;
    c.atol = 1e-5;
    cases.push_back(c);
  }
}

// ---- losses ------------------------------------------------------------------------------------------------
WS_OP_CASES(loss_cases) {
  for (bool big : {false, true}) {
    const int64_t R = big ? kS : 20;
    OpCase c;
    c.op = "smooth_l1";
    c.realistic = big;
    c.variant = big ? "[2^18, 3], beta 0.5" : "beta 0.5";
    c.inputs = [R] { return std::vector<Tensor>{random_tensor({R, 3}, 20, -2, 2), random_tensor({R, 3}, 21, -2, 2)}; };
    c.f = [](const std::vector<Var>& v) { return smooth_l1(v[0], v[1], 0.5f); };
    c.atol = 1e-5;
    cases.push_back(c);
    c.variant = big ? "[2^18, 3], row weights" : "row weights";
    c.inputs = [R] {
      return std::vector<Tensor>{random_tensor({R, 3}, 22, -2, 2), random_tensor({R, 3}, 23, -2, 2),
                                 random_tensor({R}, 24, 0, 2)};
    };
    c.constant = {2};
    c.f = [](const std::vector<Var>& v) { return smooth_l1(v[0], v[1], 1.0f, &v[2].value()); };
    cases.push_back(c);

    OpCase p;
    p.op = "smooth_l1_prefix";
    p.realistic = big;
    p.variant = big ? "[2^18, 3], the first 200000 rows" : "the first 13 of 20 rows";
    const int32_t used = big ? 200000 : 13;
    p.inputs = [R, used] {
      return std::vector<Tensor>{random_tensor({R, 3}, 25, -2, 2), random_tensor({R, 3}, 26, -2, 2),
                                 Tensor::from(std::vector<int32_t>{used}, {1})};
    };
    p.constant = {2};
    p.f = [](const std::vector<Var>& v) { return smooth_l1_prefix(v[0], v[1], v[2].value(), 1.0f); };
    if (!big)  // equals smooth_l1 of the used rows, to the bit
      p.reference = [used](const std::vector<Tensor>& in) {
        return smooth_l1(Var(in[0].slice_rows(0, used)), Var(in[1].slice_rows(0, used)), 1.0f).value().to_vector();
      };
    p.ref_atol = p.ref_rtol = 0;
    p.atol = 1e-5;
    cases.push_back(p);

    OpCase x;
    x.op = "cross_entropy";
    x.realistic = big;
    x.variant = big ? "[65536, 13]" : "";
    const int64_t N = big ? 65536 : 6;
    x.inputs = [N] { return std::vector<Tensor>{random_tensor({N, 13}, 27, -5, 5), random_indices(N, 13, 28)}; };
    x.constant = {1};
    x.f = [](const std::vector<Var>& v) { return cross_entropy(v[0], v[1].value()); };
    x.atol = 1e-5;
    cases.push_back(x);
  }
}

// ---- optimizer and parameter fills (forward only) ------------------------------------------------------
WS_OP_CASES(optim_cases) {
  for (bool big : {false, true}) {
    const int64_t n = big ? 20000000 : 37;
    for (bool decoupled : {false, true}) {
      OpCase c;
      c.op = decoupled ? "adamw_step" : "adam_step";
      c.realistic = big;
      c.variant = big ? "20M parameters, 3 steps" : "3 steps";
      c.inputs = [n] { return std::vector<Tensor>{random_tensor({n}, 50), random_tensor({n}, 51)}; };
      // Three updates of parameters p with gradient g -> p, m, v.
      c.forward = [decoupled](const std::vector<Tensor>& in) {
        ParamSet ps;
        Var p = ps.add("p", in[0].shape());
        ps.materialize(in[0].device());
        p.value().copy_from(in[0]);
        Adam opt(ps, decoupled ? AdamConfig::adamw(0.1f) : AdamConfig::adam(0.1f));
        for (int s = 0; s < 3; ++s) {
          ps.grads().copy_from(in[1]);
          opt.step(1e-2f);
        }
        return std::vector<Tensor>{ps.values().clone(), opt.m().clone(), opt.v().clone()};
      };
      c.atol = 1e-6;
      cases.push_back(c);
    }
    for (bool clip : {false, true}) {
      OpCase c;
      c.op = clip ? "clip_grad_norm" : "grad_norm";
      c.realistic = big;
      c.variant = big ? "20M gradients" : "";
      c.inputs = [n] { return std::vector<Tensor>{random_tensor({n}, 52)}; };
      c.forward = [clip](const std::vector<Tensor>& in) {
        ParamSet ps;
        ps.add("p", in[0].shape());
        ps.materialize(in[0].device());
        ps.grads().copy_from(in[0]);
        float norm = clip ? clip_grad_norm(ps, 0.5f) : grad_norm(ps);
        return std::vector<Tensor>{Tensor::from(std::vector<float>{norm}, {1}), ps.grads().clone()};
      };
      c.atol = big ? 1e-2 : 1e-5;
      cases.push_back(c);
    }
    for (bool normal : {false, true}) {
      OpCase c;
      c.op = normal ? "init_normal" : "init_uniform";
      c.realistic = big;
      c.variant = big ? "20M values" : "";
      c.inputs = [n] { return std::vector<Tensor>{Tensor::zeros({n})}; };
      c.forward = [normal](const std::vector<Tensor>& in) {
        Var p(in[0].clone());
        if (normal) init_normal(p, 0.5f, 2.0f, 7, 3);
        else init_uniform(p, -1.0f, 3.0f, 7, 3);
        return std::vector<Tensor>{p.value()};
      };
      c.atol = normal ? 1e-6 : 0;  // uniform: bit-identical; normal: device logf/cosf within a few ulp
      c.rtol = normal ? 1e-6 : 0;
      cases.push_back(c);
    }
  }
}
