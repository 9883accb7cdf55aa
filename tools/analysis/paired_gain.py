#!/usr/bin/env python3
"""The gain of a trained encoder over the untrained one it started from, paired by training
seed (README "What this says"). Standard library only.

  tools/analysis/paired_gain.py UNTRAINED.json:TRAINED.json [UNTRAINED.json:TRAINED.json ...]

Each pair is two `wsnerf eval-classify --json` outputs of one training seed (the untrained
encoder of that seed, `train --objective untrained --seed S`, and the trained run), same
protocol (`--centre`) and classifier seeds. For the ALL classifier it prints, per pair, the
pooled accuracy (all test NeRFs of every architecture) and the mean over the architectures
outside the training set, for both and their difference; then the mean and sd of the cells
(training seeds x classifier seeds) and of the per-seed gains."""
import json, statistics, sys

TRAIN = ['MLP', 'TRI', 'HASH']


def cells(path):
    """Per classifier seed: (pooled, unseen mean) accuracy in percent of the ALL classifier."""
    with open(path) as f:
        j = json.load(f)
    archs, rows = j['test_archs'], j['test_rows']
    if 'ALL' not in j['train_sets']:
        sys.exit(f'{path}: no ALL classifier among train_sets {j["train_sets"]}')
    t = j['train_sets'].index('ALL')
    out = []
    for per_seed in j['accuracy_per_seed']:
        acc = dict(zip(archs, per_seed[t]))
        n = sum(rows[a] for a in archs)
        unseen = [acc[a] for a in archs if a not in TRAIN]
        out.append((100 * sum(acc[a] * rows[a] for a in archs) / n,
                    100 * statistics.mean(unseen) if unseen else float('nan')))
    return out


def ms(v):
    return f'{statistics.mean(v):.1f} ± {statistics.stdev(v):.1f}' if len(v) > 1 else f'{v[0]:.1f}'


def main():
    pairs = [a.split(':') for a in sys.argv[1:]]
    if not pairs or any(len(p) != 2 for p in pairs):
        sys.exit(__doc__)
    for i, what in enumerate(['pooled', 'unseen']):
        u_all, t_all, gains = [], [], []
        for u_path, t_path in pairs:
            u, t = cells(u_path), cells(t_path)
            if len(u) != len(t):
                sys.exit(f'{u_path} and {t_path} have different classifier seeds')
            u_all += [c[i] for c in u]
            t_all += [c[i] for c in t]
            gains.append(statistics.mean(b[i] - a[i] for a, b in zip(u, t)))
            print(f'{what:7s} {t_path}: {statistics.mean(c[i] for c in t):.1f} vs {statistics.mean(c[i] for c in u):.1f}'
                  f' untrained, gain {gains[-1]:+.1f}')
        print(f'{what:7s} trained {ms(t_all)}, untrained {ms(u_all)} (cells); '
              f'gain per training seed {ms(gains)}\n')


if __name__ == '__main__':
    main()
