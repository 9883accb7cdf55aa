// The gmn suite of `wsnerf bench`: forward + backward + AdamW of the encoder alone on
// the batch of the PyTorch reference script (torch_reference.py --encoder-only, kept
// outside this repository in ../shared/bench/; docs/design.md §2.9): 8
// paper-architecture graphs as 4 pairs (MLP/TRI, TRI/HASH, MLP/HASH, MLP/TRI), random
// edge values N(0, 0.1^2), loss mean(z^2).
#include "engine/optim.h"
#include "core/rng.h"
#include "engine/trace.h"
#include "models/gmn/encoder.h"
#include "tools/bench.h"

namespace ws::bench {

GmnConfig gmn_preset(const std::string& preset) {
  // hidden and readout widths of the reference's PRESETS table
  if (preset == "tiny") return {32, 4, 128};
  if (preset == "cpu") return {64, 4, 256};
  if (preset == "paper") return {128, 4, 1024};
  fail(str_cat("unknown bench preset '", preset, "' (tiny, cpu or paper)"));
}

GraphBatch reference_batch(Device d, int pairs) {
  const char* order[4][2] = {{"MLP", "TRI"}, {"TRI", "HASH"}, {"MLP", "HASH"}, {"MLP", "TRI"}};
  std::vector<const GraphTemplate*> templates;
  std::vector<std::vector<float>> values;
  Rng rng(0);
  for (int i = 0; i < pairs; ++i)
    for (const char* arch : order[i % 4]) {
      templates.push_back(&graph_template(find_arch(arch)));
      std::vector<float> v(size_t(templates.back()->edges));
      for (float& x : v) x = 0.1f * rng.normal();
      values.push_back(std::move(v));
    }
  std::vector<const float*> ptrs;
  for (auto& v : values) ptrs.push_back(v.data());
  return make_graph_batch(templates, ptrs, d);
}

nlohmann::json gmn_suite(Device d, const std::string& preset, bool profile) {
  GmnConfig cfg = gmn_preset(preset);
  GraphBatch batch = reference_batch(d, 4);
  ParamSet ps;
  GmnEncoder enc(cfg, ps);
  ps.materialize(d);
  enc.init(0);
  Adam opt(ps, AdamConfig::adamw());
  auto step = [&] {
    ps.zero_grad();
    Var z = enc.forward(batch);
    backward(mean(square(z)));
    WS_PHASE("optimizer");
    opt.step(1e-4f);
  };
  Timing t = time_it(step, d, 3, 1.0, 10);
  nlohmann::json out = {{"preset", preset},        {"hidden", cfg.hidden},      {"out_dim", cfg.out_dim},
          {"graphs", batch.graphs},  {"nodes", batch.nodes},      {"edges", batch.edges},
          {"parameters", ps.numel()}, {"ms_per_step", to_json(t)["median_ms"]}, {"timing", to_json(t)}};
  if (profile) out["profile"] = profile_it(step, d, 3);
  return out;
}

}  // namespace ws::bench
