#include "models/graph/param_graph.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>

#include "core/error.h"

namespace ws {

bool EdgeStatic::operator<(const EdgeStatic& o) const {
  if (layer != o.layer) return layer < o.layer;
  if (type != o.type) return type < o.type;
  for (int i = 0; i < 3; ++i)
    if (pos[i] != o.pos[i]) return pos[i] < o.pos[i];
  return false;
}

const char* node_type_name(int32_t t) {
  switch (t) {
    case kNodeNeuron: return "neuron";
    case kNodeBias: return "bias";
    case kNodeTriPlane: return "triplane";
    case kNodeHash: return "hash";
  }
  return "other";
}

const char* edge_type_name(int32_t t) {
  switch (t) {
    case kEdgeWeight: return "linear_weight";
    case kEdgeBias: return "linear_bias";
    case kEdgeTriPlane: return "triplane";
    case kEdgeHash: return "hash";
  }
  return "other";
}

namespace {

// Accumulates nodes and edges in builder order (the parameters' storage order).
struct Builder {
  GraphTemplate& g;
  std::vector<EdgeStatic> edge_static;  // per edge, builder order

  int32_t add_nodes(int64_t n, int32_t layer, int32_t type, bool ordered) {
    int32_t first = int32_t(g.nodes);
    for (int64_t i = 0; i < n; ++i) {
      g.node_layer.push_back(layer);
      g.node_order.push_back(ordered ? int32_t(i) : -1);
      g.node_type.push_back(type);
    }
    g.nodes += n;
    return first;
  }
  void add_edge(int32_t s, int32_t d, int32_t layer, int32_t type, float p0 = -1, float p1 = -1, float p2 = -1) {
    g.src.push_back(s);
    g.dst.push_back(d);
    edge_static.push_back({layer, type, {p0, p1, p2}});
  }
  // A bias-free linear layer: the weight W[o, i] (row-major) is the edge input i -> output o.
  void dense(const std::vector<int32_t>& in, int32_t out_first, int64_t out_n, int32_t layer) {
    for (int64_t o = 0; o < out_n; ++o)
      for (int32_t i : in) add_edge(i, out_first + int32_t(o), layer, kEdgeWeight);
  }
  // The MLP after the encoding: `inputs` (padded width) -> hidden x n -> 16, first weight matrix at `layer`.
  void mlp(std::vector<int32_t> inputs, int32_t layer) {
    const ArchSpec& a = g.arch;
    g.mlp_nodes = {inputs};
    for (int k = 0; k <= a.hidden_layers; ++k) {
      bool last = k == a.hidden_layers;
      int64_t width = last ? ArchSpec::kOutRows : a.hidden_dim;
      int32_t first = add_nodes(width, layer + 1, kNodeNeuron, last);
      dense(inputs, first, width, layer);
      inputs.resize(size_t(width));
      std::iota(inputs.begin(), inputs.end(), first);
      g.mlp_nodes.push_back(inputs);
      ++layer;
    }
  }
};

std::vector<int32_t> range_nodes(int32_t first, int64_t n) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), first);
  return v;
}

void count_by_type(GraphTemplate& g) {
  for (int32_t t : g.node_type) ++g.node_counts[node_type_name(t)];
  for (int32_t id : g.static_id) ++g.edge_counts[edge_type_name(g.statics[size_t(id)].type)];
}

}  // namespace

void build_csrs(GraphTemplate& g);

GraphTemplate build_graph_template(const ArchSpec& a) {
  GraphTemplate g;
  g.arch = a;
  g.layer_widths = a.layer_widths();
  Builder b{g, {}};
  const int pad = a.mlp_input_dim() - a.encoded_dim();
  std::vector<int32_t> inputs;
  switch (a.family) {
    case Family::Mlp: {
      // 6n frequency inputs and the constant-1 padding inputs: all network input neurons.
      inputs = range_nodes(b.add_nodes(a.mlp_input_dim(), 0, kNodeNeuron, true), a.mlp_input_dim());
      b.mlp(inputs, 0);
      break;
    }
    case Family::Tri: {
      const int R = a.tri_res, C = a.tri_channels;
      int32_t freq = b.add_nodes(6 * a.freq_bands, 0, kNodeNeuron, true);
      int32_t cells = b.add_nodes(3LL * R * R, 0, kNodeTriPlane, true);
      int32_t chans = b.add_nodes(C + pad, 0, kNodeTriPlane, false);  // channels, then padding inputs
      // Cell (plane, row i, col j) sits at its sampling position in [-1, 1]^3 (plane 0: xy at
      // (col = x, row = y), plane 1: xz, plane 2: yz); one edge per stored value triplane[p, i, j, c].
      for (int p = 0; p < 3; ++p)
        for (int i = 0; i < R; ++i)
          for (int j = 0; j < R; ++j) {
            float u = R > 1 ? -1.0f + 2.0f * float(j) / float(R - 1) : 0.0f;
            float v = R > 1 ? -1.0f + 2.0f * float(i) / float(R - 1) : 0.0f;
            float pos[3] = {p < 2 ? u : 0.0f, p == 0 ? v : (p == 2 ? u : 0.0f), p == 0 ? 0.0f : v};
            int32_t cell = cells + int32_t((p * R + i) * R + j);
            for (int c = 0; c < C; ++c) b.add_edge(cell, chans + c, 0, kEdgeTriPlane, pos[0], pos[1], pos[2]);
          }
      inputs = range_nodes(freq, 6 * a.freq_bands);
      for (int c = 0; c < C + pad; ++c) inputs.push_back(chans + c);
      b.mlp(inputs, 1);
      break;
    }
    case Family::Hash: {
      const int F = a.hash_features;
      auto levels = a.hash_level_table();
      int64_t entries = 0;
      for (auto& l : levels) entries += l.size;
      int32_t first_entry = b.add_nodes(entries, 0, kNodeHash, true);
      int32_t feats = b.add_nodes(int64_t(a.hash_levels) * F + pad, 0, kNodeHash, false);
      // encoding.params is [sum size_l, F] (level, entry, feature): value (l, k, f) -> feature node l*F + f.
      for (int l = 0; l < a.hash_levels; ++l)
        for (uint32_t k = 0; k < levels[size_t(l)].size; ++k)
          for (int f = 0; f < F; ++f)
            b.add_edge(first_entry + int32_t(levels[size_t(l)].offset + k), feats + l * F + f, 0, kEdgeHash,
                       float(l), float(k * uint32_t(F) + uint32_t(f)));
      b.mlp(range_nodes(feats, int64_t(a.hash_levels) * F + pad), 1);
      break;
    }
  }
  g.edges = int64_t(g.src.size());
  WS_CHECK(g.edges == a.total_params(), "graph of ", a.name, ": ", g.edges, " edges for ", a.total_params(),
           " parameters");

  // Sort edges by destination, stably, keeping each edge's parameter index.
  std::vector<int32_t> order(static_cast<size_t>(g.edges));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return g.dst[size_t(x)] < g.dst[size_t(y)]; });
  std::vector<int32_t> src(order.size()), dst(order.size());
  std::map<EdgeStatic, int32_t> ids;
  for (const EdgeStatic& s : b.edge_static) ids.emplace(s, 0);
  for (auto& kv : ids) {
    kv.second = int32_t(g.statics.size());
    g.statics.push_back(kv.first);
  }
  g.param_index = order;
  g.static_id.resize(order.size());
  for (size_t e = 0; e < order.size(); ++e) {
    src[e] = g.src[size_t(order[e])];
    dst[e] = g.dst[size_t(order[e])];
    g.static_id[e] = ids[b.edge_static[size_t(order[e])]];
  }
  g.src.swap(src);
  g.dst.swap(dst);

  build_csrs(g);
  count_by_type(g);
  return g;
}

// CSR by destination and by source (offsets + perm) of the sorted edges.
void build_csrs(GraphTemplate& g) {
  // CSR by destination; by source through a stable counting sort.
  g.dst_offsets.assign(size_t(g.nodes + 1), 0);
  g.src_offsets.assign(size_t(g.nodes + 1), 0);
  for (size_t e = 0; e < g.dst.size(); ++e) {
    ++g.dst_offsets[size_t(g.dst[e]) + 1];
    ++g.src_offsets[size_t(g.src[e]) + 1];
  }
  for (int64_t n = 0; n < g.nodes; ++n) {
    g.dst_offsets[size_t(n + 1)] += g.dst_offsets[size_t(n)];
    g.src_offsets[size_t(n + 1)] += g.src_offsets[size_t(n)];
  }
  g.src_perm.resize(g.dst.size());
  std::vector<int32_t> fill(g.src_offsets.begin(), g.src_offsets.end() - 1);
  for (size_t e = 0; e < g.src.size(); ++e) g.src_perm[size_t(fill[size_t(g.src[e])]++)] = int32_t(e);
}

GraphTemplate permute_nodes(const GraphTemplate& g, const std::vector<int32_t>& perm) {
  WS_CHECK(int64_t(perm.size()) == g.nodes, "permute_nodes: ", perm.size(), " entries for ", g.nodes, " nodes");
  GraphTemplate p = g;
  for (int64_t n = 0; n < g.nodes; ++n) {
    size_t to = size_t(perm[size_t(n)]);
    p.node_layer[to] = g.node_layer[size_t(n)];
    p.node_order[to] = g.node_order[size_t(n)];
    p.node_type[to] = g.node_type[size_t(n)];
  }
  for (auto& layer : p.mlp_nodes)
    for (int32_t& n : layer) n = perm[size_t(n)];
  std::vector<int32_t> order(size_t(g.edges));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return perm[size_t(g.dst[size_t(a)])] < perm[size_t(g.dst[size_t(b)])]; });
  for (size_t e = 0; e < order.size(); ++e) {
    size_t from = size_t(order[e]);
    p.src[e] = perm[size_t(g.src[from])];
    p.dst[e] = perm[size_t(g.dst[from])];
    p.param_index[e] = g.param_index[from];
    p.static_id[e] = g.static_id[from];
  }
  build_csrs(p);
  return p;
}

namespace {
std::mutex g_templates_mu;
std::map<std::string, std::unique_ptr<GraphTemplate>> g_templates;  // never erased
}  // namespace

const GraphTemplate& graph_template(const ArchSpec& arch) {
  std::string key = arch.to_json().dump();
  std::lock_guard<std::mutex> lock(g_templates_mu);
  auto& slot = g_templates[key];
  if (!slot) slot = std::make_unique<GraphTemplate>(build_graph_template(arch));
  return *slot;
}

bool is_shared_template(const GraphTemplate* t) {
  std::lock_guard<std::mutex> lock(g_templates_mu);
  auto it = g_templates.find(t->arch.to_json().dump());
  return it != g_templates.end() && it->second.get() == t;
}

std::vector<float> GraphTemplate::edge_features(const std::vector<float>& params) const {
  WS_CHECK(int64_t(params.size()) == edges, "graph of ", arch.name, ": ", params.size(), " parameters for ", edges,
           " edges");
  std::vector<float> f(size_t(edges) * 6);
  for (int64_t e = 0; e < edges; ++e) {
    const EdgeStatic& s = statics[size_t(static_id[size_t(e)])];
    float* r = &f[size_t(e) * 6];
    r[0] = params[size_t(param_index[size_t(e)])];
    r[1] = float(s.layer);
    r[2] = float(s.type);
    r[3] = s.pos[0];
    r[4] = s.pos[1];
    r[5] = s.pos[2];
  }
  return f;
}

}  // namespace ws
