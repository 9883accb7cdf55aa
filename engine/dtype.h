// Element types. f32 and i32 carry the math; u8 stores masks and images; f16/bf16 are storage for now.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ws {

enum class DType : uint8_t { F32, I32, U8, F16, BF16 };

inline size_t dtype_size(DType t) {
  switch (t) {
    case DType::F32: case DType::I32: return 4;
    case DType::U8: return 1;
    case DType::F16: case DType::BF16: return 2;
  }
  return 0;
}

// Names as safetensors spells them.
inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::F32: return "F32";
    case DType::I32: return "I32";
    case DType::U8: return "U8";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
  }
  return "?";
}

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::F32; }
template <> constexpr DType dtype_of<int32_t>() { return DType::I32; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::U8; }

// IEEE half <-> float (round to nearest even), for reading and writing F16 files.
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);

}  // namespace ws
