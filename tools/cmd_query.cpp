// wsnerf query: NeRF files -> their nearest NeRFs in a gallery of embeddings (models/eval/query.h).
#include <chrono>
#include <cstdio>

#include "models/eval/query.h"
#include "models/gmn/checkpoint.h"
#include "models/gmn/embed.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The gallery must come from an encoder that makes the same vectors as `encoder`:
// another dimension, or a recorded configuration that differs, is an error naming both.
// With a baseline (flat weights, field) the gallery must come from the same baseline (a
// flat-weights gallery's architecture is checked against the queries' once they are read).
void check_gallery_matches(const EmbeddingSet& gallery, const std::string& gallery_path, const std::string& encoder) {
  auto made_by = gallery.info.find("encoder");
  const std::string made = made_by != gallery.info.end() ? made_by->second : "";
  auto baseline = [](const std::string& e) { return e == kFlatWeightsEncoder || e == kFieldEncoder; };
  if (baseline(encoder) || baseline(made)) {
    WS_CHECK(encoder == made, "wsnerf query: the gallery ", gallery_path,
             baseline(made) ? str_cat(" was made by embed --encoder ", made, ": query it with --encoder ", made)
                            : str_cat(" was embedded by an encoder checkpoint: --encoder ", encoder,
                                      " needs a gallery from wsnerf embed --encoder ", encoder));
    return;
  }
  const GmnConfig cfg = read_encoder_config(encoder);
  WS_CHECK(gallery.dim() == cfg.out_dim, "wsnerf query: the encoder ", encoder, " makes ", cfg.out_dim,
           "-dimensional embeddings, the gallery ", gallery_path, " holds ", gallery.dim(),
           "-dimensional ones (embed the gallery with this encoder: wsnerf embed)");
  auto it = gallery.info.find("encoder_config");
  WS_CHECK(it == gallery.info.end() || it->second == cfg.to_json().dump(), "wsnerf query: the gallery ", gallery_path,
           " was embedded by an encoder configured ", it->second, ", the encoder ", encoder, " is configured ",
           cfg.to_json().dump());
}
}  // namespace

int cmd_query(int argc, char** argv) {
  Args args("query",
            "Embeds NeRF files of any architecture (built-in or a JSON spec) and prints, for each, the k most\n"
            "similar NeRFs of a gallery (an embeddings file of wsnerf embed, made with the same encoder): object,\n"
            "class, architecture and cosine. The cosine is taken after centring each gallery architecture on its\n"
            "gallery mean, and the query on the gallery mean of its own architecture, or, for an architecture the\n"
            "gallery lacks, on the gallery architecture mean nearest to it: one query NeRF gets the same answer\n"
            "alone or among others (README, \"wsnerf query\").",
            {{"--encoder", "CKPT", "encoder checkpoint (RUN/best.safetensors); or a baseline with a gallery of its own: "
                                   "'weights' (embed --encoder weights; one architecture) or 'field' (embed --encoder "
                                   "field)", "", true},
             {"--nerf", "F,DIR,..", "query NeRF files or folders (comma-separated)", "", true},
             {"--gallery", "EMB", "embeddings file to search (wsnerf embed)", "", true},
             {"--k", "N", "neighbours per query", "10"},
             {"--archs", "A,B,..", "answer only with gallery NeRFs of these architectures (default: all)"},
             {"--centre", "MODE", "gallery: centre on the gallery's per-architecture means (above); none: raw cosine",
              "gallery"},
             {"--json", "", "print the answers as JSON"},
             {"--out", "PNG", "also draw the answers as a sheet of thumbnails"},
             {"--thumbnails", "T", "sheet tiles: nerfs (each NeRF rendered from its file) or names (the class)",
              "nerfs"},
             {"--batch", "N", "query NeRFs per encoder batch", "8"},
             kDeviceOption});
  if (!args.parse(argc, argv)) return 0;
  const auto start = std::chrono::steady_clock::now();
  // Every option checked before any work.
  const int k = args.i32("--k", 1), batch = args.i32("--batch", 1);
  const QueryCentring centring = parse_enum(args.str("--centre"), query_centring_names(), "wsnerf query: --centre");
  const std::string tiles = args.str("--thumbnails");
  WS_CHECK(tiles == "nerfs" || tiles == "names", "wsnerf query: --thumbnails must be nerfs or names, got '", tiles, "'");
  const Device d = parse_device(args.str("--device"));
  const std::string encoder = args.str("--encoder"), gallery_path = args.str("--gallery");

  const EmbeddingSet gallery_set = load_embeddings(gallery_path);
  check_gallery_matches(gallery_set, gallery_path, encoder);
  const QueryGallery gallery(gallery_set, centring, split_list(args.str("--archs")), gallery_path);
  const std::vector<NerfEntry> nerfs = list_nerf_files(split_list(args.str("--nerf")));
  WS_CHECK(!nerfs.empty(), "wsnerf query: no NeRF files (*.safetensors) in --nerf ", args.str("--nerf"));
  const double load_s = seconds_since(start);

  const auto embed_start = std::chrono::steady_clock::now();
  const EmbeddingSet queries = embed_nerfs(encoder, nerfs, d, batch);
  if (encoder == kFlatWeightsEncoder)  // embed_flat_weights made the queries one architecture; the gallery must match
    WS_CHECK(queries.rows.front().arch == gallery_set.rows.front().arch, "wsnerf query: ", nerfs.front().path, " is a ",
             queries.rows.front().arch, " NeRF, the flat-weights gallery ", gallery_path, " holds ",
             gallery_set.rows.front().arch, " ones: flat weights compare only within one architecture");
  const double embed_s = seconds_since(embed_start);
  const auto search_start = std::chrono::steady_clock::now();
  const std::vector<QueryAnswer> answers = answer_queries(gallery, queries, k);
  const double search_s = seconds_since(search_start);

  if (args.flag("--json"))
    std::printf("%s\n", query_json(gallery, answers, k, gallery_path).dump(2).c_str());
  else
    std::printf("%s", format_query_answers(gallery, answers).c_str());
  if (args.has("--out")) {
    save_png(args.str("--out"), query_sheet(gallery, queries, answers, [&](const EmbeddingSet& s) {
               return tiles == "nerfs" ? nerf_render_thumbnails(s) : placeholder_thumbnails(s);
             }));
    std::fprintf(stderr, "query: sheet %s\n", args.str("--out").c_str());
  }
  // Timings on stderr, so the answers on stdout stay the same from run to run.
  std::fprintf(stderr,
               "query: %zu NeRF%s against %lld gallery rows: %.3f s in all (gallery and NeRF list %.3f s, "
               "embedding %.3f s, search %.4f s)\n",
               nerfs.size(), nerfs.size() == 1 ? "" : "s", (long long)gallery.candidates(), seconds_since(start),
               load_s, embed_s, search_s);
  return 0;
}

}  // namespace ws::cli
