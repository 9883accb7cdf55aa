// JSON inputs: presets, architecture specs, a run's state.json and config.json, a
// dataset's dataset.json, transforms files. Besides the damage every file gets: nesting
// 100k deep, unknown and missing keys, values of the wrong type, integers that wrap or
// are fractions, NaN/Inf, and per format the values whose size decides time or memory.
#include <filesystem>

#include "tools/fuzz/generate.h"

namespace fs = std::filesystem;

namespace ws::fuzz {
namespace {
using Json = nlohmann::ordered_json;

struct JsonTarget {
  std::string seed;
  Layout layout;
  std::vector<std::string> required;  // keys whose absence is an error (others have defaults)
  std::vector<std::pair<std::string, std::string>> bad_values;  // (path, raw JSON) no reader may take
  bool unknown_keys_refused = true;  // false: only a top-level unknown key is ignored
  std::string unknown_reason = "a key wsnerf does not read is ignored in a file wsnerf wrote itself";
  std::string section;               // only leaves under this key are damaged (a preset's section)
};

Json load(const std::string& file) { return Json::parse(read_bytes(file)); }

// What is wrong for a leaf of this type whatever its meaning.
std::vector<std::string> wrong_numbers(const Json& leaf) {
  if (leaf.is_number_integer())
    return {"2.5", "4294967297", "9223372036854775808", "18446744073709551616", "-2147483649", "1e999", "NaN",
            "-Infinity"};
  if (leaf.is_number()) return {"NaN", "Infinity", "1e999", "-1e999"};
  return {};
}
std::string wrong_type(const Json& leaf, Rng& rng) {
  if (leaf.is_string()) return rng.pick(std::vector<std::string>{"7", "[]", "{}", "null", "true"});
  if (leaf.is_boolean()) return rng.pick(std::vector<std::string>{"1", "\"true\"", "null", "[]"});
  return rng.pick(std::vector<std::string>{"\"7\"", "[]", "{}", "null", "true"});
}

// The leaves a target damages: those under its section, when it has one.
std::vector<std::string> leaves(const JsonTarget& t, const Json& doc) {
  std::vector<std::string> out;
  for (const std::string& p : leaf_paths(doc))
    if (t.section.empty() || p.rfind(t.section + "/", 0) == 0) out.push_back(p);
  return out;
}

std::vector<Kind> json_damage(const JsonTarget& t) {
  std::vector<Kind> k = file_damage(t.seed, t.layout, true);
  k.push_back([=](Ctx& x) {
    const Json doc = load(t.seed);
    if (x.rng.below(3) == 0) {
      place(x, t.layout, deep_json(100000), "a whole file nested 100000 deep");
      return;
    }
    const std::string leaf = x.rng.pick(leaves(t, doc));
    place(x, t.layout, with_raw_value(doc, leaf, deep_json(100000)), leaf + " nested 100000 deep");
  });
  k.push_back([=](Ctx& x) {
    const Json doc = load(t.seed);
    const std::string leaf = x.rng.pick(leaves(t, doc));
    const std::string raw = wrong_type(value_at(doc, leaf), x.rng);
    place(x, t.layout, with_raw_value(doc, leaf, raw), leaf + " = " + raw + " (wrong type)");
  });
  k.push_back([=](Ctx& x) {
    const Json doc = load(t.seed);
    std::vector<std::string> numeric;
    for (const std::string& p : leaves(t, doc))
      if (!wrong_numbers(value_at(doc, p)).empty() && p.find("seed") == std::string::npos) numeric.push_back(p);
    if (numeric.empty()) numeric = leaves(t, doc);
    const std::string leaf = x.rng.pick(numeric);
    std::vector<std::string> values = wrong_numbers(value_at(doc, leaf));
    if (values.empty()) values = {"NaN"};
    const std::string raw = x.rng.pick(values);
    place(x, t.layout, with_raw_value(doc, leaf, raw), leaf + " = " + raw);
  });
  if (!t.bad_values.empty()) {
    k.push_back([=](Ctx& x) {
      const auto& [path, raw] = x.rng.pick(t.bad_values);
      place(x, t.layout, with_raw_value(load(t.seed), path, raw), path + " = " + raw);
    });
  }
  if (!t.required.empty()) {
    k.push_back([=](Ctx& x) {
      const std::string key = x.rng.pick(t.required);
      place(x, t.layout, without_key(load(t.seed), key), key + " missing");
    });
  }
  k.push_back([=](Ctx& x) {
    Json doc = load(t.seed);
    std::vector<std::string> objects = {t.section};
    if (t.section.empty())
      for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it.value().is_object()) objects.push_back(it.key());
    const std::string in = x.rng.pick(objects);
    (in.empty() ? doc : doc[in])["fuzz_unknown"] = 1;
    place(x, t.layout, doc.dump(1), "unknown key " + (in.empty() ? "" : in + "/") + "fuzz_unknown");
    if (!t.unknown_keys_refused && in.empty())
      x.c.accept_reason = t.unknown_reason;
  });
  return k;
}
}  // namespace

std::vector<Format> json_formats(const Seeds& s) {
  std::vector<Format> f;
  // A preset is read section by section by the command that uses it; its generic damage
  // goes to fit (which loads the whole file first).
  Layout preset = [](Ctx& x) {
    const std::string file = x.path("preset.json");
    const std::string out = x.out();
    const std::string n = x.c.name;
    x.command({"fit", "--data", x.s.data, "--preset", file, "--objects", x.s.object, "--archs", "MLP", "--out", out,
               "--quiet", "--workers", "1"});
    x.c.names = {"preset.json"};
    return file;
  };
  // Every key of a section has a default: a missing one is no error (and may be slow).
  JsonTarget p{s.preset, preset, {}, {}};
  p.section = "fit";
  for (const char* key : {"fit/steps", "fit/samples_per_step", "fit/batch", "fit/occupancy_res", "fit/init_rays",
                          "fit/max_rays", "fit/occupancy_every"})
    for (const char* raw : {"0", "-1", "1099511627776"}) p.bad_values.push_back({key, raw});
  p.bad_values.push_back({"fit/render_step", "1e-7"});
  p.bad_values.push_back({"fit/render_step", "0"});
  p.bad_values.push_back({"fit/lr", "-0.01"});
  p.bad_values.push_back({"fit/archs/0", "\"NOPE\""});
  p.bad_values.push_back({"fit/archs", "[]"});
  std::vector<Kind> pk = json_damage(p);
  // Sections read by train and by eval-classify: the same damage aimed at them.
  for (const auto& [section, cmd] : std::vector<std::pair<std::string, std::string>>{
           {"train", "train"}, {"encoder", "train"}, {"decoder", "train"}, {"classify", "eval-classify"}}) {
    Layout aimed = [section = section, cmd = cmd](Ctx& x) {
      const std::string file = x.path("preset.json");
      const std::string out = x.out();
      if (cmd == "train")
        x.command({"train", "--data", x.s.data, "--preset", file, "--out", out + "/run"});
      else
        x.command({"eval-classify", "--embeddings", x.s.embeddings, "--preset", file, "--out", out});
      x.c.names = {"preset.json"};
      return file;
    };
    const Json doc = load(s.preset);
    JsonTarget t{s.preset, aimed, {}, {}};
    t.section = section;
    for (auto it = doc[section].begin(); it != doc[section].end(); ++it) {
      const std::string path = section + "/" + it.key();
      if (it.value().is_number()) {
        t.bad_values.push_back({path, "-1"});
        t.bad_values.push_back({path, "1099511627776"});
        t.bad_values.push_back({path, "NaN"});
      } else {
        t.bad_values.push_back({path, "{}"});
      }
    }
    std::vector<Kind> aimed_kinds = json_damage(t);
    aimed_kinds.erase(aimed_kinds.begin());  // its control would train a whole run
    for (Kind& kd : aimed_kinds) pk.push_back(std::move(kd));
  }
  f.push_back({"preset", pk});

  Layout arch = [](Ctx& x) {
    const std::string file = x.path("arch.json");
    if (x.rng.below(2)) x.command({"archs", "--spec", file});
    else x.command({"graph", "--arch", file});
    x.c.names = {"arch.json"};
    return file;
  };
  JsonTarget a{s.arch, arch, {"family"}, {}};
  for (const char* raw : {"0", "-1", "4294967360", "1099511627776", "1e999"}) a.bad_values.push_back({"hidden_dim", raw});
  for (const char* raw : {"0", "100", "2.5"}) a.bad_values.push_back({"hidden_layers", raw});
  a.bad_values.push_back({"family", "\"nope\""});
  f.push_back({"arch", json_damage(a)});

  // A finished run, resumed: its state.json and config.json.
  const std::string ckpt = fs::canonical(s.run + "/checkpoint").filename().string();
  auto run_layout = [](const std::string& rel) {
    return [rel](Ctx& x) {
      x.copy(x.s.run, "run");
      x.command({"train", "--data", x.s.data, "--preset", x.s.preset, "--out", x.c.dir + "/run"});
      x.c.names = {fs::path(rel).filename().string()};
      if (rel == "config.json") x.c.names.push_back(x.c.dir + "/run");  // "RUN was trained with ..."
      return x.path("run/" + rel);
    };
  };
  JsonTarget st{s.run + "/" + ckpt + "/state.json", run_layout(ckpt + "/state.json"),
                {"epoch", "batch", "step", "best", "has_best"}, {}};
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"epoch", "-1"}, {"epoch", "99"}, {"batch", "-5"}, {"batch", "1000000000"}, {"step", "123456"},
           {"step", "-1"}, {"best", "\"x\""}, {"has_best", "1"}})
    st.bad_values.push_back({k, v});
  st.unknown_keys_refused = false;
  f.push_back({"state", json_damage(st)});
  const Json config = load(s.run + "/config.json");
  JsonTarget cf{s.run + "/config.json", run_layout("config.json"), {}, {}};
  for (auto it = config.begin(); it != config.end(); ++it) cf.required.push_back(it.key());
  cf.unknown_keys_refused = false;
  f.push_back({"config", json_damage(cf)});

  // dataset.json: synth over the finished dataset with the same settings.
  Layout manifest = [](Ctx& x) {
    x.copy(x.s.data + "/objects", "data/objects");
    x.copy(x.s.data + "/splits", "data/splits");
    x.command({"synth", "--out", x.c.dir + "/data", "--classes", "chair,lamp", "--per-class", "3", "--val", "1",
               "--test", "1", "--size", "8", "--supersample", "1"});
    x.c.names = {"dataset.json"};
    return x.path("data/dataset.json");
  };
  JsonTarget ds{s.data + "/dataset.json", manifest, {}, {}};
  for (const std::string& p : leaf_paths(load(ds.seed))) ds.required.push_back(p);
  f.push_back({"dataset.json", json_damage(ds)});

  // transforms_train.json: fitted (fit reads the object's views) or rendered from.
  const std::string tf_rel = "objects/" + s.object + "/transforms_train.json";
  Layout transforms = [tf_rel](Ctx& x) {
    x.c.names = {"transforms_train.json"};
    if (x.rng.below(2)) {
      x.copy(x.s.data + "/objects", "data/objects");
      x.copy(x.s.data + "/splits", "data/splits");
      x.copy(x.s.data + "/dataset.json", "data/dataset.json");
      x.command({"fit", "--data", x.c.dir + "/data", "--preset", x.s.preset, "--objects", x.s.object, "--archs", "MLP",
                 "--out", x.out(), "--quiet", "--workers", "1"});
      return x.path("data/" + tf_rel);
    }
    x.command({"render", "--nerf", x.s.nerf, "--transforms", x.path("transforms_train.json"), "--frame", "0", "--out",
               x.out() + "/r.png", "--size", "8"});
    return x.path("transforms_train.json");
  };
  JsonTarget tf{s.data + "/" + tf_rel, transforms, {"camera_angle_x", "frames", "frames/0/transform_matrix",
                                                    "frames/0/file_path"}, {}};
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"camera_angle_x", "0"}, {"camera_angle_x", "-1"}, {"camera_angle_x", "3.2"}, {"frames", "[]"},
           {"frames/0/transform_matrix", "[[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0]]"},
           {"frames/0/transform_matrix", "[[1,0,0,0],[1,0,0,0],[0,0,1,0],[0,0,0,1]]"},
           {"frames/0/transform_matrix", "[[1,0,0],[0,1,0],[0,0,1]]"},
           {"frames/0/transform_matrix/0/3", "1e300"}})
    tf.bad_values.push_back({k, v});
  tf.unknown_keys_refused = false;
  tf.unknown_reason = "transforms files follow the NeRF convention, where writers add keys of their own (fl_x, w, h)";
  f.push_back({"transforms", json_damage(tf)});
  return f;
}

}  // namespace ws::fuzz
