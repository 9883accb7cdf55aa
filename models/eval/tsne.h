// Exact t-SNE (van der Maaten & Hinton 2008), O(N^2) time and memory: for plots of a
// few thousand embeddings. Gaussian affinities calibrated per point to the perplexity
// (binary search on the precision), symmetrised; Student-t similarities in 2-D;
// gradient descent with momentum 0.5 -> 0.8 and per-coordinate gains, early
// exaggeration, as scikit-learn's exact method. Deterministic: one thread owns each
// point's sums, in a fixed order.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace ws {

struct TsneOptions {
  double perplexity = 30;          // see tsne_perplexity for small N
  int iterations = 1000;
  double early_exaggeration = 12;
  int exaggeration_iterations = 250;  // also when the momentum goes from 0.5 to 0.8
  double learning_rate = 0;        // 0: scikit-learn's "auto", max(N / exaggeration / 4, 50)
  uint64_t seed = 0;               // the initial layout, N(0, 1e-4^2) per coordinate
};

// Called every 50 iterations and after the last: (iteration, KL divergence of the current layout).
using TsneProgressFn = std::function<void(int, double)>;

// x [n, dim] row-major -> y [n, 2] row-major. n >= 2.
std::vector<float> tsne(const std::vector<float>& x, int64_t n, int64_t dim, const TsneOptions& opt = {},
                        const TsneProgressFn& progress = nullptr);

// The perplexity used for n points: the requested one, at most (n - 1) / 3, at least 1.
double tsne_perplexity(double requested, int64_t n);

// The symmetric joint affinities P [n, n] (diagonal 0, summing to 1) of x for a
// perplexity; each conditional row P_{.|i} has entropy log(perplexity) (exposed for tests).
std::vector<double> tsne_affinities(const std::vector<float>& x, int64_t n, int64_t dim, double perplexity);

}  // namespace ws
