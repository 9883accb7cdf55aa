#include "models/train/trainer.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "data/nerf_dataset.h"
#include "models/render/psnr.h"
#include "engine/io.h"
#include "engine/json.h"
#include "engine/optim.h"
#include "engine/progress.h"
#include "engine/schedule.h"
#include "engine/trace.h"
#include "models/gmn/checkpoint.h"
#include "models/gmn/reference.h"
#include "models/graph/graph_batch.h"
#include "models/train/nerf_loader.h"
#include "models/train/pair_sampler.h"
#include "models/train/run_checkpoint.h"
#include "models/eval/probes.h"
#include "models/train/siglip.h"
#include "models/train/step_losses.h"

namespace fs = std::filesystem;

namespace ws {

// ---- configuration ---------------------------------------------------------------------
TrainConfig TrainConfig::from_preset(const Preset& p) {
  TrainConfig c;
  p.check_keys("train", {"objective", "epochs", "lr", "weight_decay", "warmup", "pairs_per_batch", "rays_per_nerf",
                         "samples_per_nerf", "bg_points", "contrastive_weight", "contrastive_centring", "teacher_pool",
                         "seed", "probe_every", "siglip_init_bias", "head_lr_scale", "decoder_input", "keep", "loader"});
  p.check_keys("decoder", {"hidden", "freq_bands"});
  c.encoder = GmnConfig::from_json(p.section("encoder"), "preset " + p.name);
  c.decoder.hidden = p.get<int>("decoder", "hidden");
  c.decoder.freq_bands = p.get_or<int>("decoder", "freq_bands", 48);
  c.decoder.emb_dim = c.encoder.out_dim;
  c.objective = parse_objective(p.get<std::string>("train", "objective"), p.where("train", "objective"));
  c.epochs = p.get<int>("train", "epochs");
  c.lr = p.get<double>("train", "lr");
  c.weight_decay = p.get<double>("train", "weight_decay");
  c.warmup = p.get_or<double>("train", "warmup", 0.3);
  c.pairs_per_batch = p.get<int>("train", "pairs_per_batch");
  c.render.rays_per_nerf = p.get<int64_t>("train", "rays_per_nerf");
  c.render.samples_per_nerf = p.get<int64_t>("train", "samples_per_nerf");
  c.render.bg_points = p.get<int64_t>("train", "bg_points");
  c.contrastive_weight = p.get<float>("train", "contrastive_weight");
  c.contrastive_centring = parse_contrastive_centring(p.get_or<std::string>("train", "contrastive_centring", "none"),
                                                     p.where("train", "contrastive_centring"));
  c.teacher_pool = p.get_or<int64_t>("train", "teacher_pool", 4 * c.render.rays_per_nerf);
  c.seed = p.get_or<uint64_t>("train", "seed", 0);
  c.probe_every = p.get_or<int64_t>("train", "probe_every", 0);
  c.siglip_init_bias = p.get_or<float>("train", "siglip_init_bias", kSiglipInitBias);
  WS_CHECK(std::isfinite(c.siglip_init_bias), "preset ", p.name, ": train.siglip_init_bias must be a finite number");
  c.head_lr_scale = p.get_or<double>("train", "head_lr_scale", 1.0);
  WS_CHECK(c.head_lr_scale > 0, "preset ", p.name, ": train.head_lr_scale must be positive, got ", c.head_lr_scale);
  c.decoder_input = p.get_or<std::string>("train", "decoder_input", "raw");
  WS_CHECK(c.decoder_input == "raw" || c.decoder_input == "batch", "preset ", p.name,
           ": train.decoder_input must be 'raw' or 'batch', got '", c.decoder_input, "'");
  c.loader = parse_loader_mode(p.get_or<std::string>("train", "loader", "memory"), p.where("train", "loader"));
  c.keep = p.get_or<std::string>("train", "keep", "best");
  WS_CHECK(c.keep == "best" || c.keep == "last", "preset ", p.name, ": train.keep must be 'best' or 'last', got '",
           c.keep, "'");
  WS_CHECK(c.probe_every >= 0, "preset ", p.name, ": train.probe_every must be 0 or more, got ", c.probe_every);
  // Settings a run would otherwise accept and train nonsense with (exit 0).
  auto require = [&](bool ok, const char* section, const char* key, const auto& v, const char* rule) {
    WS_CHECK(ok, p.where(section, key), " = ", v, ": must be ", rule);
  };
  require(c.epochs >= 0, "train", "epochs", c.epochs, "0 or more");
  // Adam's steps are about lr in size: above 1 every weight jumps by more than its scale.
  require(c.lr > 0 && c.lr <= 1, "train", "lr", c.lr, "in (0, 1]");
  require(c.weight_decay >= 0 && c.weight_decay <= 1, "train", "weight_decay", c.weight_decay, "in [0, 1]");
  require(c.warmup >= 0 && c.warmup < 1, "train", "warmup", c.warmup, "a fraction of the run in [0, 1)");
  // Sizes decide allocation: bounded well above the paper's (e.g. 25000 samples per NeRF).
  constexpr int64_t kMany = int64_t(1) << 24;
  require(c.pairs_per_batch >= 1 && c.pairs_per_batch <= 4096, "train", "pairs_per_batch", c.pairs_per_batch,
          "in [1, 4096]");
  require(c.render.rays_per_nerf >= 1 && c.render.rays_per_nerf <= kMany, "train", "rays_per_nerf",
          c.render.rays_per_nerf, "in [1, 2^24]");
  require(c.render.samples_per_nerf >= 1 && c.render.samples_per_nerf <= kMany, "train", "samples_per_nerf",
          c.render.samples_per_nerf, "in [1, 2^24]");
  require(c.render.bg_points >= 0 && c.render.bg_points <= kMany, "train", "bg_points", c.render.bg_points,
          "in [0, 2^24]");
  require(c.contrastive_weight >= 0, "train", "contrastive_weight", c.contrastive_weight, "0 or more");
  require(c.teacher_pool >= 1 && c.teacher_pool <= kMany, "train", "teacher_pool", c.teacher_pool,
          "in [1, 2^24]");
  require(c.decoder.hidden >= 1 && c.decoder.hidden <= 8192, "decoder", "hidden", c.decoder.hidden, "in [1, 8192]");
  require(c.decoder.freq_bands >= 0 && c.decoder.freq_bands <= 128, "decoder", "freq_bands", c.decoder.freq_bands,
          "in [0, 128]");
  c.archs = p.get_or<std::vector<std::string>>("fit", "archs", {"MLP", "TRI", "HASH"});
  return c;
}

nlohmann::json TrainConfig::to_json() const {
  return {{"data", data},
          {"nerfs", nerfs},
          {"archs", archs},
          {"objective", objective_name(objective)},
          {"encoder", encoder.to_json()},
          {"decoder", decoder.to_json()},
          {"render", {{"rays_per_nerf", render.rays_per_nerf}, {"samples_per_nerf", render.samples_per_nerf},
                      {"bg_points", render.bg_points}, {"fg_weight", render.fg_weight}, {"bg_weight", render.bg_weight}}},
          {"epochs", epochs},
          {"lr", lr},
          {"weight_decay", weight_decay},
          {"warmup", warmup},
          {"pairs_per_batch", pairs_per_batch},
          {"contrastive_weight", contrastive_weight},
          {"contrastive_centring", contrastive_centring_name(contrastive_centring)},
          {"decoder_input", decoder_input},
          {"siglip_init_bias", siglip_init_bias},
          {"head_lr_scale", head_lr_scale},
          {"keep", keep},
          {"teacher_pool", teacher_pool},
          {"loader", loader_mode_name(loader)},
          {"seed", seed}};
}

namespace {

std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted = true; }

// ---- data ------------------------------------------------------------------------------
NerfLoader make_loader(const TrainConfig& cfg, const std::string& split, Device d) {
  LoaderSettings l;
  l.data = cfg.data;
  l.nerfs_dir = cfg.nerfs;
  l.archs = cfg.archs;
  l.reference = cfg.encoder.reference;
  l.pools = renders(cfg.objective);
  l.teacher_pool = cfg.teacher_pool;
  l.teacher_seed = cfg.seed + 17;
  l.device = d;
  l.mode = cfg.loader;
  return NerfLoader(std::move(l), split);
}

// ---- the model -----------------------------------------------------------------------
struct Model {
  ParamSet enc_ps, head_ps;  // the encoder alone (its checkpoints), and decoder + SigLIP
  GmnEncoder enc;
  std::optional<Decoder> dec;
  Var log_t, bias;
  Model(const TrainConfig& cfg, Device d) : enc(cfg.encoder, enc_ps) {
    if (renders(cfg.objective)) dec.emplace(cfg.decoder, head_ps);
    log_t = head_ps.add("siglip.log_t", {1});
    bias = head_ps.add("siglip.bias", {1});
    enc_ps.materialize(d);
    head_ps.materialize(d);
    enc.init(cfg.seed);
    if (dec) dec->init(cfg.seed + 1);
    log_t.value().fill_(kSiglipInitLogT);
    bias.value().fill_(cfg.siglip_init_bias);
  }
};

struct BatchLoss {
  Var loss, render, contrastive;  // [1] each, on the device; a term the objective lacks is undefined
};

GraphBatch graph_batch(const std::vector<const LoadedNerf*>& nerfs, const GmnConfig& cfg, Device d) {
  std::vector<const GraphTemplate*> ts;
  std::vector<const float*> ps, refs;
  for (const LoadedNerf* n : nerfs) {
    ts.push_back(n->graph);
    ps.push_back(n->params.data());
    if (n->reference) refs.push_back(n->reference->data());
  }
  return make_encoder_batch(ts, ps, refs, cfg, d);
}

std::vector<int64_t> files_of(const SplitIndex& s, const SampledBatch& b) {
  std::vector<int64_t> files;
  for (size_t k = 0; k < b.objects.size(); ++k) {
    size_t a = size_t(std::find(s.archs.begin(), s.archs.end(), b.archs[k]) - s.archs.begin());
    files.push_back(s.file(b.objects[k], a));
  }
  return files;
}

// The files of consecutive runs of `per_batch` files of a split, in file order.
std::vector<std::vector<int64_t>> file_chunks(const SplitIndex& s, int64_t per_batch) {
  std::vector<std::vector<int64_t>> chunks;
  for (int64_t f = 0; f < s.files(); ++f) {
    if (f % per_batch == 0) chunks.emplace_back();
    chunks.back().push_back(f);
  }
  return chunks;
}

// z [2n, D]: rows 2k and 2k+1 are one object in two architectures (b.archs).
Var contrastive(const Model& m, const TrainConfig& cfg, const Var& z_raw, const SampledBatch& b, Device d) {
  WS_PHASE("siglip");
  const int64_t n_pairs = int64_t(b.objects.size() / 2);
  const Var z = cfg.contrastive_centring == ContrastiveCentring::Batch ? centre_by_group(z_raw, b.archs) : z_raw;
  // [2n, D] as [n, 2D]: the even rows are the left halves, the odd rows the right ones (views, no index upload)
  std::vector<Var> pair = split_last(reshape(slice_rows(z, 0, 2 * n_pairs), {n_pairs, 2 * z.shape()[1]}),
                                     {z.shape()[1], z.shape()[1]});
  return siglip_loss(pair[0], pair[1], m.log_t, m.bias);
}

// nerfs: the batch's NeRFs, in the order of b.
BatchLoss batch_loss(const Model& m, const TrainConfig& cfg, const std::vector<const LoadedNerf*>& nerfs,
                     const SampledBatch& b, uint64_t step, Device d) {
  const GraphBatch g = graph_batch(nerfs, cfg.encoder, d);
  Var z = m.enc.forward(g);
  BatchLoss out;
  std::vector<Var> terms;
  if (renders(cfg.objective)) {
    std::vector<const TeacherPool*> pools;
    for (const LoadedNerf* n : nerfs) pools.push_back(&n->pool);
    Var r = rendering_loss(*m.dec, decoder_input(cfg.decoder_input, z, b.archs), pools, cfg.render, cfg.seed, step, d).loss;
    out.render = r;
    terms.push_back(r);
  }
  if (contrasts(cfg.objective) && b.paired && b.objects.size() >= 2) {
    Var c = contrastive(m, cfg, z, b, d);
    out.contrastive = c;
    terms.push_back(cfg.objective == Objective::Contrastive ? c : mul_scalar(c, cfg.contrastive_weight));
  }
  WS_CHECK(!terms.empty(), "train: objective '", objective_name(cfg.objective), "' has nothing to learn from this batch (",
           b.objects.size(), " NeRFs, paired ", b.paired, ")");
  out.loss = terms.size() == 1 ? terms[0] : add(terms[0], terms[1]);
  return out;
}

// One pass over a split (no gradient): the embeddings of every NeRF, in the split's file
// order with their object, class and architecture (what the probes read), and, when
// `render_se` is given, each chunk's rendering error from the decoder on the same loaded
// NeRFs (their teacher pools), so validation loads the split once. [files, D] on the CPU.
EmbeddingSet embed_split(const Model& m, const TrainConfig& cfg, NerfLoader& split_nerfs, const std::string& split,
                         Device d, std::pair<double, int64_t>* render_se = nullptr) {
  NoGradGuard ng;
  const SplitIndex& s = split_nerfs.index();
  EmbeddingSet out;
  out.embeddings = Tensor::empty({s.files(), cfg.encoder.out_dim});
  std::vector<std::vector<int64_t>> chunks = file_chunks(s, 2LL * cfg.pairs_per_batch);
  split_nerfs.plan(chunks, render_se != nullptr);
  for (const std::vector<int64_t>& files : chunks) {
    const std::vector<const LoadedNerf*> nerfs = split_nerfs.next();
    Var z = m.enc.forward(graph_batch(nerfs, cfg.encoder, d));
    out.embeddings.slice_rows(files.front(), files.back() + 1).copy_from(z.value().to(Device::cpu()));
    if (!render_se) continue;
    std::vector<const TeacherPool*> pools;
    std::vector<std::string> archs;
    for (const LoadedNerf* n : nerfs) pools.push_back(&n->pool);
    for (int64_t f : files) archs.push_back(s.arch_of(f));
    RenderLossResult r = rendering_eval(*m.dec, decoder_input(cfg.decoder_input, z, archs), pools, cfg.render, d);
    render_se->first += r.mse * double(files.size());
    render_se->second += int64_t(files.size());
  }
  for (int64_t f = 0; f < s.files(); ++f) {
    const std::string& obj = s.objects[size_t(s.object_of(f))];
    out.rows.push_back({obj, obj.substr(0, obj.find('/')), s.arch_of(f), split, ""});
  }
  return out;
}

// Validation: the val embeddings and the run's metric, rendering PSNR of the decoder on
// the val NeRFs (r, rc; higher is better) or the SigLIP loss over val pairs (c; lower).
struct Validation {
  EmbeddingSet z;
  double metric = 0;
};
Validation validate(const Model& m, const TrainConfig& cfg, NerfLoader& val, Device d) {
  Validation v;
  if (renders(cfg.objective)) {
    std::pair<double, int64_t> se{0.0, 0};
    v.z = embed_split(m, cfg, val, "val", d, &se);
    v.metric = psnr_from_sum(se.first, se.second);
    return v;
  }
  v.z = embed_split(m, cfg, val, "val", d);
  NoGradGuard ng;
  const Tensor z_dev = v.z.embeddings.to(d);
  PairSampler ps(int64_t(val.index().objects.size()), cfg.archs, cfg.pairs_per_batch, cfg.seed + 99);
  double total = 0;
  int n = 0;
  for (const SampledBatch& b : ps.epoch(0)) {
    if (!b.paired || b.objects.size() < 2) continue;
    const std::vector<int64_t> files = files_of(val.index(), b);
    const std::vector<int32_t> idx(files.begin(), files.end());
    const Var rows = gather_rows(Var(z_dev), Tensor::from(idx, {int64_t(idx.size())}, d));
    total += contrastive(m, cfg, rows, b, d).value().item();
    ++n;
  }
  v.metric = n ? total / n : 0.0;
  return v;
}

// ---- run directory -------------------------------------------------------------------
struct RunState {
  int64_t epoch = 0, batch = 0, step = 0;
  double best = 0;
  bool has_best = false;
  // The epoch's loss sums (total, rendering, contrastive) over batches [0, summed), added in
  // batch order: a run resumed mid-epoch ends with the same averages, to the bit.
  std::array<double, 3> sums{};
  int64_t summed = 0;
};

std::string in_run(const std::string& run, const char* name) { return (fs::path(run) / name).string(); }

// One checkpoint, written as a unit (run_checkpoint.h): a kill at any write leaves the
// previous checkpoint current.
void save_state(const std::string& run, const Model& m, const Adam& oe, const Adam& oh, const RunState& st) {
  const std::string dir = begin_checkpoint(run, st.epoch, st.batch);
  save_encoder(in_run(dir, "last.safetensors"), m.enc, m.enc_ps, {{"step", std::to_string(st.step)}});
  save_params(in_run(dir, "last_heads.safetensors"), m.head_ps);
  oe.save(in_run(dir, "last_optim_enc.safetensors"));
  oh.save(in_run(dir, "last_optim_heads.safetensors"));
  nlohmann::json j = {{"epoch", st.epoch}, {"batch", st.batch}, {"step", st.step}, {"best", st.best},
                      {"has_best", st.has_best}, {"epoch_loss_sums", st.sums}, {"epoch_loss_batches", st.summed}};
  write_file_atomic(in_run(dir, "state.json"), j.dump(2) + "\n");
  commit_checkpoint(run, dir);
}

// state.json with every field type- and range-checked: a negative batch reads outside the
// epoch's batch list, a batch or step past the run silently skips training.
RunState read_state(const std::string& ckpt, int64_t epochs) {
  const std::string path = in_run(ckpt, "state.json");
  nlohmann::json j = parse_json(read_file(path), path);
  WS_CHECK(j.is_object(), path, ": not a JSON object");
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  RunState st;
  st.epoch = json_int_field(j, "epoch", path, 0, epochs);
  st.batch = json_int_field(j, "batch", path, 0, kMax);
  st.step = json_int_field(j, "step", path, 0, kMax);
  st.best = json_field<double>(j, "best", path);
  st.has_best = json_field<bool>(j, "has_best", path);
  // Absent in runs written before them: that epoch's log line then averages from the resume on.
  if (j.contains("epoch_loss_sums")) {
    const auto sums = json_field<std::vector<double>>(j, "epoch_loss_sums", path);
    WS_CHECK(sums.size() == 3, path, ": 'epoch_loss_sums' has ", sums.size(), " values, not 3");
    std::copy(sums.begin(), sums.end(), st.sums.begin());
    st.summed = json_int_field(j, "epoch_loss_batches", path, 0, st.batch);
  }
  return st;
}

// The position against this run's epoch length: a checkpoint is taken after a batch
// (batch <= per_epoch) and every batch is one step.
void check_state_position(const RunState& st, int64_t per_epoch, const std::string& ckpt) {
  const std::string path = in_run(ckpt, "state.json");
  WS_CHECK(st.batch <= per_epoch, path, ": 'batch' = ", st.batch, " is past the ", per_epoch, " batches of an epoch");
  WS_CHECK(st.step == st.epoch * per_epoch + st.batch, path, ": 'step' = ", st.step, " does not match epoch ",
           st.epoch, ", batch ", st.batch, " (", per_epoch, " batches per epoch)");
}

// ckpt: the checkpoint's folder (current_checkpoint).
RunState load_state(const std::string& ckpt, int64_t epochs, int64_t per_epoch, Model& m, Adam& oe, Adam& oh) {
  RunState st = read_state(ckpt, epochs);
  check_state_position(st, per_epoch, ckpt);
  load_encoder(in_run(ckpt, "last.safetensors"), m.enc.config(), m.enc_ps);
  load_params(in_run(ckpt, "last_heads.safetensors"), m.head_ps);
  oe.load(in_run(ckpt, "last_optim_enc.safetensors"));
  oh.load(in_run(ckpt, "last_optim_heads.safetensors"));
  return st;
}

// Appends one line to run/log.jsonl, replacing a line of the same kind and step that a
// run interrupted after writing it (and resumed from an earlier checkpoint) left there.
// Atomic: an interrupted write never leaves half a line.
void append_log_line(const std::string& run, const nlohmann::json& line) {
  const std::string path = in_run(run, "log.jsonl");
  std::string kept;
  if (fs::exists(path)) {
    std::istringstream in(read_file(path));
    for (std::string text; std::getline(in, text);) {
      nlohmann::json j = parse_json_or_discarded(text);
      // Compared as JSON values: a line with a mistyped field is kept, not a type error.
      if (j.is_object() && j.value("kind", nlohmann::json("epoch")) == line.value("kind", nlohmann::json("epoch")) &&
          j.contains("step") && line.contains("step") && j["step"] == line["step"])
        continue;
      kept += text + "\n";
    }
  }
  write_file_atomic(path, kept + line.dump() + "\n");
}

// The first setting of `now` that the run's config.json lacks or holds differently, or "".
// The loader is not compared: it changes how NeRFs are read, not the results.
std::string first_difference(const std::string& run, const nlohmann::json& now) {
  nlohmann::json was = parse_json(read_file(in_run(run, "config.json")), in_run(run, "config.json"));
  WS_CHECK(was.is_object(), in_run(run, "config.json"), ": not a JSON object");
  for (auto it = now.begin(); it != now.end(); ++it)
    if (it.key() != "loader" && (!was.contains(it.key()) || was[it.key()] != it.value()))
      return str_cat(it.key(), " = ", was.contains(it.key()) ? json_excerpt(was[it.key()]) : "(absent)", ", now ",
                     json_excerpt(it.value()));
  return "";
}

}  // namespace

Var decoder_input(const std::string& mode, const Var& z, const std::vector<std::string>& archs) {
  WS_CHECK(mode == "raw" || mode == "batch", "decoder input: expected 'raw' or 'batch', got '", mode, "'");
  if (mode == "raw") return z;
  return mul_scalar(l2_normalize(centre_by_group(z, archs)), std::sqrt(float(z.value().size(1))));
}

TrainSummary train(const TrainConfig& cfg, const std::string& run) {
  auto t0 = std::chrono::steady_clock::now();
  WS_CHECK(!cfg.archs.empty(), "train: no architectures");
  WS_CHECK(cfg.epochs >= 0, "train: epochs must be 0 or more, got ", cfg.epochs);
  WS_CHECK(!contrasts(cfg.objective) || cfg.archs.size() > 1, "train: objective ", objective_name(cfg.objective),
           " pairs architectures: give at least two (--archs)");
  Device d = parse_device(cfg.device);
  make_dirs(run);
  remove_stale_temporaries(run);  // left by a killed run; they would otherwise stay forever
  remove_stale_checkpoints(run);  // and a checkpoint it was writing
  nlohmann::json config = cfg.to_json();
  const std::string ckpt = current_checkpoint(run);
  const bool resume = !ckpt.empty();
  TrainSummary summary;
  summary.metric = renders(cfg.objective) ? "val_psnr" : "val_siglip";
  if (!resume) {
    write_file_atomic(in_run(run, "config.json"), config.dump(2) + "\n");
  } else {
    std::string diff = first_difference(run, config);
    WS_CHECK(diff.empty(), run, " was trained with ", diff, " (an older preset?): delete ", run,
             " or use another --out to train with these settings, or the same settings to resume");
    RunState done = read_state(ckpt, cfg.epochs);  // a finished run: nothing to load or render
    if (done.epoch >= cfg.epochs && done.has_best) {
      // Its position is checked too (a step or batch past the run is a damaged state.json);
      // the epoch length needs only the number of training objects, not the NeRFs.
      const SplitIndex objects = index_split(cfg.data, cfg.nerfs, cfg.archs, "train");
      check_state_position(done, PairSampler(int64_t(objects.objects.size()), cfg.archs, cfg.pairs_per_batch, cfg.seed)
                                     .batches_per_epoch(), ckpt);
      std::fprintf(stderr, "train: %s is complete (%d epochs, %lld steps)\n", run.c_str(), cfg.epochs,
                   (long long)done.step);
      summary.epochs_done = cfg.epochs;
      summary.steps = done.step;
      summary.best_metric = done.best;
      return summary;
    }
  }

  const bool pools = renders(cfg.objective);
  if (cfg.loader == LoaderMode::Memory)
    std::fprintf(stderr, "train: loading NeRFs%s\n", pools ? " and rendering teacher targets" : "");
  else
    std::fprintf(stderr, "train: indexing NeRFs (streamed from disk%s)\n",
                 pools ? ", teacher targets cached beside them" : "");
  std::optional<TraceRange> loading(std::in_place, "load");
  NerfLoader train_set = make_loader(cfg, "train", d), val_set = make_loader(cfg, "val", d);
  loading.reset();
  WS_CHECK(!train_set.index().objects.empty(), "train: no training objects in ", cfg.data);

  Model m(cfg, d);
  Adam oe(m.enc_ps, AdamConfig::adamw(float(cfg.weight_decay))), oh(m.head_ps, AdamConfig::adamw(float(cfg.weight_decay)));
  PairSampler sampler(int64_t(train_set.index().objects.size()), cfg.archs, cfg.pairs_per_batch, cfg.seed);
  const int64_t per_epoch = sampler.batches_per_epoch(), total = per_epoch * cfg.epochs;
  OneCycle sched{cfg.lr, std::max<int64_t>(total, 1), cfg.warmup};
  RunState st;
  if (resume) {
    st = load_state(ckpt, cfg.epochs, per_epoch, m, oe, oh);
    std::fprintf(stderr, "train: resuming %s at epoch %lld, batch %lld (step %lld)\n", run.c_str(),
                 (long long)st.epoch, (long long)st.batch, (long long)st.step);
  }
  const bool higher_better = renders(cfg.objective);
  g_interrupted = false;
  auto old_handler = std::signal(SIGINT, on_sigint);
  int64_t steps_here = 0;
  // Probes of the val embeddings (models/eval/probes.h), into the log and onto the screen.
  auto probe = [&](const EmbeddingSet& val_z, double epoch) {
    ProbeReport p = embedding_probes(val_z);
    append_log_line(run, {{"kind", "probe"}, {"step", st.step}, {"epoch", epoch}, {"probes", p.to_json()}});
    return p;
  };
  if (st.step == 0 && st.batch == 0 && st.epoch == 0)  // the starting point of every curve
    std::fprintf(stderr, "train: step 0 probes: %s\n", probe(embed_split(m, cfg, val_set, "val", d), 0).brief().c_str());
  if (cfg.epochs == 0 && !st.has_best) {
    // The untrained baseline: the initial encoder, validated, is the run's best checkpoint.
    st.best = validate(m, cfg, val_set, d).metric;
    st.has_best = true;
    save_encoder(in_run(run, "best.safetensors"), m.enc, m.enc_ps,
                 {{"epoch", "0"}, {summary.metric, std::to_string(st.best)}});
    save_state(run, m, oe, oh, st);
  }
  for (; st.epoch < cfg.epochs; ++st.epoch, st.batch = 0) {
    std::vector<SampledBatch> batches = sampler.epoch(st.epoch);
    {  // the loader reads ahead of the steps
      std::vector<std::vector<int64_t>> files;
      for (size_t k = size_t(st.batch); k < batches.size(); ++k) files.push_back(files_of(train_set.index(), batches[k]));
      train_set.plan(std::move(files), pools);
    }
    Progress bar(int64_t(batches.size()), str_cat("epoch ", st.epoch + 1, "/", cfg.epochs));
    // Losses stay on the device until read: when the bar redraws, at checkpoints, at the epoch's end.
    StepLosses losses(int64_t(batches.size()), d);
    const int64_t step_of_batch0 = st.step - st.batch;
    int64_t unread = st.batch;  // rows [unread, st.batch) not yet brought to the host
    if (st.batch == 0) st.sums = {}, st.summed = 0;
    // Brings rows [unread, end) to the host, adds them to the epoch's sums; the last row.
    auto read_losses = [&](int64_t end) {
      std::array<float, 3> last{};
      for (const std::array<float, 3>& v : losses.read(unread, end, step_of_batch0)) {
        for (int k = 0; k < 3; ++k) st.sums[size_t(k)] += v[size_t(k)];
        ++st.summed;
        last = v;
      }
      unread = end;
      return last;
    };
    float loss = 0;
    std::string probe_note;  // the latest mid-epoch probes, shown beside the loss
    auto e0 = std::chrono::steady_clock::now();
    for (; st.batch < int64_t(batches.size()); ++st.batch) {
      const auto s0 = std::chrono::steady_clock::now();
      float lr = float(sched.lr(st.step));
      clear_tape();  // nothing left over from an aborted step
      m.enc_ps.zero_grad();
      m.head_ps.zero_grad();
      std::vector<const LoadedNerf*> nerfs;
      {
        WS_PHASE("load");
        nerfs = train_set.next();
      }
      BatchLoss l = batch_loss(m, cfg, nerfs, batches[size_t(st.batch)], uint64_t(st.step), d);
      losses.record(st.batch, l.loss, l.render, l.contrastive);
      backward(l.loss);
      {
        WS_PHASE("optimizer");
        oe.step(lr);
        oh.step(lr * float(cfg.head_lr_scale));
      }
      if (steps_here > 0) summary.step_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
      ++st.step;
      ++steps_here;
      if (cfg.probe_every > 0 && st.step % cfg.probe_every == 0 && st.batch + 1 < int64_t(batches.size()))
        probe_note = " | " + probe(embed_split(m, cfg, val_set, "val", d), double(st.step) / double(per_epoch)).brief();
      bool stop = g_interrupted || (cfg.max_steps >= 0 && steps_here >= cfg.max_steps);
      const bool checkpoint = stop || st.step % cfg.checkpoint_every == 0;
      if (bar.due() || checkpoint) loss = read_losses(st.batch + 1)[0];  // one read, checked finite
      bar.update(st.batch + 1, str_cat("loss ", loss, probe_note));
      if (checkpoint) {
        RunState next = st;
        ++next.batch;
        save_state(run, m, oe, oh, next);
      }
      if (stop) {
        std::signal(SIGINT, old_handler);
        bar.finish("stopped");
        std::fprintf(stderr, "train: stopped at epoch %lld, step %lld; run the same command to resume\n",
                     (long long)st.epoch + 1, (long long)st.step);
        summary.interrupted = true;
        summary.steps = st.step;
        summary.steps_this_run = steps_here;
        summary.epochs_done = st.epoch;
        return summary;
      }
    }
    read_losses(int64_t(batches.size()));
    const double n = double(st.summed);
    const Validation val = validate(m, cfg, val_set, d);
    const double metric = val.metric;
    const ProbeReport probes = embedding_probes(val.z);
    bool best = !st.has_best || cfg.keep == "last" || (higher_better ? metric > st.best : metric < st.best);
    if (best) {
      st.best = metric;
      st.has_best = true;
      save_encoder(in_run(run, "best.safetensors"), m.enc, m.enc_ps,
                   {{"epoch", std::to_string(st.epoch + 1)}, {summary.metric, std::to_string(metric)}});
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
    nlohmann::json line = {{"epoch", st.epoch + 1}, {"steps", st.step}, {"train_loss", n ? st.sums[0] / n : 0},
                           {"train_render", n ? st.sums[1] / n : 0}, {"train_contrastive", n ? st.sums[2] / n : 0},
                           {summary.metric, metric}, {"best", best}, {"lr", sched.lr(st.step)}, {"seconds", secs},
                           {"kind", "epoch"}, {"step", st.step}, {"probes", probes.to_json()}};
    if (contrasts(cfg.objective)) {  // SigLIP's learned logit scale t = exp(log_t) and bias
      line["siglip_t"] = std::exp(double(m.log_t.value().item()));
      line["siglip_bias"] = m.bias.value().item();
    }
    append_log_line(run, line);
    bar.finish(str_cat(summary.metric, " ", metric, best ? " (best)" : "", " | ", probes.brief()));
    RunState next = st;
    ++next.epoch;
    next.batch = 0;
    next.sums = {}, next.summed = 0;
    save_state(run, m, oe, oh, next);
  }
  std::signal(SIGINT, old_handler);
  summary.epochs_done = cfg.epochs;
  summary.steps = st.step;
  summary.steps_this_run = steps_here;
  summary.best_metric = st.best;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

std::vector<nlohmann::json> read_train_log(const std::string& run_dir, const std::string& kind) {
  const std::string path = in_run(run_dir, "log.jsonl");
  std::vector<nlohmann::json> out;
  if (!fs::exists(path)) return out;
  std::istringstream in(read_file(path));
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.empty()) continue;
    nlohmann::json j = parse_json_or_discarded(line);
    WS_CHECK(j.is_object(), path, ":", n, ": not a JSON object");
    const std::string line_kind =
        j.contains("kind") ? json_get<std::string>(j["kind"], str_cat(path, ":", n, ": 'kind'")) : "epoch";
    if (kind.empty() || line_kind == kind) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace ws
