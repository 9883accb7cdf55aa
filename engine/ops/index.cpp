// Indexing and segment ops: row gathers, scatter-adds, and sums / means / exclusive scans
// over CSR segments. Kernels: kernels/gather.h, kernels/segment.h.
#include <vector>

#include "engine/ops.h"
#include "engine/transfers.h"
#include "kernels/gather.h"
#include "kernels/segment.h"
#include "engine/trace.h"

namespace ws {

namespace {
// Row tensors are [rows, C] or [rows] (one column).
int64_t row_count(const Tensor& t) { return t.size(0); }
int64_t col_count(const Tensor& t) { return t.ndim() == 2 ? t.size(1) : 1; }
Shape rows_like(const Tensor& t, int64_t rows) { return t.ndim() == 2 ? Shape{rows, t.size(1)} : Shape{rows}; }
const int32_t* i32_or_null(const Tensor& t) { return t.defined() ? t.i32() : nullptr; }

void check_rows_f32(const char* op, const Tensor& t, const char* what) {
  check_f32(op, t, what);
  WS_CHECK(t.ndim() == 1 || t.ndim() == 2, op, ": ", what, " must be [rows, C] or [rows], got ", t.shape().str());
}

void check_index_tensor(const char* op, const Tensor& idx, const char* what) {
  WS_CHECK(idx.defined(), op, ": ", what, " is undefined");
  WS_CHECK(idx.dtype() == DType::I32 && idx.ndim() == 1, op, ": ", what, " must be I32 [M], got ", describe(idx));
}

// A host view of an I32 tensor: the tensor's own memory on the CPU, a copy otherwise.
// `gpu_reads_too`: the GPU path reads the same values, so a CPU view counts as a host
// read too (engine/transfers.h); false for checks only the CPU does.
struct HostI32 {
  std::vector<int32_t> copy;
  const int32_t* p;
  HostI32(const Tensor& t, bool gpu_reads_too) : p(nullptr) {
    if (t.device().is_cpu()) {
      p = t.i32();
      if (gpu_reads_too) count_host_read(t.nbytes());
    } else {
      copy = t.to_vector_i32();
      p = copy.data();
    }
  }
};

// The first i with p[i] outside [0, n), or -1. A vectorisable min/max pass first, since
// these checks run on every op call over up to E indices.
int64_t first_out_of_range(const int32_t* p, int64_t count, int64_t n) {
  int32_t lo = 0, hi = 0;
  for (int64_t i = 0; i < count; ++i) {
    lo = p[i] < lo ? p[i] : lo;
    hi = p[i] > hi ? p[i] : hi;
  }
  if (lo >= 0 && hi < n) return -1;
  for (int64_t i = 0;; ++i)
    if (p[i] < 0 || p[i] >= n) return i;
}

// Every value of idx in [0, n). CUDA tensors are read only when `always` (a copy and a sync).
void check_index_values(const char* op, const Tensor& idx, int64_t n, const char* what, const std::string& against,
                        bool always = false) {
  if (idx.device().is_cuda() && !always) return;
  HostI32 h(idx, always);
  int64_t i = first_out_of_range(h.p, idx.numel(), n);
  WS_CHECK(i < 0, op, ": ", what, "[", i, "] = ", i < 0 ? 0 : h.p[i], " is outside [0, ", n, ") (", against, ")");
}

// On the CPU, a spot check that `grouped` groups idx: the first position listed in each
// segment s has idx == s. One read per segment, and it catches the likely mistake, a
// CSR of another index (by destination instead of by source).
void check_grouping(const char* op, const Csr& g, const Tensor& idx) {
  if (!idx.device().is_cpu()) return;
  const int32_t *off = g.offsets.i32(), *perm = i32_or_null(g.perm), *ix = idx.i32();
  for (int64_t s = 0; s < g.segments(); ++s) {
    if (off[s] == off[s + 1]) continue;
    int64_t r = perm ? perm[off[s]] : off[s];
    WS_CHECK(ix[r] == s, op, ": `grouped` is not the CSR of idx: position ", r, " is listed in segment ", s,
             " but idx[", r, "] = ", ix[r]);
  }
}

// gather_rows and embedding: out [M,C] = x[idx]. `ids_always` checks CUDA ids too, unless
// a checked `grouped` CSR vouches for them.
Var gather_impl(const char* op, const Var& x, const Tensor& idx, const Csr* grouped, const char* x_name,
                bool ids_always) {
  const Tensor& X = x.value();
  check_rows_f32(op, X, x_name);
  check_index_tensor(op, idx, "idx");
  Device d = common_device(op, {&X, &idx, grouped ? &grouped->offsets : nullptr, grouped ? &grouped->perm : nullptr});
  int64_t N = row_count(X), C = col_count(X), M = idx.numel();
  check_index_values(op, idx, N, "idx", str_cat(x_name, " is ", X.shape().str()),
                     ids_always && !(grouped && grouped->checked));
  if (grouped) {
    check_csr(op, *grouped, M);
    WS_CHECK(grouped->segments() == N, op, ": `grouped` has ", grouped->segments(), " segments but ", x_name, " ",
             X.shape().str(), " has ", N, " rows (one segment per row)");
    check_grouping(op, *grouped, idx);
  }
  Var out(Tensor::empty(rows_like(X, M), DType::F32, d), needs_grad({&x}));
  gather_rows(X.f32(), idx.i32(), out.value().f32(), M, C, false, d);
  if (out.requires_grad()) {
    Csr g = grouped ? *grouped : Csr();
    record([x, idx, g, out, N, M, C, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      if (g.offsets.defined())  // dx[n] = sum of the output rows gathered from row n, in position order
        segment_sum(out.grad().f32(), g.offsets.i32(), i32_or_null(g.perm), s.t.f32(), N, C, false, s.accumulate, d);
      else
        scatter_add_rows(out.grad().f32(), idx.i32(), s.t.f32(), M, C, N, s.accumulate, d);
    });
  }
  return out;
}

// segment_sum and segment_mean: x [E,C] -> [S,C].
Var segment_reduce(const char* op, const Var& x, const Csr& seg, bool mean) {
  const Tensor& X = x.value();
  check_rows_f32(op, X, "x");
  Device d = common_device(op, {&X, &seg.offsets, &seg.perm});
  check_csr(op, seg, row_count(X));
  int64_t S = seg.segments(), C = col_count(X);
  Var out(Tensor::empty(rows_like(X, S), DType::F32, d), needs_grad({&x}));
  segment_sum(X.f32(), seg.offsets.i32(), i32_or_null(seg.perm), out.value().f32(), S, C, mean, false, d);
  if (out.requires_grad())
    record([x, seg, out, S, C, mean, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();  // every row is written: offsets end at E, perm is a permutation
      segment_broadcast(out.grad().f32(), seg.offsets.i32(), i32_or_null(seg.perm), s.t.f32(), S, C, mean,
                        s.accumulate, d);
    });
  return out;
}
}  // namespace

// The CSR of M index values in host memory, on d (checked: every value in [0, n)).
static Csr csr_of_host_values(const int32_t* idx, int64_t M, int64_t n, Device d) {
  std::vector<int32_t> offsets(size_t(n + 1)), perm(static_cast<size_t>(M));
  int64_t bad = csr_from_index_host(idx, M, n, offsets.data(), perm.data());
  WS_CHECK(bad < 0, "csr_from_index: idx[", bad, "] = ", bad < 0 ? 0 : idx[bad], " is outside [0, ", n, ")");
  Csr c{Tensor::from(offsets, {n + 1}, d), Tensor::from(perm, {M}, d)};
  c.checked = true;
  return c;
}

void check_csr(const char* op, const Csr& seg, int64_t rows, bool check_permutation) {
  const Tensor& off = seg.offsets;
  WS_CHECK(off.defined() && off.dtype() == DType::I32 && off.ndim() == 1 && off.numel() >= 1, op,
           ": CSR offsets must be I32 [S+1], got ", off.defined() ? describe(off) : std::string("undefined"));
  const Tensor& perm = seg.perm;
  if (perm.defined()) {
    WS_CHECK(perm.dtype() == DType::I32 && perm.ndim() == 1 && perm.numel() == rows, op, ": CSR perm must be I32 [",
             rows, "] (one entry per data row), got ", describe(perm));
    WS_CHECK(perm.device() == off.device(), op, ": CSR offsets and perm on different devices: ", describe(off),
             " and ", describe(perm));
  }
  if (seg.checked && !check_permutation) {  // validated by its builder: only the end needs to match
    if (seg.host_offsets)
      WS_CHECK(seg.host_offsets->back() == rows, op, ": CSR offsets end at ", seg.host_offsets->back(),
               " but the data has ", rows, " rows (offsets[S] must equal the row count)");
    return;
  }
  HostI32 h(off, true);
  int64_t S = off.numel() - 1;
  WS_CHECK(h.p[0] == 0, op, ": CSR offsets must start at 0, got offsets[0] = ", h.p[0]);
  for (int64_t s = 0; s < S; ++s)
    if (h.p[s + 1] < h.p[s])
      fail(str_cat(op, ": CSR offsets must be non-decreasing: offsets[", s, "] = ", h.p[s], " > offsets[", s + 1,
                   "] = ", h.p[s + 1]));
  WS_CHECK(h.p[S] == rows, op, ": CSR offsets end at ", h.p[S], " but the data has ", rows,
           " rows (offsets[S] must equal the row count)");
  if (!perm.defined() || (perm.device().is_cuda() && !check_permutation)) return;
  HostI32 p(perm, check_permutation);
  int64_t bad = first_out_of_range(p.p, rows, rows);
  WS_CHECK(bad < 0, op, ": CSR perm[", bad, "] = ", bad < 0 ? 0 : p.p[bad], " is outside [0, ", rows, ")");
  if (!check_permutation) return;
  std::vector<uint8_t> seen(size_t(rows), 0);
  for (int64_t e = 0; e < rows; ++e) {
    WS_CHECK(!seen[size_t(p.p[e])], op, ": CSR perm is not a permutation: ", p.p[e], " appears twice (again at perm[",
             e, "])");
    seen[size_t(p.p[e])] = 1;
  }
}

Csr csr_from_index(const Tensor& idx, int64_t n_segments) {
  WS_OP("csr_from_index");
  check_index_tensor("csr_from_index", idx, "idx");
  WS_CHECK(n_segments >= 0 && n_segments < INT32_MAX, "csr_from_index: n_segments = ", n_segments,
           " is outside [0, 2^31 - 1)");
  HostI32 h(idx, true);
  return csr_of_host_values(h.p, idx.numel(), n_segments, idx.device());
}

Csr csr_from_host_index(const std::vector<int32_t>& idx, int64_t n_segments, Device d) {
  WS_OP("csr_from_host_index");
  WS_CHECK(n_segments >= 0 && n_segments < INT32_MAX, "csr_from_host_index: n_segments = ", n_segments,
           " is outside [0, 2^31 - 1)");
  return csr_of_host_values(idx.data(), int64_t(idx.size()), n_segments, d);
}

Var gather_rows(const Var& x, const Tensor& idx, const Csr* grouped) {
  WS_OP("gather_rows");
  return gather_impl("gather_rows", x, idx, grouped, "x", false);
}

Var embedding(const Var& table, const Tensor& idx, const Csr* grouped) {
  WS_OP("embedding");
  return gather_impl("embedding", table, idx, grouped, "table", true);
}

Var scatter_add_rows(const Var& x, const Tensor& idx, int64_t n_out) {
  WS_OP("scatter_add_rows");
  const char* op = "scatter_add_rows";
  const Tensor& X = x.value();
  check_rows_f32(op, X, "x");
  check_index_tensor(op, idx, "idx");
  Device d = common_device(op, {&X, &idx});
  int64_t M = row_count(X), C = col_count(X);
  WS_CHECK(idx.numel() == M, op, ": idx ", describe(idx), " needs one entry per row of x ", X.shape().str());
  WS_CHECK(n_out >= 0, op, ": n_out = ", n_out, " is negative");
  check_index_values(op, idx, n_out, "idx", str_cat("n_out = ", n_out));
  Var out(Tensor::empty(rows_like(X, n_out), DType::F32, d), needs_grad({&x}));
  scatter_add_rows(X.f32(), idx.i32(), out.value().f32(), M, C, n_out, false, d);
  if (out.requires_grad())
    record([x, idx, out, M, C, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();
      gather_rows(out.grad().f32(), idx.i32(), s.t.f32(), M, C, s.accumulate, d);
    });
  return out;
}

Var segment_sum(const Var& x, const Csr& seg) {
  WS_OP("segment_sum");
  return segment_reduce("segment_sum", x, seg, false);
}
Var segment_mean(const Var& x, const Csr& seg) {
  WS_OP("segment_mean");
  return segment_reduce("segment_mean", x, seg, true);
}

Var segment_exclusive_cumsum(const Var& x, const Csr& seg) {
  WS_OP("segment_exclusive_cumsum");
  const char* op = "segment_exclusive_cumsum";
  const Tensor& X = x.value();
  check_rows_f32(op, X, "x");
  WS_CHECK(!seg.perm.defined(), op, ": perm is not supported (the scan runs over rows in stored order), got ",
           describe(seg.perm));
  Device d = common_device(op, {&X, &seg.offsets});
  check_csr(op, seg, row_count(X));
  int64_t S = seg.segments(), C = col_count(X);
  Var out(Tensor::empty(X.shape(), DType::F32, d), needs_grad({&x}));
  segment_exclusive_cumsum(X.f32(), seg.offsets.i32(), out.value().f32(), S, C, false, false, d);
  if (out.requires_grad())
    record([x, seg, out, S, C, d] {
      if (!out.has_grad()) return;
      GradSlot s = x.grad_slot();  // dx[e] = sum of g over the rows after e in its segment
      segment_exclusive_cumsum(out.grad().f32(), seg.offsets.i32(), s.t.f32(), S, C, true, s.accumulate, d);
    });
  return out;
}

}  // namespace ws
