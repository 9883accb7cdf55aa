#include "models/graph/graph_batch.h"

#include <map>
#include <memory>

#include "engine/trace.h"
#include "kernels/batch_index.h"
#include "kernels/gather.h"
#include "kernels/segment.h"
#include "models/graph/device_graph.h"
#include "models/graph/node_probes.h"
#include "models/nerf/field_signature.h"

namespace ws {

namespace {
// One part of a concatenated grouping: its key grouping, and where its keys and
// positions start in the batch.
struct GroupPart {
  const KeyGrouping* g;
  int64_t key_base;
  int32_t pos_base;
};

// The batch CSR over `keys` keys that lists, per key, the parts' positions part after
// part (kernels/batch_index.h): checked by construction.
Csr concat_groupings(const std::vector<GroupPart>& parts, int64_t keys, int64_t positions, Device d) {
  Csr c{Tensor::zeros({keys + 1}, DType::I32, d), Tensor::empty({positions}, DType::I32, d)};
  int32_t* off = c.offsets.i32();
  for (const GroupPart& p : parts)
    grouped_offsets_add(off, keys, p.g->offsets.i32(), p.g->keys(), p.key_base, d);
  Tensor cursor = c.offsets.slice_rows(0, keys).clone();
  for (const GroupPart& p : parts) {
    grouped_place(c.perm.i32(), cursor.i32(), p.g->offsets.i32(), p.g->perm.i32(), p.g->key.i32(),
                  p.g->perm.numel(), p.key_base, p.pos_base, d);
    grouped_advance(cursor.i32(), p.g->offsets.i32(), p.g->keys(), p.key_base, d);
  }
  c.checked = true;
  return c;
}

// reference_of: for batches with reference graphs, each NeRF's graph -> its reference graph.
GraphBatch assemble(const std::vector<const GraphTemplate*>& templates, const std::vector<const float*>& params,
                    const std::vector<int32_t>* reference_of, Device d, const GraphExtras& extras) {
  WS_TRACE("graph batch");
  WS_CHECK(templates.size() == params.size() && !templates.empty(), "make_graph_batch: ", templates.size(),
           " templates for ", params.size(), " parameter vectors");
  GraphBatch b;
  b.device = d;
  b.graphs = int64_t(templates.size());
  const int64_t G = b.graphs;
  std::vector<std::shared_ptr<const DeviceGraph>> dev;
  std::map<const GraphTemplate*, size_t> first_use;  // distinct templates share their statics
  std::vector<size_t> distinct;                       // graph indices of first uses, in order
  std::vector<int32_t> static_base(static_cast<size_t>(G));
  std::vector<int32_t> edge_off = {0}, node_off = {0};
  for (int64_t g = 0; g < G; ++g) {
    const GraphTemplate& t = *templates[size_t(g)];
    WS_CHECK(params[size_t(g)], "make_graph_batch: graph ", g, " (", t.arch.name, ") has no parameters");
    b.arch_names.push_back(t.arch.name);
    dev.push_back(device_graph(t, d));
    auto it = first_use.find(&t);
    if (it == first_use.end()) {
      it = first_use.emplace(&t, size_t(g)).first;
      distinct.push_back(size_t(g));
      static_base[size_t(g)] = int32_t(b.statics);
      b.statics += dev.back()->statics;
    } else {
      static_base[size_t(g)] = static_base[it->second];
    }
    b.nodes += t.nodes;
    b.edges += t.edges;
    WS_CHECK(b.edges < (int64_t(1) << 31) && b.nodes < (int64_t(1) << 31), "make_graph_batch: ", b.edges,
             " edges exceed 32-bit indices");
    edge_off.push_back(int32_t(b.edges));
    node_off.push_back(int32_t(b.nodes));
  }

  // The uploads: every graph's parameters in one buffer, the small integer tables in another.
  std::vector<float> all_params(static_cast<size_t>(b.edges));
  for (int64_t g = 0; g < G; ++g)
    std::copy(params[size_t(g)], params[size_t(g)] + templates[size_t(g)]->edges, all_params.begin() + edge_off[size_t(g)]);
  const Tensor p_dev = Tensor::from(all_params, {b.edges}, d);
  std::vector<int32_t> table = edge_off;
  table.insert(table.end(), node_off.begin(), node_off.end());
  Csr refs_host;
  std::vector<int32_t> ref_off, ref_perm;
  if (reference_of) {
    const int64_t M = int64_t(reference_of->size());
    ref_off.resize(size_t(G + 1));
    ref_perm.resize(size_t(M));
    int64_t bad = csr_from_index_host(reference_of->data(), M, G, ref_off.data(), ref_perm.data());
    WS_CHECK(bad < 0, "make_graph_batch: reference graph ", bad, " is outside the batch");
    table.insert(table.end(), reference_of->begin(), reference_of->end());
    table.insert(table.end(), ref_off.begin(), ref_off.end());
    table.insert(table.end(), ref_perm.begin(), ref_perm.end());
  }
  const Tensor t_dev = Tensor::from(table, {int64_t(table.size())}, d);
  b.edges_of_graph = {t_dev.view_at(0, {G + 1}), Tensor(), true,
                      std::make_shared<const std::vector<int32_t>>(edge_off)};
  b.nodes_of_graph = {t_dev.view_at(G + 1, {G + 1}), Tensor(), true,
                      std::make_shared<const std::vector<int32_t>>(node_off)};
  if (reference_of) {
    const int64_t M = int64_t(reference_of->size()), at = 2 * (G + 1);
    b.reference_of = t_dev.view_at(at, {M});
    b.references_grouped = {t_dev.view_at(at + M, {G + 1}), t_dev.view_at(at + M + G + 1, {M}), true,
                            std::make_shared<const std::vector<int32_t>>(ref_off)};
  }

  // Per-graph pieces, written into their rows on the device.
  b.node_layer = Tensor::empty({b.nodes, 1}, DType::F32, d);
  b.node_order = Tensor::empty({b.nodes, 1}, DType::F32, d);
  b.node_type = Tensor::empty({b.nodes}, DType::I32, d);
  b.edge_value = Tensor::empty({b.edges, 1}, DType::F32, d);
  b.static_id = Tensor::empty({b.edges}, DType::I32, d);
  b.src = Tensor::empty({b.edges}, DType::I32, d);
  b.dst = Tensor::empty({b.edges}, DType::I32, d);
  b.edge_graph = Tensor::empty({b.edges}, DType::I32, d);
  b.by_dst = {Tensor::empty({b.nodes + 1}, DType::I32, d), Tensor(), true};
  b.by_src = {Tensor::empty({b.nodes + 1}, DType::I32, d), Tensor::empty({b.edges}, DType::I32, d), true};
  copy_add_i32(nullptr, b.by_dst.offsets.i32(), 1, 0, d);
  copy_add_i32(nullptr, b.by_src.offsets.i32(), 1, 0, d);
  std::vector<GroupPart> by_static, by_node_type;
  for (int64_t g = 0; g < G; ++g) {
    const DeviceGraph& t = *dev[size_t(g)];
    const int32_t n0 = node_off[size_t(g)], e0 = edge_off[size_t(g)];
    b.node_layer.slice_rows(n0, n0 + t.nodes).copy_from(t.node_layer);
    b.node_order.slice_rows(n0, n0 + t.nodes).copy_from(t.node_order);
    b.node_type.slice_rows(n0, n0 + t.nodes).copy_from(t.node_type);
    // value[e] = the graph's parameter param_index[e]
    gather_rows(p_dev.f32() + e0, t.param_index.i32(), b.edge_value.f32() + e0, t.edges, 1, false, d);
    copy_add_i32(t.static_id.i32(), b.static_id.i32() + e0, t.edges, static_base[size_t(g)], d);
    copy_add_i32(t.src.i32(), b.src.i32() + e0, t.edges, n0, d);
    copy_add_i32(t.dst.i32(), b.dst.i32() + e0, t.edges, n0, d);
    copy_add_i32(nullptr, b.edge_graph.i32() + e0, t.edges, int32_t(g), d);
    copy_add_i32(t.src_perm.i32(), b.by_src.perm.i32() + e0, t.edges, e0, d);
    copy_add_i32(t.dst_offsets.i32() + 1, b.by_dst.offsets.i32() + n0 + 1, t.nodes, e0, d);
    copy_add_i32(t.src_offsets.i32() + 1, b.by_src.offsets.i32() + n0 + 1, t.nodes, e0, d);
    by_static.push_back({&t.edges_by_static, static_base[size_t(g)], e0});
    by_node_type.push_back({&t.nodes_by_type, 0, n0});
  }
  b.static_layer = Tensor::empty({b.statics, 1}, DType::F32, d);
  b.static_type = Tensor::empty({b.statics}, DType::I32, d);
  b.static_pos = Tensor::empty({b.statics, 3}, DType::F32, d);
  std::vector<GroupPart> by_static_type;
  for (size_t g : distinct) {
    const DeviceGraph& t = *dev[g];
    const int32_t s0 = static_base[g];
    b.static_layer.slice_rows(s0, s0 + t.statics).copy_from(t.static_layer);
    b.static_type.slice_rows(s0, s0 + t.statics).copy_from(t.static_type);
    b.static_pos.slice_rows(s0, s0 + t.statics).copy_from(t.static_pos);
    by_static_type.push_back({&t.statics_by_type, 0, s0});
  }
  b.by_static = concat_groupings(by_static, b.statics, b.edges, d);
  b.node_type_grouped = concat_groupings(by_node_type, kNodeTypeSlots, b.nodes, d);
  b.static_type_grouped = concat_groupings(by_static_type, kEdgeTypeSlots, b.statics, d);
  b.inv_edge_count = Tensor::empty({G}, DType::F32, d);
  inverse_counts(b.edges_of_graph.offsets.i32(), b.inv_edge_count.f32(), G, d);
  if (extras.probe_grid > 0) {
    WS_TRACE("node probes");
    const Tensor points = field_signature_points(extras.probe_grid);
    const int64_t K = points.size(0);
    Tensor host = Tensor::empty({b.nodes, K});
    for (int64_t g = 0; g < G; ++g)
      host.slice_rows(node_off[size_t(g)], node_off[size_t(g + 1)])
          .copy_from(node_probe_features(*templates[size_t(g)], params[size_t(g)], points));
    b.node_probe = d.is_cpu() ? host : host.to(d);  // to(cpu) would count as a host read
  }
  if (extras.field_grid > 0) {
    WS_TRACE("field signatures");
    const int64_t f = extras.field_grid, K = 4 * f * f * f;
    Tensor host = Tensor::empty({G, K});
    for (size_t first : distinct) {  // one field batch per architecture; rows back in graph order
      const GraphTemplate* t = templates[first];
      std::vector<int64_t> rows;
      std::vector<const float*> ps;
      for (int64_t g = 0; g < G; ++g)
        if (templates[size_t(g)] == t) {
          rows.push_back(g);
          ps.push_back(params[size_t(g)]);
        }
      const Tensor sig = field_signature(t->arch, ps, extras.field_grid, Device::cpu());  // [rows, K]
      for (size_t i = 0; i < rows.size(); ++i)
        host.slice_rows(rows[i], rows[i] + 1).copy_from(sig.slice_rows(int64_t(i), int64_t(i) + 1));
    }
    b.field_signature = d.is_cpu() ? host : host.to(d);
  }
  return b;
}
}  // namespace

GraphBatch make_graph_batch(const std::vector<const GraphTemplate*>& templates,
                            const std::vector<const float*>& params, Device d, const GraphExtras& extras) {
  return assemble(templates, params, nullptr, d, extras);
}

GraphBatch make_graph_batch(const std::vector<const GraphTemplate*>& templates, const std::vector<const float*>& params,
                            const std::vector<const float*>& references, Device d, const GraphExtras& extras) {
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
  return assemble(ts, ps, &reference_of, d, extras);
}

}  // namespace ws
