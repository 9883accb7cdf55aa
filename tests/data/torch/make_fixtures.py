#!/usr/bin/python3
# Writes the PyTorch fixtures of tests/test_import.cpp with torch.save, in the layout of the
# authors' released NeRFs (nerf_weights.pth state dicts, nerfacc OccupancyGrid grid.pth).
# Needs Debian's python3-torch (/usr/bin/python3); the tests read the committed files and
# need no torch. Run from anywhere: /usr/bin/python3 tests/data/torch/make_fixtures.py
#
# Weights and occupancy come from integer formulas that tests/test_import.cpp repeats
# (fixture_weight, fixture_occupied), so the test can write the same NeRF with wsnerf and
# compare. Every weight is k/1024 * 2^s with |k| <= 1024: exact in F16 as in F32.
import collections
import gzip
import os
import shutil
import zipfile

import torch

OUT = os.path.dirname(os.path.abspath(__file__))


def fixture_weights(n, seed, scale_log2):
    vals = []
    for i in range(n):
        h = (i * 2654435761 + seed * 97531) % (1 << 32)
        vals.append(((h >> 21) - 1024) / 1024.0 * 2.0 ** scale_log2)
    return torch.tensor(vals, dtype=torch.float32)


def fixture_occupancy(res, radius):
    # A ball of `radius` cells around the grid's centre, with every 7th cell of it empty.
    c = (res - 1) / 2.0
    b = torch.zeros(res, res, res, dtype=torch.bool)
    for ix in range(res):
        for iy in range(res):
            for iz in range(res):
                d2 = (ix - c) ** 2 + (iy - c) ** 2 + (iz - c) ** 2
                cell = (ix * res + iy) * res + iz
                b[ix, iy, iz] = d2 <= radius * radius and cell % 7 != 0
    return b


def module_state(tensors, keep_vars=False):
    # A real nn.Module's state dict: an OrderedDict carrying _metadata (pickled with BUILD),
    # as tcnn modules give. keep_vars=True keeps Parameters (pickled with _rebuild_parameter).
    root = torch.nn.Module()
    for key, t in tensors.items():
        *path, leaf = key.split(".")
        parent = root
        for p in path:
            if not hasattr(parent, p):
                parent.add_module(p, torch.nn.Module())
            parent = getattr(parent, p)
        parent.register_parameter(leaf, torch.nn.Parameter(t, requires_grad=True))
    return root.state_dict(keep_vars=keep_vars)


# Parameter counts of the built-in architectures (models/nerf/arch.cpp).
MLP_PARAMS = 144 * 64 + 64 * 64 * 2 + 64 * 16      # MLP: 18,432
MLP32H_PARAMS = 144 * 32 + 32 * 32 * 2 + 32 * 16   # MLP-32H: 7,168
TRI_MLP_PARAMS = 304 * 64 + 64 * 64 * 2 + 64 * 16  # TRI and TRI-16W: 28,672 (+ the tri-plane)
HASH_MLP_PARAMS = 16 * 64 + 64 * 64 * 2 + 64 * 16  # HASH: 10,240 (+ tables 32,768)
HASH_TABLE_PARAMS = 32768


def save_weights(name, tensors, dtype, keep_vars=False):
    sd = module_state({k: v.to(dtype) for k, v in tensors.items()}, keep_vars)
    torch.save(sd, os.path.join(OUT, name))


def save_grid(name, res, radius, sparse, occs=True, aabb=0.7):
    # nerfacc 0.3.5 OccupancyGrid buffers: _roi_aabb, _binary, resolution, occs.
    m = torch.nn.Module()
    m.register_buffer("_roi_aabb", torch.tensor([-aabb] * 3 + [aabb] * 3, dtype=torch.float32))
    binary = fixture_occupancy(res, radius)
    m.register_buffer("_binary", binary.to_sparse() if sparse else binary)
    m.register_buffer("resolution", torch.tensor([res] * 3, dtype=torch.int32))
    if occs:
        m.register_buffer("occs", binary.flatten().float() * 0.5)
    torch.save(m.state_dict(), os.path.join(OUT, name))


def main():
    mlp = fixture_weights(MLP_PARAMS, 1, -3)
    save_weights("mlp_f32.pth", {"mlp_base.params": mlp}, torch.float32)
    # The tri family as TRI-16W (an unseen architecture: a 16x16 tri-plane), which keeps the
    # committed file small; TRI differs only in the tri-plane's size.
    save_weights("tri16w_f16.pth", {
        "triplane": fixture_weights(3 * 16 * 16 * 16, 2, -1).reshape(3, 16, 16, 16),
        "encoding.params": torch.zeros(0),
        "mlp_base.params": fixture_weights(TRI_MLP_PARAMS, 1, -3),
    }, torch.float16)
    save_weights("hash_f16.pth", {
        "encoding.params": fixture_weights(HASH_TABLE_PARAMS, 3, -1),
        "mlp_base.params": fixture_weights(HASH_MLP_PARAMS, 1, -3),
    }, torch.float16)
    # An unseen architecture (MLP-32H), saved with its Parameters kept.
    save_weights("mlp32h_f32.pth", {"mlp_base.params": fixture_weights(MLP32H_PARAMS, 1, -3)},
                 torch.float32, keep_vars=True)

    save_grid("grid_dense16.pth", 16, 5.0, sparse=False)
    # Views into one storage: an offset, and a transposed (non-contiguous) one.
    base = torch.arange(64, dtype=torch.float32)
    torch.save({"slice": base[16:32], "transposed": base.view(8, 8).t(), "int64": torch.arange(5) - 2},
               os.path.join(OUT, "views.pth"))
    save_grid("grid_sparse16.pth", 16, 5.0, sparse=True, occs=False)
    save_grid("grid_sparse96.pth", 96, 5.0, sparse=True, occs=False)  # the real resolution

    # ---- bad inputs: each must be refused with a clear message ----
    class NotATensor:  # pickled as the global '__main__ NotATensor'
        pass
    globals()["NotATensor"] = NotATensor
    NotATensor.__module__ = "__main__"
    NotATensor.__qualname__ = "NotATensor"
    torch.save({"mlp_base.params": mlp[:16].clone(), "extra": NotATensor()}, os.path.join(OUT, "bad_global.pth"))
    save_weights("bad_shape.pth", {"mlp_base.params": fixture_weights(1000, 1, -3)}, torch.float32)
    save_weights("bad_triplane.pth", {"triplane": torch.zeros(3, 8, 8), "mlp_base.params": mlp[:16].clone()},
                 torch.float32)
    save_grid("bad_aabb_grid.pth", 4, 1.0, sparse=False, occs=False, aabb=1.0)
    # A stride-0 view of one element as 2^28 of them: 1 GiB if materialised.
    torch.save({"mlp_base.params": torch.zeros(1).expand(1 << 28)}, os.path.join(OUT, "bad_expand.pth"))
    torch.save({"mlp_base.params": mlp[:16].clone()}, os.path.join(OUT, "legacy.pth"),
               _use_new_zipfile_serialization=False)
    # The same archive with its entries deflated (torch never writes that).
    with zipfile.ZipFile(os.path.join(OUT, "bad_shape.pth")) as src, \
            zipfile.ZipFile(os.path.join(OUT, "deflated.pth"), "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    # Older nf2vec data: a gzip-compressed grid.
    with open(os.path.join(OUT, "grid_dense16.pth"), "rb") as f, \
            gzip.open(os.path.join(OUT, "grid.pth.gz"), "wb") as g:
        shutil.copyfileobj(f, g)


if __name__ == "__main__":
    main()
