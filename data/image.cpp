#include "data/image.h"

#ifdef WS_STB_IMPLEMENTATION  // only when CMake found no libstb.so to link
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#endif
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <climits>
#include <cstdint>

#include "data/crc32.h"
#include "engine/io.h"
#include "core/error.h"

namespace ws {
namespace {

uint32_t big_endian32(const unsigned char* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// stb_image checks no chunk checksums: a damaged or cut PNG can decode to wrong pixels.
// Walks the chunks after the signature up to IEND, checking each length and CRC.
void check_png_chunks(const unsigned char* bytes, size_t size, const std::string& name) {
  size_t at = 8;
  while (true) {
    WS_CHECK(size - at >= 12, name, ": PNG ends inside a chunk header at byte ", at, " (truncated file?)");
    const uint32_t length = big_endian32(bytes + at);
    const std::string type(reinterpret_cast<const char*>(bytes + at + 4), 4);
    WS_CHECK(length <= size - at - 12, name, ": PNG chunk '", type, "' at byte ", at, " runs past the end (",
             length, " bytes of data; truncated file?)");
    const uint32_t want = big_endian32(bytes + at + 8 + length);
    WS_CHECK(crc32(bytes + at + 4, size_t(length) + 4) == want, name, ": PNG chunk '", type, "' at byte ", at,
             " fails its CRC check (damaged file)");
    at += 12 + size_t(length);
    if (type == "IEND") return;
  }
}

}  // namespace

Image decode_image(const unsigned char* bytes, size_t size, const std::string& name) {
  WS_CHECK(size <= size_t(INT_MAX), name, ": image file too large (", size, " bytes)");
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (size >= 8 && std::equal(kSignature, kSignature + 8, bytes)) check_png_chunks(bytes, size, name);
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
