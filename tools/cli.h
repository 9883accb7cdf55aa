// Command-line parsing for the wsnerf subcommands: each declares its options once and
// gets parsing, validation and its --help text from that declaration.
#pragma once
#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/preset.h"

namespace ws::cli {

struct Option {
  std::string name;          // "--out"
  std::string value;         // placeholder shown in help ("DIR"); empty for a flag
  std::string help;
  std::string default_value; // used when absent; "" with required = no default
  bool required = false;
  bool repeatable = false;   // may be given several times (Args::list)
};

// The one --device option every command that computes takes (parse with parse_device).
inline const Option kDeviceOption{"--device", "DEV", "cpu, cuda, cuda:N or auto", "auto"};
// How GEMMs multiply (kernels/gemm.h GemmPrecision); apply it with apply_precision.
inline const Option kPrecisionOption{"--precision", "P",
                                     "fp32; tf32: CUDA GEMMs on TF32 tensor cores; bf16x3: CPU GEMMs on AMX tiles, "
                                     "each operand split into two bf16 (~2^-15 per product)",
                                     "fp32"};
// Preset overrides, for the commands that take --preset (load_preset_of).
inline const Option kSetOption{"--set", "S.K=V",
                               "change one preset setting, e.g. --set encoder.value_scale=3 (repeatable; the value is "
                               "JSON or a plain string)",
                               "", false, true};
// The evaluations' embedding centring (models/eval/eval_sets.h apply_centring).
inline const Option kCentreOption{"--centre", "MODE",
                                  "arch: centre each architecture's embeddings of a split on their mean; none: raw "
                                  "(the paper's protocol)",
                                  "arch"};

class Args {
 public:
  Args(std::string command, std::string summary, std::vector<Option> options, std::string positional_help = "");

  // Parses argv[first..argc). Unknown options and missing values throw ws::Error.
  // Returns false when --help was asked for (the help text is then printed).
  bool parse(int argc, char** argv, int first = 2);
  std::string help() const;

  bool has(const std::string& name) const;  // given on the command line
  std::string str(const std::string& name) const;
  // Integers checked into [lo, hi] (never wrapped into a narrower type); errors name the option.
  int64_t i64(const std::string& name, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX) const;
  int i32(const std::string& name, int lo, int hi = INT_MAX) const { return int(i64(name, lo, hi)); }
  // A non-negative integer such as a seed (parse_seed).
  uint64_t u64(const std::string& name) const;
  // A finite number (no nan, no inf).
  double f64(const std::string& name) const;
  bool flag(const std::string& name) const;
  // Every value of a repeatable option, in command-line order (empty when absent).
  std::vector<std::string> list(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  const Option& find(const std::string& name) const;
  std::string command_, summary_, positional_help_;
  std::vector<Option> options_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> lists_;  // repeatable options
  std::vector<std::string> positional_;
};

// A preset with the command line's --set overrides applied (apply_overrides).
Preset with_overrides(Preset p, const Args& args);
// --preset (a built-in name or a JSON file) with the --set overrides applied.
inline Preset load_preset_of(const Args& args) { return with_overrides(load_preset(args.str("--preset")), args); }

// Sets the process's GEMM precision from --precision (and says so on stderr when not fp32).
void apply_precision(const Args& args);

// An integer in [lo, hi] (one part of a list option, or an option's value); errors name
// `what` ("eval-retrieve: --k"). The one place the command line's integers are parsed.
int64_t parse_integer(const std::string& what, const std::string& s, int64_t lo, int64_t hi);
// A non-negative integer such as a seed from one part of a list option; errors name `what`.
uint64_t parse_seed(const std::string& what, const std::string& s);

// Splits "a,b,c" into its parts (empty parts dropped).
std::vector<std::string> split_list(const std::string& s, char sep = ',');

}  // namespace ws::cli
