#include "models/eval/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/error.h"
#include "engine/rng.h"
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

double clamp_perplexity(double perplexity, int64_t n) {
  return std::max(1.0, std::min(perplexity, double(n - 1) / 3.0));
}
}  // namespace

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
  const double perplexity = clamp_perplexity(opt.perplexity, n);
  const std::vector<double> p64 = tsne_affinities(x, n, dim, perplexity);
  const std::vector<float> P(p64.begin(), p64.end());
  const double lr = opt.learning_rate > 0 ? opt.learning_rate : std::max(double(n) / opt.early_exaggeration / 4, 50.0);

  std::vector<double> y(size_t(2 * n)), update(size_t(2 * n), 0.0), gains(size_t(2 * n), 1.0);
  for (size_t i = 0; i < y.size(); ++i) y[i] = 1e-4 * double(philox_normal(opt.seed, uint64_t(i)));
  std::vector<double> attract(size_t(2 * n)), repulse(size_t(2 * n)), row_w(static_cast<size_t>(n)), row_kl(static_cast<size_t>(n));

  for (int it = 0; it < opt.iterations; ++it) {
    const bool early = it < opt.exaggeration_iterations;
    const double exaggeration = early ? opt.early_exaggeration : 1.0, momentum = early ? 0.5 : 0.8;
    const bool report = progress && ((it + 1) % 50 == 0 || it + 1 == opt.iterations);
    // Per point i: attraction a_i = sum_j P_ij w_ij (y_i - y_j) and repulsion
    // b_i = sum_j w_ij^2 (y_i - y_j), w_ij = 1 / (1 + |y_i - y_j|^2). With Z = sum of all
    // w, the gradient of KL(P || Q) is 4 (exaggeration a_i - b_i / Z).
#pragma omp parallel for schedule(static) if (n >= 256)
    for (int64_t i = 0; i < n; ++i) {
      const double yi0 = y[size_t(2 * i)], yi1 = y[size_t(2 * i + 1)];
      const float* Pi = P.data() + i * n;
      double s = 0, a0 = 0, a1 = 0, b0 = 0, b1 = 0, kl = 0;
      for (int64_t j = 0; j < n; ++j) {
        if (j == i) continue;
        double d0 = yi0 - y[size_t(2 * j)], d1 = yi1 - y[size_t(2 * j + 1)];
        double w = 1.0 / (1.0 + d0 * d0 + d1 * d1);
        double pw = double(Pi[j]) * w, ww = w * w;
        s += w;
        a0 += pw * d0;
        a1 += pw * d1;
        b0 += ww * d0;
        b1 += ww * d1;
        if (report && Pi[j] > 0) kl += double(Pi[j]) * (std::log(double(Pi[j])) - std::log(w));
      }
      row_w[size_t(i)] = s;
      row_kl[size_t(i)] = kl;
      attract[size_t(2 * i)] = a0;
      attract[size_t(2 * i + 1)] = a1;
      repulse[size_t(2 * i)] = b0;
      repulse[size_t(2 * i + 1)] = b1;
    }
    double Z = 0;
    for (double s : row_w) Z += s;
    Z = std::max(Z, 1e-300);
    // Gradient descent with momentum and gains (delta-bar-delta, minimum gain 0.01).
    for (size_t k = 0; k < y.size(); ++k) {
      double g = 4 * (exaggeration * attract[k] - repulse[k] / Z);
      gains[k] = update[k] * g < 0 ? gains[k] + 0.2 : std::max(gains[k] * 0.8, 0.01);
      update[k] = momentum * update[k] - lr * gains[k] * g;
      y[k] += update[k];
    }
    if (report) {
      double kl = 0;  // KL(P || Q) with Q = w / Z: sum P (log P - log w) + log Z
      for (double v : row_kl) kl += v;
      progress(it + 1, kl + std::log(Z));
    }
  }
  return std::vector<float>(y.begin(), y.end());
}

}  // namespace ws
