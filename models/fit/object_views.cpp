#include "models/fit/object_views.h"

#include <filesystem>

#include "data/image.h"
#include "core/error.h"

namespace ws {

namespace fs = std::filesystem;

Ray ObjectViews::ray(int64_t p) const {
  const int64_t per_view = int64_t(width) * height, v = p / per_view, q = p - v * per_view;
  return pixel_ray(cameras[size_t(v)], int(q % width), int(q / width));
}

std::string view_image_path(const std::string& dir, const std::string& file_path) {
  fs::path p = (fs::path(dir) / file_path).lexically_normal();
  if (p.has_extension() && fs::exists(p)) return p.string();
  return p.string() + ".png";
}

ObjectViews load_object_views(const std::string& dir, ViewSet which) {
  const std::string tf = (fs::path(dir) / "transforms_train.json").string();
  WS_CHECK(fs::exists(tf), tf, ": missing (not an object folder?)");
  Transforms t = read_transforms(tf);
  ObjectViews o;
  o.dir = dir;
  for (int i = 0; i < int(t.frames.size()); ++i) {
    if (is_heldout_view(i) != (which == ViewSet::HeldOut)) continue;
    const std::string path = view_image_path(dir, t.frames[size_t(i)].file_path);
    WS_CHECK(fs::exists(path), path, ": missing view ", i, " listed in ", tf);
    Image img = load_image(path);
    if (o.frames.empty()) {
      o.width = img.width;
      o.height = img.height;
    }
    WS_CHECK(img.width == o.width && img.height == o.height, path, ": ", img.width, "x", img.height,
             " px, but the object's first view is ", o.width, "x", o.height);
    o.frames.push_back(i);
    o.cameras.push_back(make_camera(t.frames[size_t(i)].transform_matrix, t.camera_angle_x, o.width, o.height));
    o.rgba.insert(o.rgba.end(), img.rgba.begin(), img.rgba.end());
  }
  WS_CHECK(!o.frames.empty(), tf, ": ", t.frames.size(), " frames, none of them ",
           which == ViewSet::HeldOut ? "held out (frame i with i % 6 == 0)" : "for fitting (frame i with i % 6 != 0)");
  return o;
}

}  // namespace ws
