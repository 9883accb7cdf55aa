#include "models/nerf/nerf_file.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <climits>
#include <cstdlib>
#include <set>

#include "engine/json.h"
#include "models/nerf/occupancy_bits.h"

namespace ws {

namespace {
const char* kMlpKey = "mlp_base.params";
const char* kTriKey = "triplane";
const char* kHashKey = "encoding.params";
const char* kOccKey = "occupancy";
// Metadata keys with their own fields; every other key is a statistic.
const std::set<std::string> kReservedMeta = {"format", "arch", "render_step", "object", "class", "occupancy_res"};

Shape encoding_shape(const ArchSpec& a) {
  if (a.family == Family::Tri) return {3, a.tri_res, a.tri_res, a.tri_channels};
  return {a.encoding_params()};
}

const char* encoding_key(const ArchSpec& a) { return a.family == Family::Tri ? kTriKey : kHashKey; }

int parse_int(const std::string& where, const std::string& key, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const long long r = std::strtoll(v.c_str(), &end, 10);
  WS_CHECK(!v.empty() && *end == '\0', where, ": metadata '", key, "' = '", v, "' is not an integer");
  WS_CHECK(errno == 0 && r >= INT_MIN && r <= INT_MAX, where, ": metadata '", key, "' = '", v, "' is out of range");
  return int(r);
}

// A copy on the CPU that shares nothing with t.
// NaN weights render a transparent image and embed to a meaningless vector.
void check_finite(const std::string& where, const char* name, const Tensor& t) {
  const int64_t i = first_non_finite(t);
  WS_CHECK(i < 0, where, ": tensor '", name, "' holds a non-finite value (element ", i, ")");
}

Tensor cpu_copy(const Tensor& t) { return t.device().is_cpu() ? t.clone() : t.to(Device::cpu()); }

std::string format_float(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", double(v));
  return buf;
}
}  // namespace

void NerfFile::validate(const std::string& where) const {
  auto shape_check = [&](const char* name, const Tensor& t, DType dtype, const Shape& shape) {
    WS_CHECK(t.defined(), where, ": missing tensor '", name, "'");
    WS_CHECK(t.dtype() == dtype, where, ": tensor '", name, "' is ", dtype_name(t.dtype()), ", expected ",
             dtype_name(dtype));
    WS_CHECK(t.shape() == shape, where, ": tensor '", name, "' has shape ", t.shape().str(), ", expected ",
             shape.str(), " (architecture ", arch.name, ")");
  };
  shape_check(kMlpKey, mlp, DType::F32, {arch.mlp_params()});
  if (arch.family == Family::Mlp)
    WS_CHECK(!encoding.defined(), where, ": architecture ", arch.name, " (mlp) has no encoding tensor, got one");
  else
    shape_check(encoding_key(arch), encoding, DType::F32, encoding_shape(arch));
  WS_CHECK(occupancy_res >= 1 && occupancy_res <= 1024, where, ": occupancy resolution ", occupancy_res,
           " outside [1, 1024]");
  WS_CHECK(occupancy.defined(), where, ": missing tensor '", kOccKey, "'");
  WS_CHECK(occupancy.dtype() == DType::U8, where, ": tensor '", kOccKey, "' is ", dtype_name(occupancy.dtype()),
           ", expected U8");
  WS_CHECK(occupancy.shape() == Shape{occupancy_bytes(occupancy_res)}, where, ": tensor '", kOccKey, "' has shape ",
           occupancy.shape().str(), ", expected [", occupancy_bytes(occupancy_res), "] (", occupancy_res,
           "^3 cells, one bit each)");
  WS_CHECK(std::isfinite(render_step) && render_step > kMinRenderStep && render_step < kMaxRenderStep, where,
           ": render_step ", render_step, " is outside (", kMinRenderStep, ", ", kMaxRenderStep,
           ") (smaller steps make a render take unbounded time)");

  for (const auto& kv : stats)
    WS_CHECK(!kReservedMeta.count(kv.first), where, ": statistic '", kv.first, "' collides with a metadata field");
}

std::vector<float> NerfFile::flat_params() const {
  std::vector<float> out;
  out.reserve(size_t(arch.total_params()));
  if (encoding.defined()) {
    std::vector<float> e = encoding.to_vector();
    out.insert(out.end(), e.begin(), e.end());
  }
  std::vector<float> m = mlp.to_vector();
  out.insert(out.end(), m.begin(), m.end());
  return out;
}

bool NerfFile::records_init() const { return stats.count("init_seed") && stats.count("init_stream"); }

std::vector<float> NerfFile::initial_flat_params(const std::string& where) const {
  WS_CHECK(records_init(), where, ": the file does not record its starting weights (init_seed, init_stream); "
           "refit it with this version of wsnerf fit, or use encoder.reference 'zeros' or 'none'");
  auto number = [&](const char* key) {
    const std::string& v = stats.at(key);
    char* end = nullptr;
    errno = 0;
    const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
    WS_CHECK(!v.empty() && *end == '\0' && errno == 0 && v[0] != '-', where, ": metadata '", key, "' = '", v,
             "' is not an unsigned integer");
    return uint64_t(x);
  };
  FieldBatch f = make_field_batch(arch, 1, Device::cpu());
  init_field(f, 0, number("init_seed"), number("init_stream"));
  NerfFile start = *this;
  store_field(f, 0, start);
  return start.flat_params();
}

NerfFile load_nerf(const std::string& path) {
  TensorFile tf = load_safetensors(path);
  NerfFile n;
  const std::string format = tf.meta_or("format", "");
  WS_CHECK(format == kNerfFormat, path, ": ",
           format.empty() ? std::string("no 'format' metadata") : "unknown format '" + format + "'", " (expected ",
           kNerfFormat, ")");
  nlohmann::json spec = parse_json(tf.meta("arch"), path + ": 'arch' metadata");
  n.arch = ArchSpec::from_json(spec, path + " (arch metadata)");
  n.occupancy_res = tf.metadata.count("occupancy_res")
                        ? parse_int(path, "occupancy_res", tf.meta("occupancy_res"))
                        : kDefaultOccupancyRes;
  {
    const std::string v = tf.meta("render_step");
    char* end = nullptr;
    n.render_step = std::strtof(v.c_str(), &end);
    WS_CHECK(!v.empty() && *end == '\0', path, ": metadata 'render_step' = '", v, "' is not a number");
  }
  n.object = tf.meta_or("object", "");
  n.cls = tf.meta_or("class", "");
  for (const auto& kv : tf.metadata)
    if (!kReservedMeta.count(kv.first)) n.stats[kv.first] = kv.second;

  const bool has_enc = n.arch.family != Family::Mlp;
  for (const auto& [name, t] : tf.tensors) {
    if (name == kMlpKey)
      n.mlp = t;
    else if (name == kOccKey)
      n.occupancy = t;
    else if (has_enc && name == encoding_key(n.arch))
      n.encoding = t;
    else
      fail(str_cat(path, ": unexpected tensor '", name, "' for architecture ", n.arch.name, " (",
                   family_name(n.arch.family), ")"));
  }
  n.validate(path);
  check_finite(path, kMlpKey, n.mlp);
  if (n.encoding.defined()) check_finite(path, encoding_key(n.arch), n.encoding);
  return n;
}

void save_nerf(const std::string& path, const NerfFile& n) {
  n.validate(path);
  NamedTensors tensors = {{kMlpKey, n.mlp}};
  if (n.encoding.defined()) tensors.push_back({encoding_key(n.arch), n.encoding});
  tensors.push_back({kOccKey, n.occupancy});
  Metadata meta = n.stats;
  meta["format"] = kNerfFormat;
  meta["arch"] = n.arch.to_json().dump();
  meta["render_step"] = format_float(n.render_step);
  meta["object"] = n.object;
  meta["class"] = n.cls;
  if (n.occupancy_res != kDefaultOccupancyRes) meta["occupancy_res"] = std::to_string(n.occupancy_res);
  save_safetensors(path, tensors, meta);
}

FieldBatch field_batch_from(const std::vector<NerfFile>& files, Device d) {
  WS_CHECK(!files.empty(), "field_batch_from: no NeRFs");
  const ArchSpec& a = files[0].arch;
  for (size_t i = 0; i < files.size(); ++i) {
    WS_CHECK(files[i].arch.same_shape(a), "field_batch_from: NeRF ", i, " is ", files[i].arch.name,
             ", not the same architecture as NeRF 0 (", a.name, ")");
    files[i].validate(str_cat("field_batch_from: NeRF ", i));
  }
  FieldBatch f = make_field_batch(a, int64_t(files.size()), d);
  const int64_t P = a.mlp_params(), E = a.encoding_params();
  for (size_t i = 0; i < files.size(); ++i) {
    f.mlp.value().view_at(int64_t(i) * P, {P}).copy_from(files[i].mlp);
    if (E) f.encoding.value().view_at(int64_t(i) * E, {E}).copy_from(files[i].encoding.reshape({E}));
  }
  return f;
}

void store_field(const FieldBatch& f, int64_t b, NerfFile& n) {
  WS_CHECK(b >= 0 && b < f.B, "store_field: NeRF ", b, " of a batch of ", f.B);
  n.arch = f.arch;
  const int64_t P = f.arch.mlp_params(), E = f.arch.encoding_params();
  n.mlp = cpu_copy(f.mlp.value().view_at(b * P, {P}));
  n.encoding = E ? cpu_copy(f.encoding.value().view_at(b * E, {E})).reshape(encoding_shape(f.arch)) : Tensor();
}

}  // namespace ws
