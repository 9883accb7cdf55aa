#include <numeric>
#include <set>

#include "models/graph/param_graph.h"
#include "tests/testing.h"

using namespace ws;

TEST_CASE("graph: node and edge counts of the training architectures (docs/design.md §5.3)") {
  struct Want { const char* arch; int64_t nodes, edges; };
  for (Want w : {Want{"MLP", 352, 18432}, Want{"TRI", 3584, 77824}, Want{"HASH", 16608, 43008}}) {
    const GraphTemplate& g = graph_template(find_arch(w.arch));
    CHECK_MESSAGE(g.nodes == w.nodes, w.arch);
    CHECK_MESSAGE(g.edges == w.edges, w.arch);
  }
  const GraphTemplate& tri = graph_template(find_arch("TRI"));
  CHECK(tri.edge_counts.at("triplane") == 49152);
  CHECK(tri.edge_counts.at("linear_weight") == 28672);
  CHECK(tri.node_counts.at("triplane") == 3072 + 16);
  const GraphTemplate& hash = graph_template(find_arch("HASH"));
  CHECK(hash.node_counts.at("hash") == 16384 + 16);  // entries + 8 features + 8 padding inputs
  CHECK(hash.edge_counts.at("hash") == 32768);
}

TEST_CASE("graph: unseen architectures — padding inputs and table sizes") {
  const GraphTemplate& t8 = graph_template(find_arch("TRI-8C"));
  // 288 frequency + 3*32*32 cells + 8 channels + 8 constant-1 padding inputs + 3*64 + 16
  CHECK(t8.nodes == 288 + 3072 + 8 + 8 + 192 + 16);
  CHECK(t8.edges == find_arch("TRI-8C").total_params());
  // padding nodes: tri-plane group, no incoming edge, 64 outgoing first-layer weights each
  for (int32_t n = 288 + 3072 + 8; n < 288 + 3072 + 16; ++n) {
    CHECK(t8.node_type[size_t(n)] == kNodeTriPlane);
    CHECK(t8.dst_offsets[size_t(n + 1)] - t8.dst_offsets[size_t(n)] == 0);
    CHECK(t8.src_offsets[size_t(n + 1)] - t8.src_offsets[size_t(n)] == 64);
  }
  const GraphTemplate& h11 = graph_template(find_arch("HASH-11T"));
  CHECK(h11.node_counts.at("hash") == 4 * 2048 + 16);
  CHECK(h11.edge_counts.at("hash") == 4 * 2048 * 2);
  const GraphTemplate& m2 = graph_template(find_arch("MLP-2L"));
  CHECK(m2.nodes == 144 + 2 * 64 + 16);
}

TEST_CASE("graph: edges are sorted by destination and the CSRs agree with them") {
  for (const char* name : {"MLP", "TRI-16W", "HASH-3N"}) {
    const GraphTemplate& g = graph_template(find_arch(name));
    CHECK(std::is_sorted(g.dst.begin(), g.dst.end()));
    for (int64_t n = 0; n < g.nodes; ++n)
      for (int32_t e = g.dst_offsets[size_t(n)]; e < g.dst_offsets[size_t(n + 1)]; ++e) REQUIRE(g.dst[size_t(e)] == n);
    for (int64_t n = 0; n < g.nodes; ++n)
      for (int32_t k = g.src_offsets[size_t(n)]; k < g.src_offsets[size_t(n + 1)]; ++k)
        REQUIRE(g.src[size_t(g.src_perm[size_t(k)])] == n);
    std::vector<int32_t> seen(g.param_index);
    std::sort(seen.begin(), seen.end());
    std::vector<int32_t> all(seen.size());
    std::iota(all.begin(), all.end(), 0);
    CHECK_MESSAGE(seen == all, name, ": every parameter is exactly one edge");
  }
}

TEST_CASE("graph: edge values are the parameters in the documented order") {
  // MLP: params = [W0 (64x144), W1 (64x64), W2 (64x64), W3 (16x64)], row-major (out, in).
  ArchSpec a = find_arch("MLP");
  const GraphTemplate& g = graph_template(a);
  std::vector<float> params(size_t(a.total_params()));
  std::iota(params.begin(), params.end(), 0.0f);
  std::vector<float> f = g.edge_features(params);
  std::vector<int> w = a.layer_widths();
  std::vector<int> first_node = {0};
  for (int x : w) first_node.push_back(first_node.back() + x);
  int64_t offset = 0;
  std::vector<int64_t> layer_offset;
  for (size_t k = 0; k + 1 < w.size(); ++k) {
    layer_offset.push_back(offset);
    offset += int64_t(w[k]) * w[k + 1];
  }
  for (int64_t e = 0; e < g.edges; ++e) {
    int32_t s = g.src[size_t(e)], d = g.dst[size_t(e)];
    size_t k = size_t(f[size_t(e) * 6 + 1]);  // layer feature = weight matrix index
    int64_t in = s - first_node[k], out = d - first_node[k + 1];
    REQUIRE(f[size_t(e) * 6] == float(layer_offset[k] + out * w[k] + in));
    REQUIRE(f[size_t(e) * 6 + 2] == float(kEdgeWeight));
  }
  // TRI: the first 49152 parameters are the planes [3, R, R, C]; edge cell -> channel c.
  ArchSpec t = find_arch("TRI");
  const GraphTemplate& gt = graph_template(t);
  std::vector<float> tp(size_t(t.total_params()));
  std::iota(tp.begin(), tp.end(), 0.0f);
  std::vector<float> tf = gt.edge_features(tp);
  const int32_t cells = 288, chans = 288 + 3072;
  int checked = 0;
  for (int64_t e = 0; e < gt.edges; ++e) {
    if (tf[size_t(e) * 6 + 2] != float(kEdgeTriPlane)) continue;
    int32_t cell = gt.src[size_t(e)] - cells, c = gt.dst[size_t(e)] - chans;
    REQUIRE(tf[size_t(e) * 6] == float(cell * 16 + c));
    int p = cell / 1024, i = cell / 32 % 32, j = cell % 32;
    float u = -1 + 2 * j / 31.0f, v = -1 + 2 * i / 31.0f;
    float want[3] = {p < 2 ? u : 0, p == 0 ? v : (p == 2 ? u : 0), p == 0 ? 0 : v};
    for (int q = 0; q < 3; ++q) REQUIRE(tf[size_t(e) * 6 + 3 + q] == doctest::Approx(want[q]));
    ++checked;
  }
  CHECK(checked == 49152);
  CHECK_THROWS_WITH_AS(gt.edge_features(params), doctest::Contains("18432 parameters for 77824 edges"), Error);
}

TEST_CASE("graph: distinct static edge features are few") {
  // Every MLP weight of one layer shares [layer, type, -1, -1, -1]: 4 tuples for MLP.
  CHECK(graph_template(find_arch("MLP")).statics.size() == 4);
  CHECK(graph_template(find_arch("TRI")).statics.size() == 3072 + 4);
}
