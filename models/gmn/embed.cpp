#include "models/gmn/embed.h"

#include "models/gmn/checkpoint.h"
#include "models/gmn/reference.h"
#include "models/graph/graph_batch.h"
#include "models/nerf/nerf_file.h"

namespace ws {

EmbeddingSet embed_nerfs(const std::string& encoder, const std::vector<NerfEntry>& nerfs, Device d, int batch,
                         const std::function<void(int64_t, int64_t)>& progress) {
  WS_CHECK(!nerfs.empty(), "embed: no NeRF files to embed");
  GmnConfig cfg = read_encoder_config(encoder);
  ParamSet ps;
  GmnEncoder enc(cfg, ps);
  ps.materialize(d);
  Metadata meta = load_encoder(encoder, cfg, ps);
  NoGradGuard ng;
  ReferenceValues references(cfg.reference);
  EmbeddingSet out;
  out.embeddings = Tensor::empty({int64_t(nerfs.size()), cfg.out_dim});
  for (size_t first = 0; first < nerfs.size(); first += size_t(batch)) {
    size_t end = std::min(nerfs.size(), first + size_t(batch));
    std::vector<std::vector<float>> params;
    std::vector<const float*> refs;
    std::vector<const GraphTemplate*> ts;
    for (size_t i = first; i < end; ++i) {
      NerfFile f = load_nerf(nerfs[i].path);
      params.push_back(f.flat_params());
      references.input(f, nerfs[i].path, params.back());
      ts.push_back(&graph_template(f.arch));
      if (references.active()) refs.push_back(references.of(f, nerfs[i].path));
      const NerfEntry& e = nerfs[i];
      std::string cls = !e.cls.empty() ? e.cls : f.cls;
      out.rows.push_back({e.object, cls, e.arch.empty() ? f.arch.name : e.arch, e.split, e.path});
    }
    std::vector<const float*> ptrs;
    for (auto& p : params) ptrs.push_back(p.data());
    Tensor z = enc.forward(make_encoder_batch(ts, ptrs, refs, d)).value().to(Device::cpu());
    out.embeddings.slice_rows(int64_t(first), int64_t(end)).copy_from(z);
    if (progress) progress(int64_t(end), int64_t(nerfs.size()));
  }
  out.info["encoder"] = encoder;
  out.info["encoder_config"] = cfg.to_json().dump();
  return out;
}

}  // namespace ws
