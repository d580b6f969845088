# The ceiling of drop recall on the law of the held-out usage generator (HeldOutUsage, test
# sources), docs/reconciliation.md "Measured on held-out data". Run: python3 docs/analysis/drop-ceiling.py
# (numpy, scipy). It simulates the generator's law, not its exact draws.
# An oracle that knows each key's true per-hour count law judges a thinned drop by the exact tail of
# its records over any window of the drop; drops of scaled quantities are counted as found.
import numpy as np
from scipy import stats
rng = np.random.default_rng(1)
def shape(kind):
    return dict(peak=2+rng.random()*6, peakHour=rng.integers(24), weekend=0.3+rng.random()*0.5)
def is_day(h, s): return 6 <= (h - s['peakHour'] + 12) % 24 < 18
def rate(kind, i, s):
    h, d = i % 24, (i // 24) % 7
    if kind == 'steady': return 2.35 if is_day(h, s) else 1.5
    if kind in ('poisson', 'bursty'): return s['peak']*(1+0.7*np.cos(2*np.pi*(h-s['peakHour'])/24))*(s['weekend'] if d >= 5 else 1)
    if kind == 'office': return 6 if d < 5 and 9 <= h < 17 else 0
def pmf(kind, i, s, n=200):
    k = np.arange(n)
    lam = rate(kind, i, s)
    if kind == 'steady':
        p = np.zeros(n); 
        if is_day(i % 24, s): p[1:4] = [.15, .35, .5]
        else: p[1:4] = [.6, .3, .1]
        return p
    if kind == 'bursty': return stats.nbinom.pmf(k, 4, 4/(4+lam))
    return stats.poisson.pmf(k, lam)
def sample(p): return rng.choice(len(p), p=p/p.sum())
res = {}
for kind in ['steady', 'poisson', 'bursty', 'office']:
    found = {1e-6: 0, 1e-5: 0}; total = 0
    for trial in range(400):
        s = shape(kind)
        L = 3 + rng.integers(6)
        i0 = 35*24 + rng.integers(7*24)
        while any(rate(kind, i, s) < 1 for i in range(i0, i0+L)): i0 += 1
        thinned = kind in ('office',) or (kind == 'steady' and rng.random() < 1/3) or rng.random() < 0.5
        total += 1
        if not thinned:
            for a in found: found[a] += 1
            continue
        pm = [pmf(kind, i, s) for i in range(i0, i0+L)]
        obs = [rng.binomial(sample(p), 0.1) for p in pm]
        best = 1.0
        for a in range(L):
            conv = np.array([1.0])
            for b in range(a, L):
                conv = np.convolve(conv, pm[b])[:400]
                x = sum(obs[a:b+1])
                best = min(best, conv[:x+1].sum())
        for al in found:
            if best < al: found[al] += 1
    res[kind] = (total, found)
    print(kind, total, {a: f"{100*v/total:.1f} %" for a, v in found.items()})
