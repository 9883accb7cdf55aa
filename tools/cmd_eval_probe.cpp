// wsnerf eval-probe: the training probes (models/eval/probes.h) of an embeddings file.
#include <cstdio>

#include "models/eval/probes.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_eval_probe(int argc, char** argv) {
  Args args("eval-probe",
            "The probes `wsnerf train` logs, for one split of an embeddings file: per architecture the objects'\n"
            "share of the embedding (raw, and about the split's mean), leave-one-out 1-NN class accuracy within\n"
            "the architecture, and cross-architecture instance recall@1 raw and centred with its chance level.",
            {{"--embeddings", "FILE", "embeddings file (wsnerf embed)", "", true},
             {"--split", "S", "train, val or test", "test"},
             {"--json", "", "print JSON instead of lines"}});
  if (!args.parse(argc, argv)) return 0;
  EmbeddingSet all = load_embeddings(args.str("--embeddings")), set;
  const std::vector<int64_t> rows = all.select(args.str("--split"));
  WS_CHECK(!rows.empty(), args.str("--embeddings"), ": no '", args.str("--split"), "' rows");
  set.embeddings = Tensor::empty({int64_t(rows.size()), all.dim()});
  for (size_t i = 0; i < rows.size(); ++i) {
    set.embeddings.slice_rows(int64_t(i), int64_t(i) + 1).copy_from(all.embeddings.slice_rows(rows[i], rows[i] + 1));
    set.rows.push_back(all.rows[size_t(rows[i])]);
  }
  const ProbeReport p = embedding_probes(set);
  if (args.flag("--json")) {
    std::printf("%s\n", p.to_json().dump(2).c_str());
    return 0;
  }
  std::printf("%s: %lld '%s' rows\n%-10s %12s %12s %8s\n", args.str("--embeddings").c_str(), (long long)p.rows,
              args.str("--split").c_str(), "arch", "obj raw", "obj centred", "1-NN");
  for (const std::string& a : p.archs) {
    const auto& nn = p.nn_class.at(a);
    std::printf("%-10s %12.3e %12.3e %8s\n", a.c_str(), p.obj_frac_raw.at(a), p.obj_frac_centred.at(a),
                nn ? str_cat(int(std::lround(100 * *nn)), "%").c_str() : "-");
  }
  std::printf("cross-architecture R@1: raw %.3f, centred %.3f, chance %.3f\n", p.recall1_raw, p.recall1_centred,
              p.recall1_chance);
  return 0;
}

}  // namespace ws::cli
