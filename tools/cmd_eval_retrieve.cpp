// wsnerf eval-retrieve: instance-level retrieval across architectures (docs/design.md §8.4, the paper's Table 6).
#include <cstdio>

#include "models/eval/retrieval.h"
#include "models/eval/eval_sets.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/stages.h"

namespace ws::cli {

int cmd_eval_retrieve(int argc, char** argv) {
  Args args("eval-retrieve",
            "Cross-architecture retrieval on one split: each NeRF of architecture Q queries the NeRFs of architecture\n"
            "G != Q by cosine similarity; recall@k is the fraction of queries whose object is among the k nearest.\n"
            "Rows: ALL/ALL (every NeRF against every other NeRF of the split) and every ordered pair of distinct\n"
            "architectures present; beside them, the recall a random ranking gets on average (chance level).",
            {{"--embeddings", "FILE", "embeddings file (wsnerf embed)", "", true},
             {"--split", "S", "train, val or test", "test"},
             {"--k", "K,...", "the k of recall@k", "1,5,10"},
             kCentreOption,
             kDeviceOption,
             {"--json", "", "print the results as JSON instead of a table"},
             {"--out", "DIR", "also write DIR/retrieval.json (DIR/retrieval_raw.json with --centre none)"}});
  if (!args.parse(argc, argv)) return 0;
  const std::string path = args.str("--embeddings");
  std::vector<int> ks;
  for (const std::string& k : split_list(args.str("--k"))) ks.push_back(int(parse_integer("eval-retrieve: --k", k, 1, INT_MAX)));
  WS_CHECK(!ks.empty(), "wsnerf eval-retrieve: --k is empty");
  const Centring centring = parse_centring(args.str("--centre"), "--centre");
  RetrievalResult r = retrieve_stage(path, centring, args.str("--split"), ks, parse_device(args.str("--device")));
  if (args.has("--out")) write_json_file(args.str("--out") + "/" + retrieval_file(centring), r.json);
  if (args.flag("--json")) std::printf("%s\n", r.json.dump(2).c_str());
  else std::printf("%s", format_retrieval_report(r.report).c_str());
  return 0;
}

}  // namespace ws::cli
