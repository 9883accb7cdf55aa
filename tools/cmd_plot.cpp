// wsnerf plot: the t-SNE picture of the embeddings and a retrieval sheet, as PNGs.
#include <cstdio>
#include <memory>

#include "data/embeddings.h"
#include "models/eval/eval_sets.h"
#include "models/eval/figures.h"
#include "models/train/learning_curves.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/stages.h"

namespace ws::cli {

int cmd_plot(int argc, char** argv) {
  Args args("plot",
            "With --embeddings: writes DIR/tsne.png (exact t-SNE of the split's embeddings: colour = class, marker =\n"
            "architecture) and DIR/retrieval.png (queries and their nearest NeRFs of other architectures, green =\n"
            "same object). Thumbnails (--thumbnails): each NeRF rendered from its file, the objects' first views from\n"
            "--data (objects/<class>/<id>/train/00.png), or the class name.\n"
            "With --log RUN[,RUN...]: writes DIR/learning_curves.png, the runs' losses, validation metric and\n"
            "probes (recall@1, 1-NN class accuracy, the objects' share of the embedding) against the step.",
            {{"--embeddings", "FILE", "embeddings file (wsnerf embed)"},
             {"--log", "RUN,..", "training run folders (their log.jsonl) to draw learning curves of"},
             {"--out", "DIR", "folder for the PNGs", "", true},
             {"--data", "DIR", "the dataset the NeRFs were fitted on (for thumbnails)"},
             {"--thumbnails", "T", "retrieval sheet tiles: nerfs (each NeRF rendered, as the demo draws them), views "
                                   "(needs --data) or names (default: views with --data, else names)"},
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
  const std::string tiles = args.has("--thumbnails") ? args.str("--thumbnails") : args.has("--data") ? "views" : "names";
  WS_CHECK(tiles == "nerfs" || tiles == "views" || tiles == "names",
           "wsnerf plot: --thumbnails must be nerfs, views or names, got '", tiles, "'");
  WS_CHECK(tiles != "views" || args.has("--data"), "wsnerf plot: --thumbnails views needs --data");
  if (args.has("--log")) {
    save_png(out + "/learning_curves.png", learning_curves_figure(split_list(args.str("--log"))));
    std::printf("plot: %s/learning_curves.png\n", out.c_str());
    return 0;
  }
  EmbeddingSet set = load_embeddings(args.str("--embeddings"));
  apply_centring(set, parse_centring(args.str("--centre"), "--centre"));
  const ThumbnailFn thumbnails = tiles == "nerfs"   ? nerf_render_thumbnails(set)
                                 : tiles == "views" ? dataset_view_thumbnails(set, args.str("--data"))
                                                    : placeholder_thumbnails(set);
  PlotOptions opt;
  opt.split = split;
  opt.queries = queries;
  opt.k = k;
  opt.tsne.perplexity = perplexity;
  opt.tsne.iterations = iterations;
  opt.tsne.seed = seed;
  plot_stage(set, opt, thumbnails, out);
  std::printf("plot: %s/tsne.png, %s/retrieval.png\n", out.c_str(), out.c_str());
  return 0;
}

}  // namespace ws::cli
