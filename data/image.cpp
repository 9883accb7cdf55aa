#include "data/image.h"

#ifdef WS_STB_IMPLEMENTATION  // only when CMake found no libstb.so to link
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#endif
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <climits>

#include "engine/io.h"
#include "engine/error.h"

namespace ws {

Image decode_image(const unsigned char* bytes, size_t size, const std::string& name) {
  WS_CHECK(size <= size_t(INT_MAX), name, ": image file too large (", size, " bytes)");
  int w = 0, h = 0, channels = 0;
  unsigned char* px = stbi_load_from_memory(bytes, int(size), &w, &h, &channels, 4);
  if (!px) {
    const char* why = stbi_failure_reason();
    fail(str_cat(name, ": cannot decode image (", why ? why : "unknown reason", ")"));
  }
  Image img(w, h);
  std::copy(px, px + img.rgba.size(), img.rgba.begin());
  stbi_image_free(px);
  return img;
}

Image load_image(const std::string& path) {
  std::string bytes = read_file(path);
  return decode_image(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), path);
}

std::vector<unsigned char> encode_png(const Image& img) {
  WS_CHECK(img.width > 0 && img.height > 0 && img.rgba.size() == size_t(img.width) * img.height * 4,
           "encode_png: bad image ", img.width, "x", img.height, " with ", img.rgba.size(), " bytes");
  std::vector<unsigned char> out;
  auto append = [](void* ctx, void* data, int size) {
    auto* v = static_cast<std::vector<unsigned char>*>(ctx);
    v->insert(v->end(), static_cast<unsigned char*>(data), static_cast<unsigned char*>(data) + size);
  };
  int ok = stbi_write_png_to_func(append, &out, img.width, img.height, 4, img.rgba.data(), img.width * 4);
  WS_CHECK(ok, "encode_png: stb failed on a ", img.width, "x", img.height, " image");
  return out;
}

void save_png(const std::string& path, const Image& img) {
  std::vector<unsigned char> png = encode_png(img);
  write_file_atomic(path, std::string(png.begin(), png.end()));
}

}  // namespace ws
