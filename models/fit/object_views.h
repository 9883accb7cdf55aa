// The views of one object folder (transforms_train.json + RGBA PNGs), split into the
// views a NeRF is fitted on and the held-out ones (frame i with i % 6 == 0) that only
// the evaluation after fitting reads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/camera.h"

namespace ws {

inline bool is_heldout_view(int frame) { return frame % kHeldOutEvery == 0; }

enum class ViewSet { Training, HeldOut };

struct ObjectViews {
  std::string dir;
  int width = 0, height = 0;
  std::vector<int> frames;            // frame index in transforms_train.json of each view
  std::vector<PinholeCamera> cameras;  // [V]
  std::vector<uint8_t> rgba;           // [V, H, W, 4] straight colour, as in the PNGs

  int64_t views() const { return int64_t(frames.size()); }
  int64_t pixels() const { return views() * width * height; }
  // Pixel p in [0, pixels()) -> its ray (view p / (W H), then row-major within the view).
  Ray ray(int64_t p) const;
  const uint8_t* pixel(int64_t p) const { return rgba.data() + 4 * p; }
};

// Reads dir/transforms_train.json and the images of the chosen views only. Every problem
// (a missing or unreadable file, malformed JSON, views of different sizes, no view of the
// set) is a ws::Error naming the file.
ObjectViews load_object_views(const std::string& dir, ViewSet which);

// The image file of a frame: file_path as given when it exists, else with ".png".
std::string view_image_path(const std::string& dir, const std::string& file_path);

}  // namespace ws
