#include "tools/cli.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/error.h"
#include "kernels/gemm.h"
#include "kernels/gemm_amx.h"

namespace ws::cli {

Args::Args(std::string command, std::string summary, std::vector<Option> options, std::string positional_help)
    : command_(std::move(command)), summary_(std::move(summary)), positional_help_(std::move(positional_help)),
      options_(std::move(options)) {}

const Option& Args::find(const std::string& name) const {
  for (const Option& o : options_)
    if (o.name == name) return o;
  fail(str_cat("wsnerf ", command_, ": unknown option '", name, "' (see wsnerf ", command_, " --help)"));
}

bool Args::parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", help().c_str());
      return false;
    }
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      WS_CHECK(!positional_help_.empty(), "wsnerf ", command_, ": unexpected argument '", a, "'");
      positional_.push_back(a);
      continue;
    }
    std::string value;
    size_t eq = a.find('=');
    if (eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    const Option& o = find(a);
    if (o.value.empty()) {
      WS_CHECK(eq == std::string::npos, "wsnerf ", command_, ": ", a, " takes no value");
      values_[a] = "1";
      continue;
    }
    if (eq == std::string::npos) {
      WS_CHECK(i + 1 < argc, "wsnerf ", command_, ": ", a, " needs a value (", o.value, ")");
      value = argv[++i];
    }
    if (o.repeatable) lists_[a].push_back(value);
    values_[a] = value;
  }
  for (const Option& o : options_)
    WS_CHECK(!o.required || values_.count(o.name), "wsnerf ", command_, ": missing ", o.name, " ", o.value,
             " (see wsnerf ", command_, " --help)");
  return true;
}

std::string Args::help() const {
  std::ostringstream os;
  os << "usage: wsnerf " << command_ << " [options]" << (positional_help_.empty() ? "" : " " + positional_help_)
     << "\n\n" << summary_ << "\n\noptions:\n";
  for (const Option& o : options_) {
    std::string head = "  " + o.name + (o.value.empty() ? "" : " " + o.value);
    os << head << std::string(head.size() < 28 ? 28 - head.size() : 1, ' ') << o.help;
    if (o.required) os << " (required)";
    else if (!o.default_value.empty()) os << " (default " << o.default_value << ")";
    os << "\n";
  }
  os << "  --help                    this text\n";
  return os.str();
}

bool Args::has(const std::string& name) const {
  find(name);
  return values_.count(name) > 0;
}

std::string Args::str(const std::string& name) const {
  const Option& o = find(name);
  auto it = values_.find(name);
  return it != values_.end() ? it->second : o.default_value;
}

int64_t parse_integer(const std::string& what, const std::string& s, int64_t lo, int64_t hi) {
  int64_t v = 0;
  bool parsed = false;
  try {
    size_t used = 0;
    v = std::stoll(s, &used);
    parsed = used == s.size();
  } catch (const std::invalid_argument&) {
  } catch (const std::out_of_range&) {
    fail(str_cat("wsnerf ", what, " = '", s, "' is outside [", lo, ", ", hi, "]"));
  }
  WS_CHECK(parsed, "wsnerf ", what, " expects an integer, got '", s, "'");
  WS_CHECK(v >= lo && v <= hi, "wsnerf ", what, " = ", v, " is outside [", lo, ", ", hi, "]");
  return v;
}

int64_t Args::i64(const std::string& name, int64_t lo, int64_t hi) const {
  return parse_integer(str_cat(command_, ": ", name), str(name), lo, hi);
}

uint64_t Args::u64(const std::string& name) const { return parse_seed(str_cat(command_, ": ", name), str(name)); }

uint64_t parse_seed(const std::string& what, const std::string& s) {
  const bool digits = !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos;
  WS_CHECK(digits, "wsnerf ", what, ": expected a non-negative integer, got '", s, "'");
  return std::stoull(s);
}

double Args::f64(const std::string& name) const {
  std::string s = str(name);
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used == s.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  fail(str_cat("wsnerf ", command_, ": ", name, " expects a finite number, got '", s, "'"));
}

bool Args::flag(const std::string& name) const { return str(name) == "1"; }

std::vector<std::string> Args::list(const std::string& name) const {
  WS_CHECK(find(name).repeatable, "wsnerf ", command_, ": ", name, " is not a repeatable option");
  auto it = lists_.find(name);
  return it == lists_.end() ? std::vector<std::string>{} : it->second;
}

Preset with_overrides(Preset p, const Args& args) {
  apply_overrides(p, args.list("--set"));
  return p;
}

void apply_precision(const Args& args) {
  GemmPrecision p = parse_gemm_precision(args.str("--precision"));
  set_gemm_precision(p);
  if (p == GemmPrecision::Tf32) std::fprintf(stderr, "wsnerf: CUDA GEMMs in tf32 (the CPU computes fp32)\n");
  if (p == GemmPrecision::Bf16x3)
    std::fprintf(stderr, "wsnerf: CPU GEMMs in bf16x3 on AMX tiles%s (CUDA computes fp32)\n",
                 amx_usable() ? "" : str_cat(": unavailable, fp32 instead (", amx_note(), ")").c_str());
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream is(s);
  while (std::getline(is, cur, sep))
    if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace ws::cli
