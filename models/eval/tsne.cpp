#include "models/eval/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/rng.h"
#include "kernels/gemm.h"

namespace ws {

namespace {
// Squared Euclidean distances [n, n] through one GEMM: |a|^2 + |b|^2 - 2 a.b, clamped at 0.
std::vector<double> squared_distances(const std::vector<float>& x, int64_t n, int64_t dim) {
  std::vector<float> gram(size_t(n * n));
  gemm(false, true, n, n, dim, 1.0f, x.data(), dim, x.data(), dim, 0.0f, gram.data(), n, Device::cpu());
  std::vector<double> sq(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    double s = 0;
    for (int64_t c = 0; c < dim; ++c) s += double(x[size_t(i * dim + c)]) * x[size_t(i * dim + c)];
    sq[size_t(i)] = s;
  }
  std::vector<double> d(size_t(n * n));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      d[size_t(i * n + j)] = i == j ? 0.0 : std::max(0.0, sq[size_t(i)] + sq[size_t(j)] - 2.0 * gram[size_t(i * n + j)]);
  return d;
}

// Row i of the conditional affinities P_{j|i} with entropy log(perplexity): a binary
// search on the precision beta (scikit-learn's: 100 steps, tolerance 1e-5). Distances are
// shifted by the row's smallest so exp() cannot underflow for every j at once.
void conditional_row(const double* d, int64_t n, int64_t i, double perplexity, double* p) {
  const double target = std::log(perplexity);
  double dmin = std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < n; ++j)
    if (j != i) dmin = std::min(dmin, d[j]);
  double beta = 1.0, lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 100; ++step) {
    double sum = 0, weighted = 0;
    for (int64_t j = 0; j < n; ++j) {
      p[j] = j == i ? 0.0 : std::exp(-(d[j] - dmin) * beta);
      sum += p[j];
    }
    sum = std::max(sum, 1e-300);
    for (int64_t j = 0; j < n; ++j) {
      p[j] /= sum;
      weighted += (d[j] - dmin) * p[j];
    }
    double diff = std::log(sum) + beta * weighted - target;  // entropy - log(perplexity)
    if (std::fabs(diff) <= 1e-5) break;
    if (diff > 0) {  // too flat: sharpen
      lo = beta;
      beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = std::isinf(lo) ? beta / 2 : (beta + lo) / 2;
    }
  }
}

// Point i's sums over all j of w_ij = 1 / (1 + |y_i - y_j|^2), P_ij w_ij (y_i - y_j) and
// w_ij^2 (y_i - y_j), in 4 interleaved lanes added up in a fixed order (vectorisable,
// deterministic). j == i adds w = 1 and zero differences; the 1 is taken back out.
struct PointSums {
  double w, a0, a1, b0, b1;
};
PointSums point_sums(const double* yx, const double* yy, const float* Pi, int64_t n, int64_t i) {
  constexpr int L = 4;
  double s[L] = {}, a0[L] = {}, a1[L] = {}, b0[L] = {}, b1[L] = {};
  const double xi = yx[i], yi = yy[i];
  auto term = [&](int l, int64_t j) {
    double d0 = xi - yx[j], d1 = yi - yy[j];
    double w = 1.0 / (1.0 + d0 * d0 + d1 * d1), pw = double(Pi[j]) * w, ww = w * w;
    s[l] += w;
    a0[l] += pw * d0;
    a1[l] += pw * d1;
    b0[l] += ww * d0;
    b1[l] += ww * d1;
  };
  int64_t j = 0;
  for (; j + L <= n; j += L)
    for (int l = 0; l < L; ++l) term(l, j + l);
  for (; j < n; ++j) term(0, j);
  auto total = [](const double* v) { return (v[0] + v[1]) + (v[2] + v[3]); };
  return {total(s) - 1.0, total(a0), total(a1), total(b0), total(b1)};
}
}  // namespace

double tsne_perplexity(double requested, int64_t n) {
  return std::max(1.0, std::min(requested, double(n - 1) / 3.0));
}

std::vector<double> tsne_affinities(const std::vector<float>& x, int64_t n, int64_t dim, double perplexity) {
  WS_CHECK(n >= 2 && dim > 0 && int64_t(x.size()) == n * dim, "tsne: needs at least 2 points of dim > 0, got ",
           x.size(), " values for ", n, " x ", dim);
  WS_CHECK(perplexity > 0, "tsne: perplexity must be positive, got ", perplexity);
  std::vector<double> d = squared_distances(x, n, dim), cond(size_t(n * n));
#pragma omp parallel for schedule(dynamic, 16) if (n >= 256)
  for (int64_t i = 0; i < n; ++i) conditional_row(d.data() + i * n, n, i, perplexity, cond.data() + i * n);
  std::vector<double> p(size_t(n * n));
  double total = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) total += cond[size_t(i * n + j)] + cond[size_t(j * n + i)];
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) p[size_t(i * n + j)] = (cond[size_t(i * n + j)] + cond[size_t(j * n + i)]) / total;
  return p;
}

std::vector<float> tsne(const std::vector<float>& x, int64_t n, int64_t dim, const TsneOptions& opt,
                        const TsneProgressFn& progress) {
  WS_CHECK(opt.iterations > 0 && opt.early_exaggeration > 0, "tsne: iterations and early_exaggeration must be positive");
  const double perplexity = tsne_perplexity(opt.perplexity, n);
  const std::vector<double> p64 = tsne_affinities(x, n, dim, perplexity);
  const std::vector<float> P(p64.begin(), p64.end());
  const double lr = opt.learning_rate > 0 ? opt.learning_rate : std::max(double(n) / opt.early_exaggeration / 4, 50.0);

  // The layout as two coordinate arrays (contiguous for the pair loop).
  std::vector<double> yx(static_cast<size_t>(n)), yy(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    yx[size_t(i)] = 1e-4 * double(philox_normal(opt.seed, uint64_t(2 * i)));
    yy[size_t(i)] = 1e-4 * double(philox_normal(opt.seed, uint64_t(2 * i + 1)));
  }
  std::vector<double> update(size_t(2 * n), 0.0), gains(size_t(2 * n), 1.0), attract(size_t(2 * n)),
      repulse(size_t(2 * n)), row_w(static_cast<size_t>(n));

  for (int it = 0; it < opt.iterations; ++it) {
    const bool early = it < opt.exaggeration_iterations;
    const double exaggeration = early ? opt.early_exaggeration : 1.0, momentum = early ? 0.5 : 0.8;
    // Per point i: attraction a_i = sum_j P_ij w_ij (y_i - y_j), repulsion b_i = sum_j
    // w_ij^2 (y_i - y_j). With Z = sum of all w, the gradient of KL(P || Q) is
    // 4 (exaggeration a_i - b_i / Z). Threads only for large n: on busy cores a parallel
    // region per iteration costs more than it saves below ~1M pairs.
#pragma omp parallel for schedule(static) if (n >= 1024)
    for (int64_t i = 0; i < n; ++i) {
      PointSums ps = point_sums(yx.data(), yy.data(), P.data() + i * n, n, i);
      row_w[size_t(i)] = ps.w;
      attract[size_t(2 * i)] = ps.a0;
      attract[size_t(2 * i + 1)] = ps.a1;
      repulse[size_t(2 * i)] = ps.b0;
      repulse[size_t(2 * i + 1)] = ps.b1;
    }
    double Z = 0;
    for (double w : row_w) Z += w;
    Z = std::max(Z, 1e-300);
    if (progress && ((it + 1) % 50 == 0 || it + 1 == opt.iterations)) {
      // KL(P || Q) of this layout, Q = w / Z: sum P (log P - log w) + log Z.
      double kl = 0;
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double p = P[size_t(i * n + j)];
          if (j == i || p <= 0) continue;
          double d0 = yx[size_t(i)] - yx[size_t(j)], d1 = yy[size_t(i)] - yy[size_t(j)];
          kl += p * (std::log(p) + std::log(1.0 + d0 * d0 + d1 * d1));
        }
      progress(it + 1, kl + std::log(Z));
    }
    // Gradient descent with momentum and gains (delta-bar-delta, minimum gain 0.01).
    for (size_t k = 0; k < update.size(); ++k) {
      double g = 4 * (exaggeration * attract[k] - repulse[k] / Z);
      gains[k] = update[k] * g < 0 ? gains[k] + 0.2 : std::max(gains[k] * 0.8, 0.01);
      update[k] = momentum * update[k] - lr * gains[k] * g;
      (k % 2 ? yy : yx)[k / 2] += update[k];
    }
  }
  std::vector<float> out(size_t(2 * n));
  for (int64_t i = 0; i < n; ++i) {
    out[size_t(2 * i)] = float(yx[size_t(i)]);
    out[size_t(2 * i + 1)] = float(yy[size_t(i)]);
  }
  return out;
}

}  // namespace ws
