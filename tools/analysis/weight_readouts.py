#!/usr/bin/env python3
"""How much class information survives a readout of NeRF weights (README "Where the class
information goes"). Needs python3-numpy; reads a dataset folder as `wsnerf fit` writes it.

  tools/analysis/weight_readouts.py DATA [EMBEDDINGS.safetensors ...] [--only-embeddings]

Per training architecture (MLP, TRI, HASH) it prints leave-one-out 1-NN class accuracy over
every object (inputs standardised per coordinate, cosine) and ridge accuracy (train + val ->
test split) for: the flat weights; a Gaussian random projection of them to 128 numbers; a
mean over edges of ReLU(A sin(30 a v + b) + A' c_e) with a random code c_e per edge (the
shape of the encoder's value path and readout); first-order readouts sum_e dw_e f(c_e) with
non-negative (ReLU) and signed (sin) codes to 128 and 1024 numbers; and each embeddings file.
--only-embeddings skips the weight baselines (a quick probe of an encoder variant)."""
import json, struct, sys
import numpy as np

ARCHS = ['MLP', 'TRI', 'HASH']


def load_safetensors(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    head = json.loads(b[8:8 + n])
    out = {'__metadata__': head.pop('__metadata__', {})}
    for k, v in head.items():
        s, e = v['data_offsets']
        dt = {'F32': np.float32, 'U8': np.uint8}[v['dtype']]
        out[k] = np.frombuffer(b[8 + n + s:8 + n + e], dtype=dt).reshape(v['shape'])
    return out


def main():
    only = '--only-embeddings' in sys.argv
    argv = [a for a in sys.argv if a != '--only-embeddings']
    data = argv[1]
    split = {}
    for s in ['train', 'val', 'test']:
        for line in open(f'{data}/splits/{s}.txt'):
            split[line.strip()] = s
    objs = sorted(split)
    classes = sorted({o.split('/')[0] for o in objs})
    y = np.array([classes.index(o.split('/')[0]) for o in objs])
    train = np.array([split[o] != 'test' for o in objs])

    def standardise(X, rows):
        return (X - X[rows].mean(0)) / (X[rows].std(0) + 1e-8)

    def nn_loo(X):
        Z = standardise(X, slice(None))
        Z /= np.linalg.norm(Z, axis=1, keepdims=True) + 1e-12
        S = Z @ Z.T
        np.fill_diagonal(S, -np.inf)
        return (y[S.argmax(1)] == y).mean()

    def ridge(X, lam=1.0):  # one-vs-all ridge in its dual form (rows << features)
        Z = standardise(X, train)
        A = Z[train]
        W = np.linalg.solve(A @ A.T + lam * len(A) * np.eye(len(A)), np.eye(len(classes))[y[train]])
        return ((Z[~train] @ (A.T @ W)).argmax(1) == y[~train]).mean()

    def report(arch, what, X):
        print(f'{arch:5s} {what:34s} 1-NN {100 * nn_loo(X):5.1f}  ridge {100 * ridge(X):5.1f}', flush=True)

    rng = np.random.default_rng(0)
    for arch in ARCHS if not only else []:
        W = np.array([np.concatenate([v.ravel() for k, v in load_safetensors(f'{data}/nerfs/{arch}/{o}.safetensors').items()
                                      if k not in ('__metadata__', 'occupancy')]) for o in objs], dtype=np.float32)
        report(arch, f'flat weights [{W.shape[1]}]', W)
        E, h, out = W.shape[1], 32, 128
        report(arch, 'Gaussian projection to 128', W @ rng.normal(size=(E, out)).astype(np.float32))
        a = rng.uniform(-1, 1, h).astype(np.float32) * 30
        b = rng.uniform(-np.pi, np.pi, h).astype(np.float32)
        A = rng.normal(size=(h, out)).astype(np.float32) / np.sqrt(h)
        code = rng.normal(size=(E, h)).astype(np.float32) @ (rng.normal(size=(h, out)).astype(np.float32) / np.sqrt(h))
        Z = np.array([np.maximum(np.sin(np.outer(w, a) + b) @ A + code, 0).mean(0) for w in W])
        report(arch, 'mean ReLU(A sin(30av+b) + code_e)', Z)
        # First-order readouts sum_e (w - mean w)_e c_e with a code c_e per edge: what keeps
        # the class is codes that are signed and diverse (sin of a random code), not
        # non-negative ones (ReLU: their shared mean swamps the rest), and a wide output.
        D = W - W.mean(0)
        for width in (128, 1024):
            P = rng.normal(size=(E, h)).astype(np.float32) @ (rng.normal(size=(h, width)).astype(np.float32) / np.sqrt(h))
            report(arch, f'sum_e dw_e ReLU(code_e) to {width}', D @ np.maximum(P, 0))
            report(arch, f'sum_e dw_e sin(3 code_e) to {width}', D @ np.sin(3 * P))
    for path in argv[2:]:
        f = load_safetensors(path)
        rows = json.loads(f['__metadata__']['rows'])
        for arch in ARCHS:
            at = {r['object']: i for i, r in enumerate(rows) if r['arch'] == arch}
            if len(at) == len(objs):
                report(arch, path[-34:], f['embeddings'][[at[o] for o in objs]].astype(np.float64))


if __name__ == '__main__':
    main()
