// wsnerf plot: the t-SNE picture of the embeddings and a retrieval sheet, as PNGs.
#include <cstdio>
#include <memory>

#include "data/embeddings.h"
#include "engine/progress.h"
#include "models/eval/eval_sets.h"
#include "models/eval/figures.h"
#include "models/train/learning_curves.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

int cmd_plot(int argc, char** argv) {
  Args args("plot",
            "With --embeddings: writes DIR/tsne.png (exact t-SNE of the split's embeddings: colour = class, marker =\n"
            "architecture) and DIR/retrieval.png (queries and their nearest NeRFs of other architectures, green =\n"
            "same object). Thumbnails are the objects' first views from --data (objects/<class>/<id>/train/00.png);\n"
            "without --data, tiles show the class name.\n"
            "With --log RUN[,RUN...]: writes DIR/learning_curves.png, the runs' losses, validation metric and\n"
            "probes (recall@1, 1-NN class accuracy, the objects' share of the embedding) against the step.",
            {{"--embeddings", "FILE", "embeddings file (wsnerf embed)"},
             {"--log", "RUN,..", "training run folders (their log.jsonl) to draw learning curves of"},
             {"--out", "DIR", "folder for the PNGs", "", true},
             {"--data", "DIR", "the dataset the NeRFs were fitted on (for thumbnails)"},
             {"--split", "S", "train, val or test", "test"},
             {"--queries", "N", "rows of the retrieval sheet", "6"},
             {"--k", "K", "neighbours per query", "5"},
             {"--perplexity", "P", "t-SNE perplexity", "30"},
             {"--iterations", "N", "t-SNE iterations", "1000"},
             {"--seed", "S", "t-SNE initial layout", "0"},
             kCentreOption});
  if (!args.parse(argc, argv)) return 0;
  // Every number checked before any work (or any file written).
  const int queries = args.i32("--queries", 1), k = args.i32("--k", 1), iterations = args.i32("--iterations", 1);
  const double perplexity = args.f64("--perplexity");
  WS_CHECK(perplexity > 0, "wsnerf plot: --perplexity must be positive, got ", perplexity);
  const uint64_t seed = args.u64("--seed");
  WS_CHECK(args.has("--embeddings") != args.has("--log"), "wsnerf plot: give --embeddings FILE or --log RUN (one of them)");
  const std::string out = args.str("--out"), split = args.str("--split");
  if (args.has("--log")) {
    save_png(out + "/learning_curves.png", learning_curves_figure(split_list(args.str("--log"))));
    std::printf("plot: %s/learning_curves.png\n", out.c_str());
    return 0;
  }
  EmbeddingSet set = load_embeddings(args.str("--embeddings"));
  apply_centring(set, parse_centring(args.str("--centre"), "--centre"));

  TsneOptions opt;
  opt.perplexity = perplexity;
  opt.iterations = iterations;
  opt.seed = seed;
  {
    Progress bar(opt.iterations, "t-SNE");
    Image img = tsne_figure(set, split, opt, [&](int it, double kl) {
      char note[48];
      std::snprintf(note, sizeof note, "KL %.4f", kl);
      bar.update(it, note);
    });
    bar.finish();
    save_png(out + "/tsne.png", img);
  }
  ThumbnailFn thumbs = args.has("--data") ? dataset_view_thumbnails(set, args.str("--data")) : placeholder_thumbnails(set);
  save_png(out + "/retrieval.png", retrieval_figure(set, retrieval_examples(set, split, queries, k), thumbs));
  std::printf("plot: %s/tsne.png, %s/retrieval.png\n", out.c_str(), out.c_str());
  return 0;
}

}  // namespace ws::cli
