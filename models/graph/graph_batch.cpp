#include "models/graph/graph_batch.h"

#include <map>

namespace ws {

namespace {
Tensor to_tensor(const std::vector<int32_t>& v, Device d) { return Tensor::from(v, {int64_t(v.size())}, d); }
Tensor to_tensor(const std::vector<float>& v, Shape s, Device d) { return Tensor::from(v, s, d); }

// Stable counting sort of positions by key: CSR offsets [n_keys+1] and the permutation.
Csr group_by(const std::vector<int32_t>& key, int64_t n_keys, Device d) {
  std::vector<int32_t> offsets(size_t(n_keys + 1), 0), perm(key.size());
  for (int32_t k : key) ++offsets[size_t(k) + 1];
  for (int64_t i = 0; i < n_keys; ++i) offsets[size_t(i + 1)] += offsets[size_t(i)];
  std::vector<int32_t> fill(offsets.begin(), offsets.end() - 1);
  for (size_t e = 0; e < key.size(); ++e) perm[size_t(fill[size_t(key[e])]++)] = int32_t(e);
  return {to_tensor(offsets, d), to_tensor(perm, d)};
}
}  // namespace

GraphBatch make_graph_batch(const std::vector<const GraphTemplate*>& templates,
                            const std::vector<const float*>& params, Device d) {
  WS_CHECK(templates.size() == params.size() && !templates.empty(), "make_graph_batch: ", templates.size(),
           " templates for ", params.size(), " parameter vectors");
  GraphBatch b;
  b.device = d;
  b.graphs = int64_t(templates.size());
  for (const GraphTemplate* t : templates) {
    b.nodes += t->nodes;
    b.edges += t->edges;
  }
  std::vector<float> node_layer, node_order, value(size_t(b.edges)), s_layer, s_pos;
  std::vector<int32_t> node_type, sid(size_t(b.edges)), src(size_t(b.edges)), dst(size_t(b.edges)), s_type;
  std::vector<int32_t> edge_graph(size_t(b.edges));
  std::vector<float> inv_count;
  std::vector<int32_t> dst_off = {0}, src_off = {0}, src_perm, edge_off = {0}, node_off = {0};
  node_layer.reserve(size_t(b.nodes));
  std::map<const GraphTemplate*, int32_t> static_base;  // templates share their statics within a batch
  int64_t n0 = 0, e0 = 0;
  for (size_t g = 0; g < templates.size(); ++g) {
    const GraphTemplate& t = *templates[g];
    b.arch_names.push_back(t.arch.name);
    auto it = static_base.find(&t);
    if (it == static_base.end()) {
      it = static_base.emplace(&t, int32_t(s_type.size())).first;
      for (const EdgeStatic& s : t.statics) {
        s_layer.push_back(float(s.layer));
        s_type.push_back(s.type);
        s_pos.insert(s_pos.end(), s.pos, s.pos + 3);
      }
    }
    for (int64_t n = 0; n < t.nodes; ++n) {
      node_layer.push_back(float(t.node_layer[size_t(n)]));
      node_order.push_back(float(t.node_order[size_t(n)]));
      node_type.push_back(t.node_type[size_t(n)]);
      dst_off.push_back(int32_t(e0) + t.dst_offsets[size_t(n + 1)]);
      src_off.push_back(int32_t(e0) + t.src_offsets[size_t(n + 1)]);
    }
    const float* p = params[g];
    for (int64_t e = 0; e < t.edges; ++e) {
      size_t k = size_t(e0 + e);
      value[k] = p[t.param_index[size_t(e)]];
      sid[k] = it->second + t.static_id[size_t(e)];
      src[k] = int32_t(n0) + t.src[size_t(e)];
      dst[k] = int32_t(n0) + t.dst[size_t(e)];
      src_perm.push_back(int32_t(e0) + t.src_perm[size_t(e)]);
      edge_graph[k] = int32_t(g);
    }
    inv_count.push_back(t.edges ? 1.0f / float(t.edges) : 0.0f);
    n0 += t.nodes;
    e0 += t.edges;
    edge_off.push_back(int32_t(e0));
    node_off.push_back(int32_t(n0));
  }
  WS_CHECK(b.edges < (int64_t(1) << 31), "make_graph_batch: ", b.edges, " edges exceed 32-bit indices");
  b.statics = int64_t(s_type.size());
  b.node_layer = to_tensor(node_layer, {b.nodes, 1}, d);
  b.node_order = to_tensor(node_order, {b.nodes, 1}, d);
  b.node_type = to_tensor(node_type, d);
  b.edge_value = to_tensor(value, {b.edges, 1}, d);
  b.static_id = to_tensor(sid, d);
  b.static_layer = to_tensor(s_layer, {b.statics, 1}, d);
  b.static_type = to_tensor(s_type, d);
  b.static_pos = to_tensor(s_pos, {b.statics, 3}, d);
  b.src = to_tensor(src, d);
  b.dst = to_tensor(dst, d);
  b.by_dst = {to_tensor(dst_off, d), Tensor()};
  b.by_src = {to_tensor(src_off, d), to_tensor(src_perm, d)};
  b.by_static = group_by(sid, b.statics, d);
  b.edges_of_graph = {to_tensor(edge_off, d), Tensor()};
  b.nodes_of_graph = {to_tensor(node_off, d), Tensor()};
  b.edge_graph = to_tensor(edge_graph, d);
  b.inv_edge_count = to_tensor(inv_count, {b.graphs}, d);
  return b;
}

GraphBatch make_graph_batch(const std::vector<const GraphTemplate*>& templates, const std::vector<const float*>& params,
                            const std::vector<const float*>& references, Device d) {
  WS_CHECK(references.size() == params.size(), "make_graph_batch: ", references.size(), " references for ",
           params.size(), " NeRFs");
  std::vector<const GraphTemplate*> ts = templates;
  std::vector<const float*> ps = params;
  std::vector<int32_t> reference_of;
  std::map<const float*, int32_t> graph_of;  // one graph per distinct reference
  for (size_t i = 0; i < references.size(); ++i) {
    WS_CHECK(references[i], "make_graph_batch: NeRF ", i, " has no reference values");
    auto it = graph_of.find(references[i]);
    if (it == graph_of.end()) {
      it = graph_of.emplace(references[i], int32_t(ts.size())).first;
      ts.push_back(templates[i]);
      ps.push_back(references[i]);
    }
    reference_of.push_back(it->second);
  }
  GraphBatch b = make_graph_batch(ts, ps, d);
  b.reference_of = to_tensor(reference_of, d);
  b.references_grouped = csr_from_index(b.reference_of, b.graphs);
  return b;
}

}  // namespace ws
