// wsnerf eval-classify: the classification table (docs/design.md §8.3, the paper's Tables 3-4).
#include <cstdio>

#include "models/eval/classification.h"
#include "models/eval/eval_sets.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/stages.h"

namespace ws::cli {

namespace {
// --preset, else the preset the embeddings file records, else the paper's classifier
// (the --set overrides go on top, at the caller).
Preset classify_preset(const Args& args, const EmbeddingSet& set) {
  if (args.has("--preset")) return load_preset(args.str("--preset"));
  auto it = set.info.find("preset");
  if (it != set.info.end()) {
    try {
      return load_preset(it->second);
    } catch (const Error&) {
      std::fprintf(stderr, "eval-classify: the embeddings' preset '%s' is not at hand; using 'paper'\n",
                   it->second.c_str());
    }
  }
  return load_preset("paper");
}
}  // namespace

int cmd_eval_classify(int argc, char** argv) {
  Args args("eval-classify",
            "Trains the embedding classifier on train embeddings of ALL training architectures (MLP+TRI+HASH) and of\n"
            "each alone (validated on the same architectures' val embeddings, best validation accuracy kept) and\n"
            "tests each on the test embeddings of every architecture present, unseen ones included.",
            {{"--embeddings", "FILE", "embeddings file (wsnerf embed)", "", true},
             {"--preset", "P", "preset whose 'classify' section sets the training (default: the one the file "
                               "records, else paper)"},
             kSetOption,
             {"--seeds", "S,..", "classifier seeds: each train set is trained once per seed and the table gives "
                                 "mean +- sd (default: the preset's classify.seeds, else its classify.seed)"},
             {"--train-sets", "T,..", "which classifiers to train: ALL and/or training architectures (default all)"},
             kDeviceOption,
             kCentreOption,
             {"--json", "", "print the results as JSON instead of a table"},
             {"--out", "DIR", "also write DIR/classification.json (DIR/classification_raw.json with --centre none)"}});
  if (!args.parse(argc, argv)) return 0;
  const std::string path = args.str("--embeddings");
  const Centring centring = parse_centring(args.str("--centre"), "--centre");
  Preset preset = with_overrides(classify_preset(args, load_embeddings(path)), args);
  ClassificationOptions opt = ClassificationOptions::from_preset(preset);
  if (args.has("--seeds")) {
    opt.seeds.clear();
    for (const std::string& v : split_list(args.str("--seeds"))) opt.seeds.push_back(parse_seed("eval-classify --seeds", v));
  }
  if (args.has("--train-sets")) opt.train_sets = split_list(args.str("--train-sets"));
  ClassificationResult r = classify_stage(path, centring, preset, opt, parse_device(args.str("--device")), true);
  if (args.has("--out")) write_json_file(args.str("--out") + "/" + classification_file(centring), r.json);
  if (args.flag("--json")) std::printf("%s\n", r.json.dump(2).c_str());
  else std::printf("%s", format_classification_table(r.table).c_str());
  return 0;
}

}  // namespace ws::cli
