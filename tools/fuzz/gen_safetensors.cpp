// Safetensors inputs: NeRF files, encoder checkpoints, embeddings files. Besides the
// damage every file gets: header lengths past the file, dtypes, shapes and offsets that
// disagree with the data, tensors missing or unknown, NaN/Inf weights, metadata removed,
// mistyped or nested without end.
#include <algorithm>
#include <cstring>
#include <limits>

#include "tools/fuzz/generate.h"

namespace ws::fuzz {
namespace {
using Json = nlohmann::ordered_json;

struct Parsed {
  Json header;
  std::string data;
};
Parsed parse(const std::string& file) {
  SafetensorsParts p = split_safetensors(read_bytes(file));
  return {Json::parse(p.header), p.data};
}
std::string join(const Parsed& p) { return join_safetensors(p.header.dump(), p.data); }

std::vector<std::string> tensor_names(const Json& h) {
  std::vector<std::string> names;
  for (auto it = h.begin(); it != h.end(); ++it)
    if (it.key() != "__metadata__") names.push_back(it.key());
  return names;
}
// Metadata a reader needs (the keys nerf_file.cpp, checkpoint.cpp and embeddings.cpp read
// with meta()). The others describe the file (its class, PSNR, seeds, the encoder's
// settings) and are never read back: damage there is harmless.
std::vector<std::string> metadata_keys(const Json& h) {
  static const std::vector<std::string> read = {"arch", "occupancy_res", "render_step", "rows", "format"};
  std::vector<std::string> keys;
  if (h.contains("__metadata__"))
    for (auto it = h["__metadata__"].begin(); it != h["__metadata__"].end(); ++it)
      if (std::find(read.begin(), read.end(), it.key()) != read.end()) keys.push_back(it.key());
  if (keys.empty()) keys.push_back("format");  // none read: a format key added is still checked
  return keys;
}

// A tensor removed with its bytes: the file stays self-consistent, only the tensor is gone.
void drop_tensor(Parsed& p, const std::string& name) {
  const uint64_t b = p.header[name]["data_offsets"][0], e = p.header[name]["data_offsets"][1];
  p.data.erase(b, e - b);
  p.header.erase(name);
  for (const std::string& n : tensor_names(p.header))
    for (int k = 0; k < 2; ++k)
      if (p.header[n]["data_offsets"][k].get<uint64_t>() >= e)
        p.header[n]["data_offsets"][k] = p.header[n]["data_offsets"][k].get<uint64_t>() - (e - b);
}

std::vector<Kind> header_damage(const std::string& seed, const Layout& layout) {
  std::vector<Kind> k;
  k.push_back([=](Ctx& x) {  // a length prefix past the end, or so large that adding 8 wraps
    const std::string b = read_bytes(seed);
    const uint64_t n = x.rng.pick(std::vector<uint64_t>{std::numeric_limits<uint64_t>::max(), uint64_t(1) << 63,
                                                        b.size(), b.size() - 7, (uint64_t(1) << 32) + 64});
    place(x, layout, le64(n) + b.substr(8), "header length " + std::to_string(n));
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    const std::string t = x.rng.pick(tensor_names(p.header));
    std::vector<Json> dtypes;
    for (const Json& d : std::vector<Json>{"F64", "I8", "BOOL", "I32", "U8", "F16", "xyz", 7, nullptr})
      if (d != p.header[t]["dtype"]) dtypes.push_back(d);
    const Json dtype = x.rng.pick(dtypes);
    p.header[t]["dtype"] = dtype;
    place(x, layout, join(p), "tensor '" + t + "' dtype " + dtype.dump());
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    const std::string t = x.rng.pick(tensor_names(p.header));
    Json shape = p.header[t]["shape"];
    std::vector<Json> variants = {Json::array({0}), Json::array({-1}), Json::array({int64_t(1) << 40}),
                                  Json::array({int64_t(1) << 62, int64_t(1) << 62, 0}), Json::array(),
                                  Json::array({"8"}), Json::array({Json::array({1})}), Json::array({2.5})};
    int64_t numel = 1;
    for (const Json& d : shape) numel *= d.get<int64_t>();
    if (shape.size() >= 2) variants.push_back(Json::array({numel}));  // same bytes, wrong rank
    if (shape.size() >= 2 && shape[0] != shape[1]) {                 // same bytes, dims swapped
      Json swapped = shape;
      std::swap(swapped[0], swapped[1]);
      variants.push_back(swapped);
    }
    if (shape.size() == 1 && numel > 1) variants.push_back(Json::array({1, numel}));
    p.header[t]["shape"] = x.rng.pick(variants);
    place(x, layout, join(p), "tensor '" + t + "' shape " + p.header[t]["shape"].dump());
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    const std::string t = x.rng.pick(tensor_names(p.header));
    const Json o = p.header[t]["data_offsets"];
    const uint64_t b = o[0], e = o[1];
    p.header[t]["data_offsets"] = x.rng.pick(std::vector<Json>{
        Json::array({b + 1, e}), Json::array({b, e + 4}), Json::array({e, b}),
        Json::array({b, std::numeric_limits<uint64_t>::max()}), Json::array({-4, e}), Json::array({"0", e}),
        Json::array({b}), Json::array({b, e, e})});
    place(x, layout, join(p), "tensor '" + t + "' data_offsets " + p.header[t]["data_offsets"].dump());
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    const std::string t = x.rng.pick(tensor_names(p.header));
    drop_tensor(p, t);
    place(x, layout, join(p), "tensor '" + t + "' missing");
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    p.header["fuzz_unknown"] = {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {p.data.size(), p.data.size() + 4}}};
    p.data += std::string(4, '\0');
    place(x, layout, join(p), "an unknown tensor 'fuzz_unknown'");
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    std::vector<std::string> f32;
    for (const std::string& n : tensor_names(p.header))
      if (p.header[n]["dtype"] == "F32" && p.header[n]["data_offsets"][1] > p.header[n]["data_offsets"][0]) f32.push_back(n);
    const std::string t = x.rng.pick(f32);
    const uint64_t b = p.header[t]["data_offsets"][0], e = p.header[t]["data_offsets"][1];
    const uint64_t at = b + 4 * x.rng.below((e - b) / 4);
    const float v = x.rng.below(3) == 0 ? std::numeric_limits<float>::quiet_NaN()
                                        : (x.rng.below(2) ? 1.0f : -1.0f) * std::numeric_limits<float>::infinity();
    std::memcpy(&p.data[at], &v, 4);
    place(x, layout, join(p), "tensor '" + t + "' element " + std::to_string((at - b) / 4) + " = " + std::to_string(v));
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    const std::string key = x.rng.pick(metadata_keys(p.header));
    p.header["__metadata__"].erase(key);
    place(x, layout, join(p), "metadata '" + key + "' missing");
  });
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    const std::string key = x.rng.pick(metadata_keys(p.header));
    const Json v = x.rng.pick(std::vector<Json>{7, nullptr, Json::array({"a"}), "", "\xff"});
    if (v.is_string() && v.get<std::string>() == "\xff") {  // invalid UTF-8: spliced in as raw text
      p.header["__metadata__"][key] = "@@x@@";
      std::string h = p.header.dump();
      h.replace(h.find("@@x@@"), 5, "\xff");
      place(x, layout, join_safetensors(h, p.data), "metadata '" + key + "' = invalid UTF-8");
      return;
    }
    p.header["__metadata__"][key] = v;
    place(x, layout, join(p), "metadata '" + key + "' = " + v.dump());
  });
  k.push_back([=](Ctx& x) {  // nesting without end, in a tensor entry or a metadata value
    Parsed p = parse(seed);
    std::string h = p.header.dump();
    if (x.rng.below(2)) {
      const std::string key = x.rng.pick(metadata_keys(p.header));
      p.header["__metadata__"][key] = deep_json(100000);  // a string holding JSON, parsed by its reader
      place(x, layout, join(p), "metadata '" + key + "' nested 100000 deep");
    } else {
      h.insert(1, "\"deep\": " + deep_json(100000) + ", ");
      place(x, layout, join_safetensors(h, p.data), "header nested 100000 deep");
    }
  });
  k.push_back([=](Ctx& x) {  // the same tensor named twice
    Parsed p = parse(seed);
    const std::string t = x.rng.pick(tensor_names(p.header));
    std::string h = p.header.dump();
    h.insert(h.size() - 1, ", \"" + t + "\": " + p.header[t].dump());
    place(x, layout, join_safetensors(h, p.data), "tensor '" + t + "' named twice");
  });
  return k;
}

// A metadata value that is itself JSON (an architecture, embeddings rows): its leaves
// replaced by values no reader may take.
std::vector<Kind> metadata_json_damage(const std::string& seed, const std::string& key, const Layout& layout) {
  std::vector<Kind> k;
  k.push_back([=](Ctx& x) {
    Parsed p = parse(seed);
    const Json inner = Json::parse(p.header["__metadata__"][key].get<std::string>());
    const std::string leaf = x.rng.pick(leaf_paths(inner));
    // "x" only where a string is not expected (a string leaf may hold any name)
    const bool is_string = value_at(inner, leaf).is_string();
    std::vector<std::string> raws = {"4294967297", "-1", "2.5", "1e999", "-1e999", "1e-7", "null", "[]", "{}", "true"};
    if (!is_string) raws.push_back("\"x\"");
    const std::string raw = x.rng.pick(raws);
    p.header["__metadata__"][key] = with_raw_value(inner, leaf, raw);
    place(x, layout, join(p), "metadata '" + key + "': " + leaf + " = " + raw);
  });
  return k;
}

std::vector<Kind> kinds_for(const std::string& seed, const Layout& layout, const std::string& json_key) {
  std::vector<Kind> k = file_damage(seed, layout, true);
  for (Kind& h : header_damage(seed, layout)) k.push_back(std::move(h));
  if (!json_key.empty())
    for (Kind& m : metadata_json_damage(seed, json_key, layout)) k.push_back(std::move(m));
  return k;
}
}  // namespace

std::vector<Format> safetensors_formats(const Seeds& s) {
  std::vector<Format> f;
  // NeRF files: rendered, described as a graph, or embedded.
  Layout nerf = [](Ctx& x) {
    const std::string file = x.path("case.safetensors");
    const std::string out = x.out();
    switch (x.rng.below(3)) {
      case 0: x.command({"render", "--nerf", file, "--out", out + "/r.png", "--size", "8"}); break;
      case 1: x.command({"graph", "--nerf", file}); break;
      default: x.command({"embed", "--encoder", x.s.encoder, "--nerfs", file, "--out", out + "/e.safetensors"});
    }
    x.c.names = {"case.safetensors"};
    return file;
  };
  std::vector<Kind> k = kinds_for(s.nerf, nerf, "arch");
  for (Kind& h : header_damage(s.tri_nerf, nerf)) k.push_back(std::move(h));  // grids: other tensors
  f.push_back({"nerf", k});
  Layout encoder = [](Ctx& x) {
    const std::string file = x.path("encoder.safetensors");
    x.command({"embed", "--encoder", file, "--nerfs", x.s.nerf, "--out", x.out() + "/e.safetensors"});
    x.c.names = {"encoder.safetensors"};
    return file;
  };
  f.push_back({"encoder", kinds_for(s.encoder, encoder, "")});
  // Embeddings files: every reader of them.
  Layout embeddings = [](Ctx& x) {
    const std::string file = x.path("emb.safetensors");
    const std::string out = x.out();
    switch (x.rng.below(4)) {
      case 0: x.command({"eval-probe", "--embeddings", file, "--split", "train"}); break;
      case 1: x.command({"eval-retrieve", "--embeddings", file, "--out", out}); break;
      case 2: x.command({"eval-classify", "--embeddings", file, "--preset", x.s.preset, "--out", out}); break;
      default: x.command({"plot", "--embeddings", file, "--out", out, "--iterations", "50"});
    }
    x.c.names = {"emb.safetensors"};
    return file;
  };
  f.push_back({"embeddings", kinds_for(s.embeddings, embeddings, "rows")});
  return f;
}

}  // namespace ws::fuzz
