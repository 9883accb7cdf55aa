// Command-line numbers: every numeric option of the commands, given values that wrap at
// 2^31/2^32/2^63, are negative or fractional, are not numbers, or are sizes too large to
// allocate.
#include "tools/fuzz/generate.h"

namespace ws::fuzz {
namespace {
struct Numeric {
  std::vector<std::string> base;  // the command and its valid options; {DIR}/{OUT} filled in
  std::string option;
  bool is_float = false;
  bool is_size = false;  // an image size: also a value that fits the type but not memory
  bool is_seed = false;  // any unsigned 64-bit value is a seed: only non-numbers and 2^64+ are wrong
};

std::vector<std::string> fill(const Ctx& x, std::vector<std::string> args) {
  for (std::string& a : args) {
    if (a == "{OUT}") a = x.out();
    else if (a == "{RUN}") a = x.out() + "/run";
    else if (a == "{DS}") a = x.out() + "/ds";
    else if (a == "{PNG}") a = x.out() + "/r.png";
    else if (a == "{DATA}") a = x.s.data;
    else if (a == "{NERF}") a = x.s.nerf;
    else if (a == "{OBJ}") a = x.s.obj;
    else if (a == "{ENC}") a = x.s.encoder;
    else if (a == "{EMB}") a = x.s.embeddings;
    else if (a == "{PRESET}") a = x.s.preset;
    else if (a == "{OBJECT}") a = x.s.object;
    else if (a == "{TF}") a = x.s.data + "/objects/" + x.s.object + "/transforms_train.json";
  }
  return args;
}
}  // namespace

std::vector<Format> cli_formats(const Seeds&) {
  const std::vector<std::string> synth = {"synth", "--out", "{DS}", "--classes", "chair", "--per-class", "1", "--val",
                                          "0", "--test", "0", "--size", "8", "--supersample", "1"};
  const std::vector<std::string> views = {"views", "--obj", "{OBJ}", "--out", "{DS}", "--size", "8", "--supersample", "1"};
  const std::vector<std::string> fit = {"fit", "--data", "{DATA}", "--preset", "{PRESET}", "--objects", "{OBJECT}",
                                        "--archs", "MLP", "--out", "{OUT}", "--quiet"};
  const std::vector<std::string> train = {"train", "--data", "{DATA}", "--preset", "{PRESET}", "--out", "{RUN}"};
  const std::vector<std::string> embed = {"embed", "--encoder", "{ENC}", "--nerfs", "{NERF}", "--out", "{OUT}/e.safetensors"};
  const std::vector<std::string> plot = {"plot", "--embeddings", "{EMB}", "--out", "{OUT}", "--iterations", "50"};
  const std::vector<std::string> render = {"render", "--nerf", "{NERF}", "--out", "{PNG}", "--size", "8"};
  const std::vector<std::string> render_tf = {"render", "--nerf", "{NERF}", "--transforms", "{TF}", "--out", "{PNG}", "--size", "8"};
  const std::vector<Numeric> options = {
      {synth, "--per-class"}, {synth, "--val"}, {synth, "--test"}, {synth, "--size", false, true},
      {synth, "--supersample"}, {synth, "--seed", false, false, true}, {views, "--size", false, true}, {views, "--supersample"},
      {fit, "--workers"}, {train, "--epochs"}, {train, "--seed", false, false, true}, {train, "--probe-every"}, {embed, "--batch"},
      {{"eval-retrieve", "--embeddings", "{EMB}", "--out", "{OUT}"}, "--k"},
      {{"eval-classify", "--embeddings", "{EMB}", "--preset", "{PRESET}", "--out", "{OUT}"}, "--seeds", false, false, true},
      {plot, "--queries"}, {plot, "--k"}, {plot, "--perplexity", true}, {plot, "--iterations"}, {plot, "--seed", false, false, true},
      {render, "--view"}, {render, "--size", false, true}, {render, "--turntable"}, {render_tf, "--frame"}};
  const std::vector<std::string> ints = {"2147483648", "4294967304", "9223372036854775808", "-4", "2.5", "1e3",
                                         "nan", "", "0x10", "12abc", "99999999999999999999"};
  const std::vector<std::string> floats = {"nan", "inf", "-inf", "1e999", "abc", "", "-30"};
  Kind k = [=](Ctx& x) {
    const Numeric& o = x.rng.pick(options);
    std::vector<std::string> values = o.is_float ? floats : ints;
    if (o.is_seed) values = {"-4", "2.5", "nan", "", "0x10", "12abc", "99999999999999999999"};
    if (o.is_size) values.push_back("100000");
    const std::string v = x.rng.pick(values);
    std::vector<std::string> args = fill(x, o.base);
    bool replaced = false;
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == o.option) args[i + 1] = v, replaced = true;
    if (!replaced) args.insert(args.end(), {o.option, v});
    x.command(args);
    x.c.names = {o.option};
    x.c.name = args[0] + " " + o.option + " '" + v + "'";
  };
  return {{"cli", {k}}};
}

}  // namespace ws::fuzz
