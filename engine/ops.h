// The differentiable op API. Each op checks shapes and devices (errors name the op and
// the shapes), computes its output with a kernel from kernels/, and records its
// backward on the tape when an input requires a gradient. Index tensors are I32.
// Implementations: engine/ops/<family>.cpp.
#pragma once
#include <memory>
#include <vector>

#include "engine/autograd.h"
#include "kernels/elementwise.h"

namespace ws {

// ---- linear algebra (ops/linear.cpp) --------------------------------------------------
// a [M,K] (or [K,M] with trans_a) x b [K,N] (or [N,K] with trans_b) -> [M,N]
Var matmul(const Var& a, const Var& b, bool trans_a = false, bool trans_b = false);
// x [M,K], w [N,K] (PyTorch layout), optional b [N] -> [M,N] = x w^T + b
Var linear(const Var& x, const Var& w, const Var& b = Var());

// ---- element-wise (ops/elementwise.cpp) ---------------------------------------------
Var unary(Unary op, const Var& x);
inline Var relu(const Var& x) { return unary(Unary::Relu, x); }
inline Var silu(const Var& x) { return unary(Unary::Silu, x); }
inline Var sin(const Var& x) { return unary(Unary::Sin, x); }
inline Var cos(const Var& x) { return unary(Unary::Cos, x); }
inline Var sigmoid(const Var& x) { return unary(Unary::Sigmoid, x); }
inline Var exp(const Var& x) { return unary(Unary::Exp, x); }
// exp(x) whose gradient uses exp(min(x, 15)) (tcnn's truncated exponential for densities)
inline Var trunc_exp(const Var& x) { return unary(Unary::TruncExp, x); }
inline Var softplus(const Var& x) { return unary(Unary::Softplus, x); }
inline Var log_sigmoid(const Var& x) { return unary(Unary::LogSigmoid, x); }
inline Var tanh(const Var& x) { return unary(Unary::Tanh, x); }
inline Var square(const Var& x) { return unary(Unary::Square, x); }
inline Var neg(const Var& x) { return unary(Unary::Neg, x); }

// Binary arithmetic. Shapes: equal, or b broadcast over the leading dims of a (b's shape
// is a suffix of a's, e.g. [N,C] + [C]), or either side has one element.
Var binary(Binary op, const Var& a, const Var& b);
inline Var add(const Var& a, const Var& b) { return binary(Binary::Add, a, b); }
inline Var sub(const Var& a, const Var& b) { return binary(Binary::Sub, a, b); }
inline Var mul(const Var& a, const Var& b) { return binary(Binary::Mul, a, b); }
inline Var div(const Var& a, const Var& b) { return binary(Binary::Div, a, b); }
// scale * x + shift
Var affine(const Var& x, float scale, float shift);
inline Var mul_scalar(const Var& x, float s) { return affine(x, s, 0.0f); }

// ---- shape (ops/shape.cpp) ------------------------------------------------------------
Var reshape(const Var& x, Shape s);  // a view; the gradient flows back reshaped
// Rows [begin, end) of dim 0: a view; the gradient lands in those rows of x's gradient.
Var slice_rows(const Var& x, int64_t begin, int64_t end);
// Along the last dim: parts [..., C_i] with equal leading dims -> [..., sum C_i]
Var concat_last(const std::vector<Var>& parts);
std::vector<Var> split_last(const Var& x, const std::vector<int64_t>& sizes);

// ---- reductions (ops/reduce.cpp) ------------------------------------------------------
Var sum(const Var& x);       // all elements -> [1]
Var mean(const Var& x);      // all elements -> [1]
Var sum_rows(const Var& x);  // [R,C] -> [C]: sum over rows
Var row_sum(const Var& x);   // [R,C] -> [R]: sum over the last dim
Var row_mean(const Var& x);  // [R,C] -> [R]

// ---- indexing and segments (ops/index.cpp) ---------------------------------------------
// Compressed rows: segment s is rows offsets[s] .. offsets[s+1]-1 of the segment order.
// perm (optional, I32 [E], a permutation of [0, E)) maps segment order to row indices of
// the data (for grouping edges by source while they are stored sorted by destination);
// absent = identity.
struct Csr {
  Tensor offsets;  // I32 [S+1], offsets[0] = 0, non-decreasing
  Tensor perm;     // I32 [E] or undefined
  // Set by builders that validated the values (csr_from_index, graph batches, march):
  // ops then check only dtypes and shapes, reading nothing on the host. A CSR built by
  // hand keeps false and has its offsets checked on every op call (a device read on GPU).
  bool checked = false;
  // The offsets on the host, when the builder knows them without reading the device
  // (graph batches); ops that need offsets on the host use these.
  std::shared_ptr<const std::vector<int32_t>> host_offsets;
  int64_t segments() const { return offsets.numel() - 1; }
};
// idx I32 [E] with values in [0, n_segments) -> the CSR grouping positions by value:
// segment s lists, through perm, the positions i with idx[i] == s in increasing order
// (a stable counting sort). Built on the host (idx is read: a sync on GPU); the result
// lives on idx's device and is marked checked.
Csr csr_from_index(const Tensor& idx, int64_t n_segments);
// The same from index values already on the host, into tensors on d (two uploads).
Csr csr_from_host_index(const std::vector<int32_t>& idx, int64_t n_segments, Device d);
// Checks a CSR over `rows` data rows: offsets I32 [S+1] starting at 0, non-decreasing,
// ending at `rows`; perm undefined or I32 [rows] with values in [0, rows), and with
// `check_permutation` also free of repeats (a permutation). Errors name `op`. Ops call it
// on every CSR they get, without the O(E) random-access permutation check: whoever builds
// a perm by hand checks it once (csr_from_index builds valid ones). Unless seg.checked,
// offsets are read on the host: CUDA offsets are copied over (S+1 values, a sync); a CUDA
// perm is read only for `check_permutation`.
void check_csr(const char* op, const Csr& seg, int64_t rows, bool check_permutation = false);
// Row tensors below are [rows, C] or [rows] (one column). Index values are checked on the
// host for CPU tensors (an error names the op, the position and the value); CUDA index
// tensors are trusted, except embedding's ids, which are checked unless a checked CSR
// of them is given.
//
// x [N,C], idx [M] -> [M,C], out[i] = x[idx[i]]. Backward: a deterministic segment sum
// when `grouped` is the CSR of idx (csr_from_index(idx, N): segment s = the positions with
// idx == s), else a scatter-add (deterministic on the CPU, atomic on the GPU).
Var gather_rows(const Var& x, const Tensor& idx, const Csr* grouped = nullptr);
// table [V,C], idx [N] -> [N,C]; backward as gather_rows. The ids are checked against V
// on the host (a sync on GPU) unless `grouped`, their checked CSR (V segments), vouches
// for them (graph batches carry one per id tensor).
Var embedding(const Var& table, const Tensor& idx, const Csr* grouped = nullptr);
// x [M,C], idx [M] -> [n_out,C], out[idx[i]] += x[i] (atomic on the GPU: for data-dependent
// targets; deterministic on the CPU). Backward: a gather.
Var scatter_add_rows(const Var& x, const Tensor& idx, int64_t n_out);
// x [E,C] -> [S,C]: sum / mean of each segment's rows (0 for an empty segment), rows taken
// through perm when given. Deterministic on both devices. Backward: a gather (/ count).
Var segment_sum(const Var& x, const Csr& seg);
Var segment_mean(const Var& x, const Csr& seg);
// x [E] or [E,C] -> same shape: exclusive prefix sum within each segment in stored order
// (volume rendering); seg.perm must be undefined. Backward: the reverse exclusive scan.
Var segment_exclusive_cumsum(const Var& x, const Csr& seg);

// ---- normalisation and regularisation (ops/norm.cpp) ----------------------------------
// Over the last dim: x [R,C], gamma [C], beta [C] -> [R,C]
Var layer_norm(const Var& x, const Var& gamma, const Var& beta, float eps = 1e-5f);
// Per column of x [R,C] with batch statistics in training (running stats updated with
// `momentum`, unbiased variance as PyTorch), running stats in evaluation.
Var batch_norm(const Var& x, const Var& gamma, const Var& beta, Tensor& running_mean, Tensor& running_var,
               bool training, float momentum = 0.1f, float eps = 1e-5f);
// Inverted dropout with a Philox mask from (seed, offset); identity when !training or p == 0.
Var dropout(const Var& x, float p, bool training, uint64_t seed, uint64_t offset);
// Rows of x [R,C] scaled to unit L2 norm: x / max(|x|, eps)
Var l2_normalize(const Var& x, float eps = 1e-12f);

// ---- losses (ops/loss.cpp) -------------------------------------------------------------
// mean over elements of Huber(pred - target) with beta (PyTorch's smooth_l1_loss);
// optional per-row weights w [R] (rows = leading dims) give sum(w_r * l_r) / (R * C).
Var smooth_l1(const Var& pred, const Var& target, float beta = 1.0f, const Tensor* row_weights = nullptr);
// smooth_l1 over the first rows_used[0] rows of pred / target [R, C] only: a count on
// pred's device (I32 [1]) that the host does not know, such as march_packed's kept rays.
// The mean divides by rows_used * C (0 when no row is used); later rows get no gradient.
// No host read. On the first rows it equals smooth_l1 of those rows, to the bit.
Var smooth_l1_prefix(const Var& pred, const Var& target, const Tensor& rows_used, float beta = 1.0f);
// logits [N,K], labels I32 [N] -> mean negative log-likelihood (log-softmax inside)
Var cross_entropy(const Var& logits, const Tensor& labels);

// ---- helpers for op implementations ----------------------------------------------------
// Checks that all tensors live on one device and returns it; `op` names the caller.
Device common_device(const char* op, std::initializer_list<const Tensor*> ts);
void check_f32(const char* op, const Tensor& t, const char* what);

}  // namespace ws
