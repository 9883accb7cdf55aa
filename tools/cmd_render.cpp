// wsnerf render: images of a fitted NeRF file (one camera, or a turntable strip).
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "data/image.h"
#include "models/fit/object_views.h"
#include "models/render/render_image.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace ws::cli {

namespace {
constexpr double kTurntableElevationDeg = 25.0;

// N cameras around the object at the rig's distance, azimuths 360/N degrees apart.
std::vector<PinholeCamera> turntable(int n, int size) {
  std::vector<PinholeCamera> cams;
  const double d = rig_distance(), el = kTurntableElevationDeg * M_PI / 180.0;
  for (int k = 0; k < n; ++k) {
    const double az = 2.0 * M_PI * k / n;
    Mat4 c2w = look_at({d * std::cos(el) * std::cos(az), d * std::cos(el) * std::sin(az), d * std::sin(el)}, {0, 0, 0});
    cams.push_back(make_camera(c2w, kCameraAngleX, size, size));
  }
  return cams;
}

// Images side by side, left to right.
Image strip(const std::vector<Image>& images) {
  int w = 0, h = images[0].height;
  for (const Image& im : images) w += im.width;
  Image out(w, h);
  int x0 = 0;
  for (const Image& im : images) {
    for (int y = 0; y < im.height; ++y)
      std::copy(im.at(0, y), im.at(0, y) + 4 * im.width, out.at(x0, y));
    x0 += im.width;
  }
  return out;
}
}  // namespace

int cmd_render(int argc, char** argv) {
  Args args("render",
            "Renders a NeRF file with its occupancy grid and render_step to an RGBA PNG: a view of the standard\n"
            "36-view rig (--view), a frame of a transforms file (--transforms, --frame), or a turntable strip of\n"
            "N views side by side. --background white/black gives opaque images; transparent keeps straight\n"
            "colour with alpha = opacity.",
            {{"--nerf", "FILE", "NeRF file (.safetensors)", "", true},
             {"--out", "FILE", "PNG to write", "", true},
             {"--view", "N", "view N of the 36-view rig", "0"},
             {"--transforms", "FILE", "a transforms_*.json file instead of the rig"},
             {"--frame", "N", "frame of --transforms", "0"},
             {"--size", "PX", "image width and height (default: the frame's image size with --transforms, else 64)"},
             {"--background", "BG", "white, black or transparent", "transparent"},
             {"--turntable", "N", "N views around the object, side by side"},
             kDeviceOption});
  if (!args.parse(argc, argv)) return 0;
  NerfFile nerf = load_nerf(args.str("--nerf"));
  const Background bg = parse_background(args.str("--background"));
  const Device d = parse_device(args.str("--device"));
  int size = args.has("--size") ? args.i32("--size", 1, 8192) : 64;

  std::vector<PinholeCamera> cams;
  if (args.has("--turntable")) {
    WS_CHECK(!args.has("--view") && !args.has("--transforms"), "--turntable replaces --view and --transforms");
    const int n = args.i32("--turntable", 1, 360);
    cams = turntable(n, size);
  } else if (args.has("--transforms")) {
    WS_CHECK(!args.has("--view"), "give --view or --transforms, not both");
    const std::string path = args.str("--transforms");
    Transforms t = read_transforms(path);
    const int64_t frame = args.i64("--frame");
    WS_CHECK(frame >= 0 && frame < int64_t(t.frames.size()), path, ": no frame ", frame, " (", t.frames.size(),
             " frames)");
    int w = size, h = size;
    if (!args.has("--size")) {  // the frame's own image size, when its image is there
      const std::string img = view_image_path(std::filesystem::path(path).parent_path().string(),
                                              t.frames[size_t(frame)].file_path);
      if (std::filesystem::exists(img)) {
        Image view = load_image(img);
        w = view.width, h = view.height;
      }
    }
    cams.push_back(make_camera(t.frames[size_t(frame)].transform_matrix, t.camera_angle_x, w, h));
  } else {
    const int64_t view = args.i64("--view");
    WS_CHECK(view >= 0 && view < kRigViews, "--view: ", view, " is outside the rig's views [0, ", kRigViews, ")");
    cams.push_back(make_camera(rig_poses()[size_t(view)], kCameraAngleX, size, size));
  }
  std::vector<Image> images = render_images(nerf, cams, bg, d);
  Image out = images.size() == 1 ? images[0] : strip(images);
  save_png(args.str("--out"), out);
  std::printf("render: %s (%s, %s/%s) -> %s (%dx%d)\n", args.str("--nerf").c_str(), nerf.arch.name.c_str(),
              nerf.cls.c_str(), nerf.object.c_str(), args.str("--out").c_str(), out.width, out.height);
  return 0;
}

}  // namespace ws::cli
