// The evaluation pictures (`wsnerf plot`): a t-SNE scatter of the test embeddings
// (colour = class, marker = architecture) and a retrieval sheet (a query's thumbnail,
// then its nearest NeRFs of other architectures framed green for the same object, red
// otherwise). Thumbnails come from a function of the row, so a renderer of the NeRFs
// themselves can replace the dataset's views.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "data/embeddings.h"
#include "data/image.h"
#include "models/eval/retrieval.h"
#include "models/eval/tsne.h"

namespace ws {

using ThumbnailFn = std::function<Image(int64_t row)>;
// The object's first training view, <data_root>/objects/<class>/<id>/train/00.png; a
// missing file is an error naming it.
ThumbnailFn dataset_view_thumbnails(const EmbeddingSet& set, const std::string& data_root);
// A light tile in the class's colour with the class name: when no dataset is at hand.
ThumbnailFn placeholder_thumbnails(const EmbeddingSet& set);
// The NeRF of each row (its file) rendered from rig view 1 at size x size on white: what
// the retrieval sheet shows is then what each embedded NeRF holds.
ThumbnailFn nerf_render_thumbnails(const EmbeddingSet& set, int size = 96);

struct ScatterFigure {
  std::vector<float> xy;          // [n, 2]
  std::vector<int> color, marker; // per point: index into color_names / marker_names
  std::vector<std::string> color_names, marker_names;
  std::string title;
};
// A square plot of plot_px pixels (equal scales on both axes) with a legend on the right.
Image scatter_figure(const ScatterFigure& f, int plot_px = 800);

// t-SNE of the split's embeddings as a scatter: colour = class, marker = architecture.
// Fails when the split has fewer than 2 rows.
Image tsne_figure(const EmbeddingSet& set, const std::string& split, const TsneOptions& opt = {},
                  const TsneProgressFn& progress = nullptr);

// Retrieval sheet geometry. A tile is the thumbnail in a frame `border` wide over
// `label_lines` lines of text (12 px each); with k the most neighbours of any example:
//   width  = pad + (1 + k) * (thumb + 2 border + pad) + pad   (a gap after the query)
//   height = title + rows * (thumb + 2 border + 12 label_lines + pad) + pad
struct RetrievalSheetLayout {
  int thumb = 96, border = 3, pad = 12, label_lines = 3, title = 28;
  std::string heading = "query (blue) and its nearest NeRFs of other architectures: green = same object, red = another";
  int width(int k) const { return pad + (1 + k) * (thumb + 2 * border + pad) + pad; }
  int height(int rows) const { return title + rows * (thumb + 2 * border + 12 * label_lines + pad) + pad; }
};
Image retrieval_figure(const EmbeddingSet& set, const std::vector<RetrievalExample>& examples,
                       const ThumbnailFn& thumbnail, const RetrievalSheetLayout& layout = {});

}  // namespace ws
