#include "models/eval/eval_sets.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "models/nerf/arch.h"

namespace ws {

std::vector<std::string> archs_in_table_order(const EmbeddingSet& set, const std::string& split) {
  std::vector<std::string> present;
  for (const EmbeddingRow& r : set.rows)
    if ((split.empty() || r.split == split) && std::find(present.begin(), present.end(), r.arch) == present.end())
      present.push_back(r.arch);
  std::vector<std::string> out;
  for (const ArchSpec& a : builtin_archs())  // training archs come first in the built-in list
    if (std::find(present.begin(), present.end(), a.name) != present.end()) out.push_back(a.name);
  for (const std::string& a : present)
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  return out;
}

std::vector<int32_t> class_labels(const EmbeddingSet& set) {
  std::vector<std::string> classes = set.classes();
  std::vector<int32_t> out;
  out.reserve(set.rows.size());
  for (const EmbeddingRow& r : set.rows)
    out.push_back(int32_t(std::lower_bound(classes.begin(), classes.end(), r.cls) - classes.begin()));
  return out;
}

std::vector<int64_t> rows_of(const EmbeddingSet& set, const std::string& split, const std::vector<std::string>& archs) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < set.size(); ++i) {
    const EmbeddingRow& r = set.rows[size_t(i)];
    if (r.split == split && std::find(archs.begin(), archs.end(), r.arch) != archs.end()) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(), [&](int64_t a, int64_t b) {
    const EmbeddingRow &x = set.rows[size_t(a)], &y = set.rows[size_t(b)];
    return std::tie(x.object, x.arch) < std::tie(y.object, y.arch);
  });
  return out;
}

std::vector<float> gather_embeddings(const EmbeddingSet& set, const std::vector<int64_t>& rows) {
  WS_CHECK(set.embeddings.defined() && set.embeddings.ndim() == 2 && set.embeddings.dtype() == DType::F32,
           "embeddings must be F32 [N, D], got ", set.embeddings.defined() ? describe(set.embeddings) : "none");
  const int64_t D = set.dim();
  Tensor host = set.embeddings.to(Device::cpu());
  const float* x = host.f32();
  std::vector<float> out(rows.size() * size_t(D));
  for (size_t i = 0; i < rows.size(); ++i) {
    WS_CHECK(rows[i] >= 0 && rows[i] < set.size(), "gather_embeddings: row ", rows[i], " of ", set.size());
    std::copy_n(x + rows[i] * D, D, out.begin() + int64_t(i) * D);
  }
  return out;
}

const EnumNames<Centring>& centring_names() {
  static const EnumNames<Centring> names = {{"none", Centring::None}, {"arch", Centring::Arch}};
  return names;
}

void apply_centring(EmbeddingSet& set, Centring mode) {
  set.info["centring"] = centring_name(mode);
  if (mode == Centring::None || set.size() == 0) return;
  WS_CHECK(set.embeddings.defined() && set.embeddings.ndim() == 2 && set.embeddings.dtype() == DType::F32,
           "embeddings must be F32 [N, D], got ", set.embeddings.defined() ? describe(set.embeddings) : "none");
  set.embeddings = set.embeddings.to(Device::cpu()).clone();  // not the caller's storage
  const int64_t D = set.dim();
  float* x = set.embeddings.f32();
  std::map<std::pair<std::string, std::string>, std::vector<int64_t>> groups;
  for (int64_t i = 0; i < set.size(); ++i) groups[{set.rows[size_t(i)].split, set.rows[size_t(i)].arch}].push_back(i);
  for (const auto& [key, rows] : groups) {
    std::vector<double> mean(size_t(D), 0.0);  // double: the common part is ~1000x the rest
    for (int64_t r : rows)
      for (int64_t k = 0; k < D; ++k) mean[size_t(k)] += x[r * D + k];
    for (double& m : mean) m /= double(rows.size());
    for (int64_t r : rows)
      for (int64_t k = 0; k < D; ++k) x[r * D + k] = float(double(x[r * D + k]) - mean[size_t(k)]);
  }
}

Centring centring_of(const EmbeddingSet& set) {
  auto it = set.info.find("centring");
  return it == set.info.end() ? Centring::None : parse_centring(it->second, "embeddings: centring");
}

std::string centring_label(Centring mode) {
  return mode == Centring::Arch ? "embeddings centred per architecture and split" : "raw embeddings (the paper's protocol)";
}

LabeledSet labeled_rows(const EmbeddingSet& set, const std::vector<int64_t>& rows, const std::vector<int32_t>& labels) {
  LabeledSet s;
  s.dim = set.dim();
  s.x = gather_embeddings(set, rows);
  for (int64_t r : rows) s.labels.push_back(labels[size_t(r)]);
  return s;
}

}  // namespace ws
