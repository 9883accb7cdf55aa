#include <cstring>
#include <filesystem>

#include "engine/io.h"
#include "engine/safetensors.h"
#include "tests/testing.h"

using namespace ws;
using ws::test::temp_path;

namespace {
// A safetensors file assembled by hand: 8-byte little-endian length, header, data.
std::string raw_file(const std::string& header, const std::string& data, int64_t declared_len = -1) {
  uint64_t n = declared_len >= 0 ? uint64_t(declared_len) : header.size();
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(char((n >> (8 * i)) & 0xff));
  return s + header + data;
}

std::string write_raw(const std::string& name, const std::string& bytes) {
  std::string p = temp_path(name);
  write_file_atomic(p, bytes);
  return p;
}

Tensor raw_tensor(DType t, Shape s, const std::vector<uint8_t>& bytes) {
  Tensor x = Tensor::empty(s, t);
  REQUIRE(bytes.size() == x.nbytes());
  if (!bytes.empty()) std::memcpy(x.raw(), bytes.data(), bytes.size());
  return x;
}

std::vector<uint8_t> bytes_of(const Tensor& t) {
  const uint8_t* p = static_cast<const uint8_t*>(t.raw());
  return std::vector<uint8_t>(p, p + t.nbytes());
}

std::string floats(std::initializer_list<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(&s[0], v.begin(), s.size());
  return s;
}
}  // namespace

TEST_CASE("io: write_file_atomic replaces the file and leaves no temporary behind") {
  std::string dir = temp_path("io/a/b");
  make_dirs(dir);
  make_dirs(dir);  // existing: fine
  std::string p = dir + "/x.bin";
  write_file_atomic(p, "first");
  write_file_atomic(p, std::string("sec\0nd", 6));
  CHECK(read_file(p) == std::string("sec\0nd", 6));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("io: errors name the file") {
  std::string missing = temp_path("no_such_file.bin");
  CHECK_THROWS_WITH_AS(read_file(missing), doctest::Contains(missing.c_str()), Error);
  std::string in_new_dir = temp_path("new_dir/x.bin");  // missing folders are created
  write_file_atomic(in_new_dir, "x");
  CHECK(read_file(in_new_dir) == "x");
  std::string under_a_file = in_new_dir + "/y.bin";  // a regular file cannot hold files
  CHECK_THROWS_WITH_AS(write_file_atomic(under_a_file, "y"), doctest::Contains(in_new_dir.c_str()), Error);
}

TEST_CASE("safetensors: every dtype and the metadata survive a round trip") {
  std::vector<uint16_t> halves = {float_to_half(1.5f), float_to_half(-0.25f), float_to_half(65504.0f)};
  std::vector<uint8_t> half_bytes(6), bf16_bytes = {0x80, 0x3f, 0x00, 0xc0, 0x49, 0x40, 0x00, 0x00};
  std::memcpy(half_bytes.data(), halves.data(), 6);
  NamedTensors in = {
      {"w.f32", Tensor::from(std::vector<float>{1, -2, 3.5f, 4, 5, 6}, {2, 3})},
      {"idx", Tensor::from(std::vector<int32_t>{7, -8, 2147483647, 0}, {4})},
      {"mask", Tensor::from(std::vector<uint8_t>{0, 1, 255, 3, 4}, {5})},
      {"half", raw_tensor(DType::F16, {3}, half_bytes)},
      {"bf16", raw_tensor(DType::BF16, {2, 2}, bf16_bytes)},
      {"scalar", raw_tensor(DType::F32, Shape(), {0, 0, 0x80, 0x3f})},
      {"empty", Tensor::empty({0, 3})},
      {"4d", Tensor::from(std::vector<float>(24, 0.5f), {1, 2, 3, 4})},
  };
  Metadata meta = {{"format", "wsnerf.test/1"}, {"arch", "{\"family\": \"mlp\"}"}, {"unicode", "d\xc3\xa9j\xc3\xa0"}};
  std::string p = temp_path("roundtrip.safetensors");
  save_safetensors(p, in, meta);

  std::string bytes = read_file(p);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  CHECK((8 + n) % 8 == 0);  // data starts aligned, as the reference writer pads it
  CHECK(bytes[8] == '{');

  TensorFile f = load_safetensors(p);
  CHECK(f.metadata == meta);
  CHECK(f.meta("arch") == meta["arch"]);
  REQUIRE(f.tensors.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    CAPTURE(in[i].first);
    CHECK(f.tensors[i].first == in[i].first);  // file order = the order saved
    const Tensor& t = f.get(in[i].first);
    CHECK(t.dtype() == in[i].second.dtype());
    CHECK(t.shape() == in[i].second.shape());
    CHECK(bytes_of(t) == bytes_of(in[i].second));
  }
  CHECK(half_to_float(reinterpret_cast<const uint16_t*>(f.get("half").raw())[1]) == -0.25f);
  CHECK(f.has("idx"));
  CHECK_FALSE(f.has("nope"));
  std::string no_tensor = p + ": no tensor 'nope'", no_meta = p + ": no metadata 'nope'";
  CHECK_THROWS_WITH_AS(f.get("nope"), doctest::Contains(no_tensor.c_str()), Error);
  CHECK_THROWS_WITH_AS(f.meta("nope"), doctest::Contains(no_meta.c_str()), Error);
}

TEST_CASE("safetensors: a file in the Python library's layout (space-padded header) loads") {
  std::string header = R"({"__metadata__":{"format":"pt"},"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},)"
                       R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  REQUIRE(header.size() % 8 == 0);
  std::string data = floats({1.5f, -2.0f});
  int32_t i = -7;
  data.append(reinterpret_cast<const char*>(&i), 4);
  std::string p = write_raw("python.safetensors", raw_file(header, data));
  TensorFile f = load_safetensors(p);
  CHECK(f.meta("format") == "pt");
  REQUIRE(f.tensors.size() == 2);
  CHECK(f.tensors[0].first == "a");  // data order, not header order
  CHECK(f.get("a").to_vector() == std::vector<float>{1.5f, -2.0f});
  CHECK(f.get("b").to_vector_i32() == std::vector<int32_t>{-7});
}

TEST_CASE("safetensors: corrupt files are rejected with a message naming the file and the problem") {
  struct Bad {
    const char* name;
    std::string bytes;
    const char* message;
  };
  const std::string f8 = floats({1, 2}), f12 = floats({1, 2, 3});
  const std::string a8 = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  std::vector<Bad> cases = {
      {"short", "abc", "shorter than the 8-byte header length"},
      {"header_past_end", raw_file("{}", "", 1000), "header length 1000 runs past the end of the file"},
      {"not_json", raw_file("{\"a\": [1, 2", ""), "header: not valid JSON"},
      {"not_object", raw_file("[1, 2]", ""), "header is JSON but not an object"},
      {"unknown_dtype", raw_file(R"({"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", f8),
       "tensor 'a': unknown dtype 'F64'"},
      {"size_mismatch", raw_file(R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", f12),
       "tensor 'a': F32[2, 2] needs 16 bytes but data_offsets [0, 12] hold 12"},
      {"out_of_range", raw_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", f8),
       "tensor 'a': data_offsets [0, 16] run past the 8 data bytes"},
      {"reversed", raw_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", f8),
       "end before they begin"},
      {"overlap", raw_file("{" + a8 + R"(,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", f12),
       "tensor 'b' data [4, 12) overlaps tensor 'a' [0, 8)"},
      {"uncovered_tail", raw_file("{" + a8 + "}", f12), "data bytes [8, 12) belong to no tensor"},
      {"hole", raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", f8),
       "data bytes [0, 4) belong to no tensor"},
      {"bad_shape", raw_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", f8),
       "is not a list of non-negative integers"},
      {"no_offsets", raw_file(R"({"a":{"dtype":"F32","shape":[2]}})", f8), "no 'data_offsets' pair"},
      {"metadata_not_string", raw_file(R"({"__metadata__":{"step":3},)" + a8 + "}", f8),
       "metadata 'step' is 3, not a string"},
      {"metadata_not_object", raw_file(R"({"__metadata__":"x",)" + a8 + "}", f8), "__metadata__ is not an object"},
      {"duplicate", raw_file("{" + a8 + "," + a8 + "}", f8), "header names tensor 'a' twice"},
      {"huge_shape", raw_file(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", f8),
       "needs more bytes"},
      {"zero_size_huge_dim",
       raw_file(R"({"a":{"dtype":"F32","shape":[9223372036854775808,0],"data_offsets":[0,0]}})", ""),
       "has a dimension above 2^62"},
  };
  for (const Bad& b : cases) {
    CAPTURE(b.name);
    std::string p = write_raw(str_cat(b.name, ".safetensors"), b.bytes);
    std::string names_file = p + ": ";
    CHECK_THROWS_WITH_AS(load_safetensors(p), doctest::Contains(names_file.c_str()), Error);
    CHECK_THROWS_WITH_AS(load_safetensors(p), doctest::Contains(b.message), Error);
  }
}

TEST_CASE("safetensors: saving rejects duplicate and reserved names") {
  Tensor t = Tensor::zeros({2});
  std::string p = temp_path("bad_names.safetensors");
  CHECK_THROWS_WITH_AS(save_safetensors(p, {{"a", t}, {"a", t}}), doctest::Contains("tensor 'a' given twice"), Error);
  CHECK_THROWS_WITH_AS(save_safetensors(p, {{"__metadata__", t}}), doctest::Contains("invalid tensor name"), Error);
  CHECK_FALSE(std::filesystem::exists(p));
}
