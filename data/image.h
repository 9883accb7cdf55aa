// RGBA8 images with straight (not pre-multiplied) alpha, and PNG/JPEG input, PNG output.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ws {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // [height, width, 4], row 0 at the top

  Image() = default;
  Image(int w, int h) : width(w), height(h), rgba(size_t(w) * size_t(h) * 4, 0) {}
  uint8_t* at(int x, int y) { return rgba.data() + (size_t(y) * width + x) * 4; }
  const uint8_t* at(int x, int y) const { return rgba.data() + (size_t(y) * width + x) * 4; }
};

// Any format stb_image reads (PNG, JPEG, BMP, TGA, ...), converted to RGBA8. Errors name
// the file and stb's reason.
Image load_image(const std::string& path);
Image decode_image(const unsigned char* bytes, size_t size, const std::string& name);

// PNG bytes in memory, and an atomic save (temporary file beside `path`, then rename).
std::vector<unsigned char> encode_png(const Image& img);
void save_png(const std::string& path, const Image& img);

}  // namespace ws
