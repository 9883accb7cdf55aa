// CRC-32 as zip and PNG define it (ISO 3309, reflected polynomial 0xEDB88320).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ws {

uint32_t crc32(const unsigned char* p, size_t n);

}  // namespace ws
