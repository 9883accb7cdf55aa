#include "models/gmn/embed.h"

#include <algorithm>

#include "models/gmn/checkpoint.h"
#include "models/gmn/reference.h"
#include "models/graph/graph_batch.h"
#include "models/nerf/field_signature.h"
#include "models/nerf/nerf_file.h"

namespace ws {

namespace {
// A row's labels: the listing's where it has them, else the file's.
EmbeddingRow row_of(const NerfEntry& e, const NerfFile& f) {
  return {e.object, !e.cls.empty() ? e.cls : f.cls, e.arch.empty() ? f.arch.name : e.arch, e.split, e.path};
}
}  // namespace

EmbeddingSet embed_nerfs(const std::string& encoder, const std::vector<NerfEntry>& nerfs, Device d, int batch,
                         const std::function<void(int64_t, int64_t)>& progress) {
  if (encoder == kFlatWeightsEncoder) return embed_flat_weights(nerfs, progress);
  if (encoder == kFieldEncoder) return embed_field_signature(nerfs, d, batch, kFieldSignatureGrid, progress);
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
    std::vector<std::shared_ptr<const std::vector<float>>> held;  // this batch's references
    std::vector<const float*> refs;
    std::vector<const GraphTemplate*> ts;
    for (size_t i = first; i < end; ++i) {
      NerfFile f = load_nerf(nerfs[i].path);
      params.push_back(f.flat_params());
      references.input(f, nerfs[i].path, params.back());
      ts.push_back(&graph_template(f.arch));
      if (references.active()) {
        held.push_back(references.of(f, nerfs[i].path));
        refs.push_back(held.back()->data());
      }
      out.rows.push_back(row_of(nerfs[i], f));
    }
    std::vector<const float*> ptrs;
    for (auto& p : params) ptrs.push_back(p.data());
    Tensor z = enc.forward(make_encoder_batch(ts, ptrs, refs, cfg, d)).value().to(Device::cpu());
    out.embeddings.slice_rows(int64_t(first), int64_t(end)).copy_from(z);
    if (progress) progress(int64_t(end), int64_t(nerfs.size()));
  }
  out.info["encoder"] = encoder;
  out.info["encoder_config"] = cfg.to_json().dump();
  return out;
}

EmbeddingSet embed_flat_weights(const std::vector<NerfEntry>& nerfs,
                                const std::function<void(int64_t, int64_t)>& progress) {
  WS_CHECK(!nerfs.empty(), "embed: no NeRF files to embed");
  EmbeddingSet out;
  std::string arch, first_path;
  for (size_t i = 0; i < nerfs.size(); ++i) {
    NerfFile f = load_nerf(nerfs[i].path);
    if (i == 0) {
      arch = f.arch.name;
      first_path = nerfs[i].path;
      out.embeddings = Tensor::empty({int64_t(nerfs.size()), f.arch.total_params()});
    }
    WS_CHECK(f.arch.name == arch, "embed --encoder ", kFlatWeightsEncoder, ": ", nerfs[i].path, " is a ", f.arch.name,
             " NeRF but ", first_path, " is a ", arch,
             " one; flat weights compare only within one architecture (choose one with --archs)");
    const std::vector<float> p = f.flat_params();
    std::copy(p.begin(), p.end(), out.embeddings.f32() + int64_t(i) * out.embeddings.size(1));
    out.rows.push_back(row_of(nerfs[i], f));
    if (progress) progress(int64_t(i) + 1, int64_t(nerfs.size()));
  }
  out.info["encoder"] = kFlatWeightsEncoder;
  return out;
}

EmbeddingSet embed_field_signature(const std::vector<NerfEntry>& nerfs, Device d, int batch, int g,
                                   const std::function<void(int64_t, int64_t)>& progress) {
  WS_CHECK(!nerfs.empty(), "embed: no NeRF files to embed");
  WS_CHECK(batch >= 1, "embed: batch ", batch, " < 1");
  EmbeddingSet out;
  out.embeddings = Tensor::empty({int64_t(nerfs.size()), 4 * int64_t(g) * g * g});
  out.rows.resize(nerfs.size());
  // Consecutive files of one architecture share a batch; a change of architecture ends it.
  std::vector<NerfFile> files;
  size_t first = 0;
  auto flush = [&](size_t end) {
    if (files.empty()) return;
    out.embeddings.slice_rows(int64_t(first), int64_t(end)).copy_from(field_signature(files, g, d));
    files.clear();
    first = end;
    if (progress) progress(int64_t(end), int64_t(nerfs.size()));
  };
  for (size_t i = 0; i < nerfs.size(); ++i) {
    NerfFile f = load_nerf(nerfs[i].path);
    if (!files.empty() && (!f.arch.same_shape(files[0].arch) || int(files.size()) == batch)) flush(i);
    out.rows[i] = row_of(nerfs[i], f);
    files.push_back(std::move(f));
  }
  flush(nerfs.size());
  out.info["encoder"] = kFieldEncoder;
  out.info["field_grid"] = std::to_string(g);
  return out;
}

}  // namespace ws
