// A zip archive of stored (uncompressed) entries, as torch.save writes its checkpoints
// (PKWARE APPNOTE: end of central directory, Zip64 records, central directory, local
// headers). Strict: compressed or encrypted entries, multi-disk archives, duplicate
// names and every offset or length that points outside the bytes are ws::Errors naming
// the file. Entries are checked against their CRC-32 when read.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ws {

struct ZipEntry {
  std::string name;
  uint64_t data_offset = 0;  // first byte of the entry's data in the archive
  uint64_t size = 0;
  uint32_t crc = 0;
};

class ZipArchive {
 public:
  // Parses the directory of `bytes` (the whole file); `path` names it in errors.
  ZipArchive(std::string bytes, std::string path);

  const std::string& path() const { return path_; }
  uint64_t size() const { return bytes_.size(); }  // of the whole archive
  const std::vector<ZipEntry>& entries() const { return entries_; }
  // nullptr when there is no entry of that name.
  const ZipEntry* find(const std::string& name) const;
  // The entry's bytes (a view into the archive), after checking its CRC-32.
  std::string_view read(const ZipEntry& e) const;

 private:
  std::string bytes_, path_;
  std::vector<ZipEntry> entries_;
};

}  // namespace ws
