"""Time scipy.stats.bootstrap (percentile, B resamples) on the bench cells.

Reads JSON from stdin: {"cells": [[n11, n10, n01, n00], ...], "B": 10000, "level": 0.95}
and prints JSON: {"ms": total wall time, "cells": count, "intervals": [[a_lo, a_hi, b_lo, b_hi, g_lo, g_hi], ...]}.
Per cell: the two tiers' rates (one-sample) and the paired gap (paired=True).
"""
import json
import sys
import time

import numpy as np
from scipy import stats

req = json.load(sys.stdin)
B = int(req["B"])
level = float(req["level"])
rng = np.random.default_rng(12345)
out = []
t0 = time.perf_counter()
for n11, n10, n01, n00 in req["cells"]:
    a = np.array([1] * n11 + [1] * n10 + [0] * n01 + [0] * n00, dtype=float)
    b = np.array([1] * n11 + [0] * n10 + [1] * n01 + [0] * n00, dtype=float)
    kw = dict(n_resamples=B, confidence_level=level, method="percentile", random_state=rng, vectorized=True)
    ra = stats.bootstrap((a,), np.mean, axis=-1, **kw).confidence_interval
    rb = stats.bootstrap((b,), np.mean, axis=-1, **kw).confidence_interval
    rg = stats.bootstrap((a, b), lambda x, y, axis=-1: np.mean(x, axis=axis) - np.mean(y, axis=axis), paired=True, **kw).confidence_interval
    out.append([ra.low, ra.high, rb.low, rb.high, rg.low, rg.high])
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "cells": len(out), "intervals": out}))
