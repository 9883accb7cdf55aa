#include "data/zip_archive.h"

#include <set>

#include "core/error.h"
#include "data/crc32.h"

namespace ws {

namespace {
constexpr uint32_t kEndSig = 0x06054b50, kZip64LocatorSig = 0x07064b50, kZip64EndSig = 0x06064b50;
constexpr uint32_t kCentralSig = 0x02014b50, kLocalSig = 0x04034b50;
constexpr uint64_t kEndSize = 22, kLocatorSize = 20, kZip64EndSize = 56, kCentralSize = 46, kLocalSize = 30;

// Little-endian fields read with their bounds checked: a field past the end is an error
// naming the file and what was being read, never a read out of bounds.
struct Fields {
  const std::string& bytes;
  const std::string& path;

  uint64_t get(uint64_t at, int n, const char* what) const {
    WS_CHECK(at <= bytes.size() && uint64_t(n) <= bytes.size() - at, path, ": truncated zip archive (", what,
             " at byte ", at, " runs past the end, ", bytes.size(), " bytes)");
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | uint8_t(bytes[size_t(at) + size_t(i)]);
    return v;
  }
  uint32_t u32(uint64_t at, const char* what) const { return uint32_t(get(at, 4, what)); }
  uint16_t u16(uint64_t at, const char* what) const { return uint16_t(get(at, 2, what)); }
  uint64_t u64(uint64_t at, const char* what) const { return get(at, 8, what); }
};

struct Directory {
  uint64_t count = 0, offset = 0, size = 0;
};

// The end of central directory record: the last one in the file (its comment may follow).
uint64_t find_end_record(const Fields& f) {
  const std::string& b = f.bytes;
  WS_CHECK(b.size() >= kEndSize, f.path, ": not a zip archive (", b.size(), " bytes, too short)");
  const uint64_t lowest = b.size() > kEndSize + 0xFFFF ? b.size() - kEndSize - 0xFFFF : 0;
  for (uint64_t at = b.size() - kEndSize + 1; at-- > lowest;)
    if (f.u32(at, "end record") == kEndSig && at + kEndSize + f.u16(at + 20, "comment length") == b.size()) return at;
  fail(str_cat(f.path, ": not a zip archive, or a truncated one (no end of central directory record)"));
}

Directory read_directory(const Fields& f) {
  const uint64_t end = find_end_record(f);
  WS_CHECK(f.u16(end + 4, "disk number") == 0 && f.u16(end + 6, "directory disk") == 0, f.path,
           ": multi-disk zip archives are not supported");
  Directory d{f.u16(end + 10, "entry count"), f.u32(end + 16, "directory offset"), f.u32(end + 12, "directory size")};
  // torch.save always writes the Zip64 records; their fields replace the 16/32-bit ones.
  if (end >= kLocatorSize && f.u32(end - kLocatorSize, "Zip64 locator") == kZip64LocatorSig) {
    const uint64_t rec = f.u64(end - kLocatorSize + 8, "Zip64 end record offset");
    WS_CHECK(end - kLocatorSize >= kZip64EndSize && rec <= end - kLocatorSize - kZip64EndSize, f.path, ": Zip64 end record offset ", rec,
             " points past the locator");
    WS_CHECK(f.u32(rec, "Zip64 end record") == kZip64EndSig, f.path, ": no Zip64 end record at byte ", rec);
    d.count = f.u64(rec + 32, "Zip64 entry count");
    d.size = f.u64(rec + 40, "Zip64 directory size");
    d.offset = f.u64(rec + 48, "Zip64 directory offset");
  }
  WS_CHECK(d.offset <= f.bytes.size() && d.size <= f.bytes.size() - d.offset, f.path, ": central directory (",
           d.size, " bytes at ", d.offset, ") lies outside the ", f.bytes.size(), "-byte file (truncated?)");
  WS_CHECK(d.count <= d.size / kCentralSize, f.path, ": ", d.count, " entries cannot fit a ", d.size,
           "-byte central directory");
  return d;
}

// Sizes and offset a central header marks 0xFFFFFFFF are in its Zip64 extra field (id 1).
void apply_zip64_extra(const Fields& f, uint64_t extra, uint64_t extra_len, uint64_t& size, uint64_t& csize,
                       uint64_t& offset, const std::string& name) {
  for (uint64_t at = extra; at + 4 <= extra + extra_len;) {
    const uint16_t id = f.u16(at, "extra field id"), len = f.u16(at + 2, "extra field length");
    WS_CHECK(at + 4 + len <= extra + extra_len, f.path, ": entry '", name, "': extra field runs past its header");
    if (id == 1) {
      uint64_t p = at + 4;
      for (uint64_t* v : {&size, &csize, &offset}) {
        if (*v != 0xFFFFFFFFu) continue;
        WS_CHECK(p + 8 <= at + 4 + len, f.path, ": entry '", name, "': Zip64 extra field too short");
        *v = f.u64(p, "Zip64 extra field");
        p += 8;
      }
      return;
    }
    at += 4 + len;
  }
  WS_CHECK(size != 0xFFFFFFFFu && csize != 0xFFFFFFFFu && offset != 0xFFFFFFFFu, f.path, ": entry '", name,
           "': Zip64 sizes without a Zip64 extra field");
}
}  // namespace

ZipArchive::ZipArchive(std::string bytes, std::string path) : bytes_(std::move(bytes)), path_(std::move(path)) {
  const Fields f{bytes_, path_};
  const Directory d = read_directory(f);
  std::set<std::string> names;
  uint64_t at = d.offset;
  for (uint64_t i = 0; i < d.count; ++i) {
    WS_CHECK(f.u32(at, "central header") == kCentralSig, path_, ": central directory entry ", i, " at byte ", at,
             " has no header signature (damaged archive)");
    const uint16_t flags = f.u16(at + 8, "flags"), method = f.u16(at + 10, "method");
    const uint32_t crc = f.u32(at + 16, "CRC");
    uint64_t csize = f.u32(at + 20, "compressed size"), size = f.u32(at + 24, "size");
    const uint64_t name_len = f.u16(at + 28, "name length"), extra_len = f.u16(at + 30, "extra length"),
                   comment_len = f.u16(at + 32, "comment length");
    uint64_t local = f.u32(at + 42, "local header offset");
    const uint64_t next = at + kCentralSize + name_len + extra_len + comment_len;
    WS_CHECK(next <= d.offset + d.size, path_, ": central directory entry ", i, " runs past the directory");
    ZipEntry e;
    e.name = bytes_.substr(size_t(at + kCentralSize), size_t(name_len));
    apply_zip64_extra(f, at + kCentralSize + name_len, extra_len, size, csize, local, e.name);
    WS_CHECK(!(flags & 1), path_, ": entry '", e.name, "' is encrypted");
    WS_CHECK(method == 0, path_, ": entry '", e.name, "' is compressed (zip method ", method,
             "); wsnerf reads only stored entries, as torch.save writes them");
    WS_CHECK(csize == size, path_, ": stored entry '", e.name, "' has compressed size ", csize, " != size ", size);
    WS_CHECK(names.insert(e.name).second, path_, ": duplicate entry '", e.name, "'");
    // The local header repeats the name; its extra field (torch's alignment padding) may differ.
    WS_CHECK(f.u32(local, "local header") == kLocalSig, path_, ": entry '", e.name, "': no local header at byte ",
             local);
    const uint64_t local_name = f.u16(local + 26, "local name length"), local_extra = f.u16(local + 28, "local extra");
    WS_CHECK(local_name == name_len && bytes_.compare(size_t(local + kLocalSize), size_t(name_len), e.name) == 0,
             path_, ": entry '", e.name, "': local header names another entry");
    e.data_offset = local + kLocalSize + local_name + local_extra;
    WS_CHECK(e.data_offset <= bytes_.size() && size <= bytes_.size() - e.data_offset, path_, ": entry '", e.name,
             "' (", size, " bytes at ", e.data_offset, ") runs past the end of the file (truncated?)");
    e.size = size;
    e.crc = crc;
    entries_.push_back(std::move(e));
    at = next;
  }
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
  for (const ZipEntry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::string_view ZipArchive::read(const ZipEntry& e) const {
  std::string_view v(bytes_.data() + e.data_offset, size_t(e.size));
  WS_CHECK(crc32(reinterpret_cast<const unsigned char*>(v.data()), v.size()) == e.crc, path_, ": entry '", e.name,
           "' fails its CRC-32 check (damaged file)");
  return v;
}

}  // namespace ws
