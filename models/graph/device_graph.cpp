#include "models/graph/device_graph.h"

#include <map>
#include <mutex>
#include <vector>

#include "engine/trace.h"

namespace ws {

namespace {
Tensor upload(const std::vector<int32_t>& v, Device d) { return Tensor::from(v, {int64_t(v.size())}, d); }

// Stable grouping of positions by key (a counting sort), on d.
KeyGrouping group_by_key(const std::vector<int32_t>& key, int64_t n_keys, Device d) {
  std::vector<int32_t> offsets(size_t(n_keys + 1), 0), perm(key.size()), listed_key(key.size());
  for (int32_t k : key) ++offsets[size_t(k) + 1];
  for (int64_t i = 0; i < n_keys; ++i) offsets[size_t(i + 1)] += offsets[size_t(i)];
  std::vector<int32_t> fill(offsets.begin(), offsets.end() - 1);
  for (size_t p = 0; p < key.size(); ++p) {
    int32_t at = fill[size_t(key[p])]++;
    perm[size_t(at)] = int32_t(p);
    listed_key[size_t(at)] = key[p];
  }
  return {upload(offsets, d), upload(perm, d), upload(listed_key, d)};
}

std::shared_ptr<const DeviceGraph> build(const GraphTemplate& t, Device d) {
  WS_TRACE("upload graph template");
  validate_template(t);
  auto g = std::make_shared<DeviceGraph>();
  g->nodes = t.nodes;
  g->edges = t.edges;
  g->statics = int64_t(t.statics.size());
  std::vector<float> layer(t.node_layer.begin(), t.node_layer.end()), order(t.node_order.begin(), t.node_order.end());
  g->node_layer = Tensor::from(layer, {t.nodes, 1}, d);
  g->node_order = Tensor::from(order, {t.nodes, 1}, d);
  g->node_type = upload(t.node_type, d);
  g->src = upload(t.src, d);
  g->dst = upload(t.dst, d);
  g->param_index = upload(t.param_index, d);
  g->static_id = upload(t.static_id, d);
  g->src_perm = upload(t.src_perm, d);
  g->dst_offsets = upload(t.dst_offsets, d);
  g->src_offsets = upload(t.src_offsets, d);
  std::vector<float> s_layer, s_pos;
  std::vector<int32_t> s_type;
  for (const EdgeStatic& s : t.statics) {
    s_layer.push_back(float(s.layer));
    s_type.push_back(s.type);
    s_pos.insert(s_pos.end(), s.pos, s.pos + 3);
  }
  g->static_layer = Tensor::from(s_layer, {g->statics, 1}, d);
  g->static_type = upload(s_type, d);
  g->static_pos = Tensor::from(s_pos, {g->statics, 3}, d);
  g->edges_by_static = group_by_key(t.static_id, g->statics, d);
  g->nodes_by_type = group_by_key(t.node_type, kNodeTypeSlots, d);
  g->statics_by_type = group_by_key(s_type, kEdgeTypeSlots, d);
  return g;
}

// A CSR (offsets [n+1] over `rows` rows, perm or null) that groups `key` [rows]: segment s
// lists exactly the rows with key s, in increasing order when `stable`.
void check_grouping(const char* what, const std::string& arch, const std::vector<int32_t>& offsets,
                    const std::vector<int32_t>* perm, const std::vector<int32_t>& key, int64_t n) {
  WS_CHECK(int64_t(offsets.size()) == n + 1 && offsets.front() == 0 && offsets.back() == int32_t(key.size()),
           "graph of ", arch, ": ", what, " offsets do not span the ", key.size(), " edges");
  std::vector<uint8_t> seen(key.size(), 0);
  for (int64_t s = 0; s < n; ++s) {
    WS_CHECK(offsets[size_t(s)] <= offsets[size_t(s + 1)], "graph of ", arch, ": ", what, " offsets decrease at ", s);
    for (int32_t e = offsets[size_t(s)]; e < offsets[size_t(s + 1)]; ++e) {
      int32_t row = perm ? (*perm)[size_t(e)] : e;
      WS_CHECK(row >= 0 && size_t(row) < key.size() && !seen[size_t(row)] && key[size_t(row)] == s, "graph of ",
               arch, ": ", what, " lists edge ", row, " in segment ", s, " (not its key, or twice)");
      WS_CHECK(e == offsets[size_t(s)] || row > (perm ? (*perm)[size_t(e - 1)] : e - 1), "graph of ", arch, ": ",
               what, " is not in edge order within segment ", s);
      seen[size_t(row)] = 1;
    }
  }
}
}  // namespace

void validate_template(const GraphTemplate& t) {
  const std::string& a = t.arch.name;
  const size_t N = size_t(t.nodes), E = size_t(t.edges);
  WS_CHECK(t.node_layer.size() == N && t.node_order.size() == N && t.node_type.size() == N, "graph of ", a,
           ": node arrays do not have ", N, " entries");
  WS_CHECK(t.src.size() == E && t.dst.size() == E && t.param_index.size() == E && t.static_id.size() == E &&
               t.src_perm.size() == E,
           "graph of ", a, ": edge arrays do not have ", E, " entries");
  WS_CHECK(t.edges < (int64_t(1) << 31) && t.nodes < (int64_t(1) << 31), "graph of ", a, ": too large for I32 indices");
  for (size_t n = 0; n < N; ++n)
    WS_CHECK(t.node_type[n] >= 0 && t.node_type[n] < kNodeTypeSlots, "graph of ", a, ": node ", n, " has type ",
             t.node_type[n], " outside [0, ", kNodeTypeSlots, ")");
  for (const EdgeStatic& s : t.statics)
    WS_CHECK(s.type >= 0 && s.type < kEdgeTypeSlots, "graph of ", a, ": an edge type ", s.type, " is outside [0, ",
             kEdgeTypeSlots, ")");
  std::vector<uint8_t> used(E, 0);
  for (size_t e = 0; e < E; ++e) {
    WS_CHECK(t.src[e] >= 0 && size_t(t.src[e]) < N && t.dst[e] >= 0 && size_t(t.dst[e]) < N, "graph of ", a,
             ": edge ", e, " joins ", t.src[e], " -> ", t.dst[e], " outside the ", N, " nodes");
    WS_CHECK(t.static_id[e] >= 0 && size_t(t.static_id[e]) < t.statics.size(), "graph of ", a, ": edge ", e,
             " has static id ", t.static_id[e], " of ", t.statics.size());
    WS_CHECK(t.param_index[e] >= 0 && size_t(t.param_index[e]) < E && !used[size_t(t.param_index[e])], "graph of ",
             a, ": edge ", e, " takes parameter ", t.param_index[e], " (outside [0, ", E, ") or taken twice)");
    used[size_t(t.param_index[e])] = 1;
  }
  check_grouping("CSR by destination", a, t.dst_offsets, nullptr, t.dst, t.nodes);
  check_grouping("CSR by source", a, t.src_offsets, &t.src_perm, t.src, t.nodes);
}

std::shared_ptr<const DeviceGraph> device_graph(const GraphTemplate& t, Device d) {
  if (!is_shared_template(&t)) return build(t, d);
  static std::mutex mu;
  // Never destroyed: its tensors must not outlive the allocators at exit (static destruction
  // runs in reverse order of construction, and the first upload may create the allocator).
  static auto& cache = *new std::map<std::pair<const GraphTemplate*, std::string>, std::shared_ptr<const DeviceGraph>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[{&t, d.str()}];
  if (!slot) slot = build(t, d);
  return slot;
}

}  // namespace ws
