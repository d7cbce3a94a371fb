#!/usr/bin/python3
"""peer_numpy.py - the deplete model (SPEC section 1) as an analyst would
write it with NumPy: every quantity is an array over the n trajectories and
there is one Python loop, over days.

It is an independent implementation used two ways by bench/run.sh:
  * as a performance peer: trajectories per second and ns per simulated
    trajectory-day of the "obvious" vectorised program;
  * as a statistical cross-check of the C engine: its P(met) and percentile
    days must agree with deplete's within sampling error.

It shares no code, no random streams and no parser with deplete: the seed
only makes the peer itself reproducible.

Usage:
  /usr/bin/python3 bench/peer_numpy.py SCENARIO.yaml [-n N] [-s SEED]
        [--set KEY=VALUE]... [--format json|csv] [-o FILE]

Needs python3-numpy and python3-yaml (Debian packages).

Supported: every scenario feature. `observations` weight the trajectories
(SPEC 2.3); `correlations` (SPEC 2.4) reorder each correlated parameter's
independent draws by the ranks of correlated normals (the Gaussian copula
with the empirical marginal, which tends to SPEC's inverse-CDF construction
as n grows). Distribution expressions: numbers, `a to b`,
uniform, normal, lognormal, triangular, pert, beta, gamma, discrete,
truncate, `%`, dates in day fields.
"""
import argparse
import datetime as dt
import json
import math
import re
import sys
import time

import numpy as np
import yaml

Z95 = 1.6448536269514722
DEFAULT_SEED = 20250122
DEFAULT_PERCENTILES = [5, 10, 25, 50, 75, 90, 95]
INF = math.inf


class ScenarioError(Exception):
    pass


# --------------------------------------------------------------------------
# Rounding: nearest integer, halves away from zero (C's lround), exactly.
def round_away(x):
    x = np.asarray(x, dtype=np.float64)
    r = np.trunc(x)
    frac = np.abs(x - r)           # exact for |x| < 2^52
    return np.where(frac >= 0.5, r + np.sign(x), r)


# --------------------------------------------------------------------------
# Distribution expressions (SPEC 2.1)

DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
PCT_RE = re.compile(r"(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\s*%")
TOKEN_RE = re.compile(r"\s*(?:(?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                      r"|(?P<name>[A-Za-z_]+)|(?P<punct>[(),\[\]]))")


def parse_date(text, where):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"{where}: {text!r} is not a date that exists")


class Dist:
    """A distribution: sample(rng, n) -> float64 array."""
    fixed = None

    def sample(self, rng, n):
        raise NotImplementedError


class Fixed(Dist):
    def __init__(self, v):
        self.v = float(v)
        self.fixed = self.v

    def sample(self, rng, n):
        return np.full(n, self.v)


class Uniform(Dist):
    def __init__(self, a, b):
        if not a < b:
            raise ScenarioError("uniform(a, b) needs a < b")
        self.a, self.b = a, b

    def sample(self, rng, n):
        return rng.uniform(self.a, self.b, n)


class Normal(Dist):
    def __init__(self, m, sd):
        if not sd > 0:
            raise ScenarioError("normal(mean, sd) needs sd > 0")
        self.m, self.sd = m, sd

    def sample(self, rng, n):
        return rng.normal(self.m, self.sd, n)


class LogNormal(Dist):
    def __init__(self, mu, sigma):
        if not sigma > 0:
            raise ScenarioError("lognormal(mu, sigma) needs sigma > 0")
        self.mu, self.sigma = mu, sigma

    def sample(self, rng, n):
        return rng.lognormal(self.mu, self.sigma, n)


def lognormal_to(a, b):
    if not 0 < a < b:
        raise ScenarioError("`a to b` needs 0 < a < b")
    return LogNormal((math.log(a) + math.log(b)) / 2,
                     (math.log(b) - math.log(a)) / (2 * Z95))


class Triangular(Dist):
    def __init__(self, lo, mode, hi):
        if not (lo <= mode <= hi and lo < hi):
            raise ScenarioError("triangular(min, mode, max) needs min <= mode <= max, min < max")
        self.p = (lo, mode, hi)

    def sample(self, rng, n):
        return rng.triangular(*self.p, n)


class Beta(Dist):
    def __init__(self, a, b, lo=0.0, hi=1.0):
        if not (a > 0 and b > 0):
            raise ScenarioError("beta(a, b) needs a > 0 and b > 0")
        self.a, self.b, self.lo, self.hi = a, b, lo, hi

    def sample(self, rng, n):
        return self.lo + (self.hi - self.lo) * rng.beta(self.a, self.b, n)


def pert(lo, mode, hi):
    if not (lo <= mode <= hi and lo < hi):
        raise ScenarioError("pert(min, mode, max) needs min <= mode <= max, min < max")
    w = hi - lo
    return Beta(1 + 4 * (mode - lo) / w, 1 + 4 * (hi - mode) / w, lo, hi)


class Gamma(Dist):
    def __init__(self, shape, scale):
        if not (shape > 0 and scale > 0):
            raise ScenarioError("gamma(shape, scale) needs shape > 0 and scale > 0")
        self.shape, self.scale = shape, scale

    def sample(self, rng, n):
        return rng.gamma(self.shape, self.scale, n)


class Discrete(Dist):
    def __init__(self, values, weights):
        if len(values) != len(weights) or not values:
            raise ScenarioError("discrete: values and weights of equal, non-zero count")
        w = np.asarray(weights, float)
        if (w < 0).any() or w.sum() <= 0:
            raise ScenarioError("discrete: weights >= 0 and not all 0")
        self.values = np.asarray(values, float)
        self.w = w

    def restricted(self, lo, hi):
        """SPEC 1.1: the listed values inside the domain, weights renormalised."""
        keep = (self.values >= lo) & (self.values <= hi)
        if not (self.w[keep] > 0).any():
            raise ScenarioError("discrete: no value with weight inside the field's domain")
        return Discrete(list(self.values[keep]), list(self.w[keep]))

    def sample(self, rng, n):
        return rng.choice(self.values, size=n, p=self.w / self.w.sum())


def conditioned(dist, lo, hi, rng, n, what):
    """Draw n values of `dist` conditioned on [lo, hi] (lo < x < hi for an
    open bound given as lo_open).  Rejection: redraw the values outside,
    which has exactly the law of the inverse-CDF draw over [F(lo), F(hi)]
    that SPEC 1.1 describes.  Returns (values, number redrawn)."""
    if isinstance(dist, Discrete):
        return dist.restricted(lo, hi).sample(rng, n), 0
    x = dist.sample(rng, n)
    bad = np.flatnonzero((x < lo) | (x > hi) | np.isnan(x))
    redrawn = bad.size
    rounds = 0
    while bad.size:
        rounds += 1
        if rounds > 10000:
            raise ScenarioError(f"{what}: almost no probability inside [{lo}, {hi}]")
        y = dist.sample(rng, bad.size)
        ok = (y >= lo) & (y <= hi)
        x[bad[ok]] = y[ok]
        bad = bad[~ok]
    return x, redrawn


class Truncate(Dist):
    def __init__(self, inner, lo, hi):
        if not lo < hi:
            raise ScenarioError("truncate(D, lo, hi) needs lo < hi")
        self.inner, self.lo, self.hi = inner, lo, hi

    def sample(self, rng, n):
        return conditioned(self.inner, self.lo, self.hi, rng, n, "truncate")[0]


class Parser:
    """expr := term ['to' term];  term := NUMBER | NAME '(' args ')';
    args of discrete are two lists [..]; of truncate a nested expr."""

    def __init__(self, text, where):
        self.where = where
        self.toks = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = TOKEN_RE.match(text, pos)
            if not m or m.end() == pos:
                raise ScenarioError(f"{where}: cannot read {text[pos:]!r}")
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, kind=None, value=None):
        k, v = self.peek()
        if k is None or (kind and k != kind) or (value and v != value):
            raise ScenarioError(f"{self.where}: expected {value or kind}, got {v!r}")
        self.i += 1
        return v

    def number(self):
        return float(self.take("num"))

    def numlist(self):
        self.take("punct", "[")
        out = [self.number()]
        while self.peek() == ("punct", ","):
            self.take()
            out.append(self.number())
        self.take("punct", "]")
        return out

    def term(self):
        k, v = self.peek()
        if k == "num":
            return Fixed(self.number())
        if k != "name":
            raise ScenarioError(f"{self.where}: expected a number or a distribution")
        name = self.take("name").lower()
        self.take("punct", "(")
        if name == "discrete":
            vals = self.numlist()
            self.take("punct", ",")
            wts = self.numlist()
            d = Discrete(vals, wts)
        elif name == "truncate":
            inner = self.expr()
            self.take("punct", ",")
            lo = self.number()
            self.take("punct", ",")
            hi = self.number()
            d = Truncate(inner, lo, hi)
        else:
            args = [self.number()]
            while self.peek() == ("punct", ","):
                self.take()
                args.append(self.number())
            makers = {"uniform": (Uniform, 2), "normal": (Normal, 2),
                      "lognormal": (LogNormal, 2), "triangular": (Triangular, 3),
                      "pert": (pert, 3), "beta": (Beta, 2), "gamma": (Gamma, 2)}
            if name not in makers:
                raise ScenarioError(f"{self.where}: unknown distribution {name!r}")
            make, arity = makers[name]
            if len(args) != arity:
                raise ScenarioError(f"{self.where}: {name} takes {arity} numbers")
            if not all(math.isfinite(a) for a in args):
                raise ScenarioError(f"{self.where}: {name}: parameters must be finite")
            d = make(*args)
        self.take("punct", ")")
        return d

    def expr(self):
        a = self.term()
        if self.peek() == ("name", "to"):
            self.take()
            b = self.term()
            if a.fixed is None or b.fixed is None:
                raise ScenarioError(f"{self.where}: `a to b` takes two numbers")
            return lognormal_to(a.fixed, b.fixed)
        return a

    def parse(self):
        d = self.expr()
        if self.i != len(self.toks):
            raise ScenarioError(f"{self.where}: unexpected {self.toks[self.i][1]!r}")
        return d


def parse_dist(value, where, start=None):
    """A scenario value as a Dist. `start` given: a day field (dates allowed)."""
    if isinstance(value, bool) or value is None:
        raise ScenarioError(f"{where}: expected a number or a distribution")
    if isinstance(value, (dt.date, dt.datetime)):
        if start is None:
            raise ScenarioError(f"{where}: a date is only allowed in a day field")
        return Fixed((value - start).days + 1)
    if isinstance(value, (int, float)):
        return Fixed(value)
    text = str(value)
    if start is not None:
        text = DATE_RE.sub(lambda m: str((parse_date(m.group(0), where) - start).days + 1), text)
    elif DATE_RE.search(text):
        raise ScenarioError(f"{where}: a date is only allowed in a day field")
    text = PCT_RE.sub(lambda m: repr(float(m.group(1)) / 100), text)
    return Parser(text, where).parse()


# --------------------------------------------------------------------------
# Scenario

class Field:
    """A distributed field with its domain (SPEC 1.1)."""

    def __init__(self, value, where, lo=-INF, hi=INF, lo_open=False, start=None):
        self.rank = None            # set by a correlation: the ranks to follow
        self.dist = parse_dist(value, where, start)
        self.where, self.lo, self.hi, self.lo_open = where, lo, hi, lo_open
        f = self.dist.fixed
        if f is not None and (f < lo or f > hi or (lo_open and f <= lo) or math.isnan(f)):
            raise ScenarioError(f"{where}: {f} is outside [{lo}, {hi}]")

    def draw(self, rng, n, warnings):
        lo = self.lo
        if self.lo_open:
            lo = np.nextafter(self.lo, INF)
        x, redrawn = conditioned(self.dist, lo, self.hi, rng, n, self.where)
        if redrawn or self.where in warnings:
            w = warnings.setdefault(self.where, [0, 0, self.lo, self.hi])
            w[0] += redrawn
            w[1] += n
        if self.rank is not None:    # Gaussian copula: the draws in the normals' rank order
            x = np.sort(x)[self.rank]
        return x


ALLOWED = {
    "": {"name", "start", "horizon", "trajectories", "seed", "force", "casualties",
         "non_battle", "return_to_duty", "phases", "reinforcements", "withdrawals",
         "thresholds", "report", "observations", "correlations"},
    "force": {"initial"},
    "casualties": {"per_day", "rate", "dispersion", "wounded_per_killed"},
    "non_battle": {"per_day"},
    "return_to_duty": {"fraction", "delay"},
    "phase": {"from", "intensity"},
    "reinforcement": {"day", "size", "chance"},
    "withdrawal": {"day", "fraction", "size", "chance", "below"},
    "thresholds": {"strength", "casualties"},
    "report": {"percentiles", "confidence"},
    "observation": {"day", "killed", "wounded", "casualties", "strength", "error"},
}


def check_keys(d, kind, where):
    if not isinstance(d, dict):
        raise ScenarioError(f"{where}: expected a mapping")
    unknown = set(d) - ALLOWED[kind]
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {sorted(unknown)}")


class Scenario:
    def _f(self, value, where, *args, **kw):
        """A field drawn once per trajectory, registered under its path."""
        f = Field(value, where, *args, **kw)
        self.fields[where] = f
        return f

    def __init__(self, doc, path):
        check_keys(doc, "", path)
        self.fields = {}
        self.name = str(doc.get("name", path.rsplit("/", 1)[-1]))
        start = doc.get("start")
        if isinstance(start, str):
            start = parse_date(start, "start")
        if not isinstance(start, dt.date):
            raise ScenarioError(f"{path}: start: a date YYYY-MM-DD is required")
        self.start = start
        H = doc.get("horizon", 365)
        if not isinstance(H, int) or not 1 <= H <= 36500:
            raise ScenarioError("horizon: a whole number from 1 to 36,500")
        self.H = H
        self.trajectories = int(doc.get("trajectories", 1000000))
        self.seed = int(doc.get("seed", DEFAULT_SEED))

        force = doc.get("force") or {}
        check_keys(force, "force", "force")
        if "initial" not in force:
            raise ScenarioError("force.initial is required")
        self.initial = self._f(force["initial"], "force.initial", 0, 1e9)

        cas = doc.get("casualties") or {}
        check_keys(cas, "casualties", "casualties")
        if ("per_day" in cas) == ("rate" in cas):
            raise ScenarioError("casualties: exactly one of per_day and rate")
        self.proportional = "rate" in cas
        self.per = (self._f(cas["rate"], "casualties.rate", 0, 1) if self.proportional
                    else self._f(cas["per_day"], "casualties.per_day", 0))
        self.dispersion = (self._f(cas["dispersion"], "casualties.dispersion", 0, lo_open=True)
                           if "dispersion" in cas else None)
        self.rho = self._f(cas.get("wounded_per_killed", 3), "casualties.wounded_per_killed", 0)

        nb = doc.get("non_battle") or {}
        check_keys(nb, "non_battle", "non_battle")
        self.non_battle = self._f(nb["per_day"], "non_battle.per_day", 0) if "per_day" in nb else None

        rtd = doc.get("return_to_duty") or {}
        check_keys(rtd, "return_to_duty", "return_to_duty")
        self.rtd_fraction = self.rtd_delay = None
        if rtd:
            if "fraction" not in rtd or "delay" not in rtd:
                raise ScenarioError("return_to_duty: needs fraction and delay")
            self.rtd_fraction = self._f(rtd["fraction"], "return_to_duty.fraction", 0, 1)
            self.rtd_delay = self._f(rtd["delay"], "return_to_duty.delay", 0)

        self.phases = []
        for i, p in enumerate(doc.get("phases") or []):
            check_keys(p, "phase", f"phases.{i}")
            self.phases.append((self._f(p["from"], f"phases.{i}.from", start=start),
                                self._f(p["intensity"], f"phases.{i}.intensity", 0)))

        self.reinforcements = []
        for i, r in enumerate(doc.get("reinforcements") or []):
            check_keys(r, "reinforcement", f"reinforcements.{i}")
            self.reinforcements.append((self._f(r["day"], f"reinforcements.{i}.day", start=start),
                                        self._f(r["size"], f"reinforcements.{i}.size", 0, 1e9),
                                        self._f(r.get("chance", 1), f"reinforcements.{i}.chance", 0, 1)))

        self.withdrawals = []       # (day, kind, amount, chance); kind 'fraction' | 'size'
        self.below = None
        for i, w in enumerate(doc.get("withdrawals") or []):
            check_keys(w, "withdrawal", f"withdrawals.{i}")
            if "below" in w:
                if self.below is not None:
                    raise ScenarioError("withdrawals: one `below` rule at most")
                self.below = self._f(w["below"], f"withdrawals.{i}.below", 0, 1)
                continue
            kind = "fraction" if "fraction" in w else "size"
            amount = (self._f(w["fraction"], f"withdrawals.{i}.fraction", 0, 1) if kind == "fraction"
                      else self._f(w["size"], f"withdrawals.{i}.size", 0, 1e9))
            self.withdrawals.append((self._f(w["day"], f"withdrawals.{i}.day", start=start), kind, amount,
                                     self._f(w.get("chance", 1), f"withdrawals.{i}.chance", 0, 1)))

        th = doc.get("thresholds") or {"strength": [0]}
        check_keys(th, "thresholds", "thresholds")
        # keep the level as written (as deplete does in its `level` column)
        self.thresholds = [("strength", x) for x in th.get("strength", [])] + \
                          [("casualties", x) for x in th.get("casualties", [])]
        for m, x in self.thresholds:
            if isinstance(x, bool) or not isinstance(x, (int, float)) or x < 0:
                raise ScenarioError(f"thresholds.{m}: numbers >= 0")
        rep = doc.get("report") or {}
        check_keys(rep, "report", "report")
        self.percentiles = list(rep.get("percentiles", DEFAULT_PERCENTILES))

        # observations (SPEC 2.3): (day, [(figure, reported)], error)
        self.observations = []
        self.ignored_observations = 0
        for i, o in enumerate(doc.get("observations") or []):
            check_keys(o, "observation", f"observations.{i}")
            day = Field(o.get("day"), f"observations.{i}.day", start=start).dist.fixed
            if day is None:
                raise ScenarioError(f"observations.{i}.day: a date or a day number")
            day = int(round_away(day))
            figs = [(k, float(o[k])) for k in ("killed", "wounded", "casualties", "strength") if k in o]
            if not figs:
                raise ScenarioError(f"observations.{i}: no reported figure")
            err = float(o.get("error", 0.5))
            if not err > 0:
                raise ScenarioError(f"observations.{i}.error: > 0")
            if not 1 <= day <= H:
                self.ignored_observations += 1
                continue
            self.observations.append((day, figs, err))

        # correlations (SPEC 2.4): [path, path, spearman r]
        self.corr_paths, self.corr_chol = [], None
        pairs = doc.get("correlations") or []
        for i, c in enumerate(pairs):
            if not (isinstance(c, list) and len(c) == 3):
                raise ScenarioError(f"correlations.{i}: expected [path, path, r]")
            for p in c[:2]:
                if p not in self.fields or p == "return_to_duty.delay":
                    raise ScenarioError(f"correlations.{i}: {p!r} is not a parameter drawn once per trajectory")
                if p not in self.corr_paths:
                    self.corr_paths.append(p)
            if not -1 <= float(c[2]) <= 1:
                raise ScenarioError(f"correlations.{i}: r in [-1, 1]")
        if pairs:
            k = len(self.corr_paths)
            R = np.eye(k)
            for a, b, r in pairs:
                i, j = self.corr_paths.index(a), self.corr_paths.index(b)
                R[i, j] = R[j, i] = 2 * math.sin(math.pi * float(r) / 6)
            try:
                self.corr_chol = np.linalg.cholesky(R)
            except np.linalg.LinAlgError:
                raise ScenarioError("correlations: the matrix is not positive definite")


def set_path(doc, key, value):
    """--set a.b.0.c=VALUE, the value read as YAML."""
    parts = key.split(".")
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, list):
            cur = cur[int(p)]
        else:
            cur = cur.setdefault(p, {})
    last = parts[-1]
    v = yaml.safe_load(value)
    if isinstance(cur, list):
        cur[int(last)] = v
    else:
        cur[last] = v


# --------------------------------------------------------------------------
# The simulation (SPEC 1.2)

def day_index(x, H):
    """A drawn day, rounded (not clamped near 1..H: two phases that both
    start before day 1 must keep their order; the clip only keeps int64 sane)."""
    return np.clip(round_away(x), -2.0**40, 2.0**40).astype(np.int64)


def simulate(sc, n, seed):
    rng = np.random.Generator(np.random.PCG64DXSM(seed))
    H = sc.H
    warnings = {}       # field -> [redrawn, drawn, lo, hi]

    # ---- 1.1 parameters, once per trajectory
    for f in sc.fields.values():
        f.rank = None
    if sc.corr_chol is not None:
        z = rng.standard_normal((n, len(sc.corr_paths))) @ sc.corr_chol.T
        for j, p in enumerate(sc.corr_paths):
            rank = np.empty(n, dtype=np.int64)
            rank[np.argsort(z[:, j], kind="stable")] = np.arange(n)
            sc.fields[p].rank = rank
    N0 = round_away(sc.initial.draw(rng, n, warnings)).astype(np.int64)
    per = sc.per.draw(rng, n, warnings)
    k = sc.dispersion.draw(rng, n, warnings) if sc.dispersion else None
    p_killed = 1.0 / (1.0 + sc.rho.draw(rng, n, warnings))
    b = sc.non_battle.draw(rng, n, warnings) if sc.non_battle else None
    f = sc.rtd_fraction.draw(rng, n, warnings) if sc.rtd_fraction else None
    delay = sc.rtd_delay
    delay_fixed = None
    if delay is not None and delay.dist.fixed is not None:
        delay_fixed = max(1, int(round_away(delay.dist.fixed)))

    phase_from = [day_index(p.draw(rng, n, warnings), H) for p, _ in sc.phases]
    phase_int = [q.draw(rng, n, warnings) for _, q in sc.phases]

    # arrivals[i, t]: soldiers joining trajectory i on day t (1..H)
    arrivals = np.zeros((n, H + 2), dtype=np.int64)
    pending = np.zeros(n, dtype=np.int64)      # scheduled arrivals not yet arrived
    for d, s, c in sc.reinforcements:
        day = day_index(d.draw(rng, n, warnings), H)
        size = round_away(s.draw(rng, n, warnings)).astype(np.int64)
        chance = c.draw(rng, n, warnings)
        ok = (rng.random(n) < chance) & (day >= 1) & (day <= H) & (size > 0)
        idx = np.flatnonzero(ok)
        arrivals[idx, day[idx]] += size[idx]
        pending[idx] += size[idx]

    wdr = []                                   # scheduled withdrawals, in the order written
    for d, kind, amount, c in sc.withdrawals:
        day = day_index(d.draw(rng, n, warnings), H)
        amt = amount.draw(rng, n, warnings)
        if kind == "size":
            amt = round_away(amt)
        chance = c.draw(rng, n, warnings)
        happens = (rng.random(n) < chance) & (day >= 1) & (day <= H)
        wdr.append((np.where(happens, day, -1), kind, amt))

    below = sc.below.draw(rng, n, warnings) if sc.below else None
    N0f = N0.astype(np.float64)
    rule = below * N0f + 1e-9 if below is not None else None

    levels = []
    for m, x in sc.thresholds:
        levels.append((m, x * N0f + 1e-9 if m == "strength" else x * N0f - 1e-9))
    first = np.zeros((len(levels), n), dtype=np.int64)     # 0 = not met
    withdrawn = np.zeros(n, dtype=np.int64)

    A = N0.copy()
    cum_kw = np.zeros(n, dtype=np.int64)
    killed = np.zeros(n, dtype=np.int64)
    wounded = np.zeros(n, dtype=np.int64)
    logw = np.zeros(n) if sc.observations else None
    obs_done = [False] * len(sc.observations)

    def observe(t):
        """Observations dated t, against the state at the end of day t (a
        trajectory no longer simulated keeps its final state; withdrawn: A 0)."""
        for j, (day, figs, err) in enumerate(sc.observations):
            if day != t or obs_done[j]:
                continue
            obs_done[j] = True
            for fig, reported in figs:
                sim = {"killed": killed, "wounded": wounded,
                       "casualties": cum_kw, "strength": A}[fig]
                logw[:] -= (np.log(sim + 1.0) - math.log(reported + 1.0)) ** 2 / (2 * err * err)
    active = np.ones(n, dtype=bool)   # not frozen by the rule, not finished
    useful_days = 0
    loop_days = 0
    returned_soldiers = 0

    # ---- 1.2 the days
    for t in range(1, H + 1):
        act = np.flatnonzero(active)
        na = act.size
        if na == 0:
            break
        loop_days += 1
        useful_days += na
        full = na == n
        sel = slice(None) if full else act

        a = A[sel]
        # 1. arrivals
        arr = arrivals[sel, t]
        a = a + arr
        pend = pending[sel] - arr
        # 2. scheduled withdrawals, in the order written
        for day, kind, amt in wdr:
            due = day[sel] == t
            if due.any():
                out = round_away(amt[sel] * a).astype(np.int64) if kind == "fraction" \
                    else amt[sel].astype(np.int64)
                a = a - np.where(due, np.minimum(out, a), 0)
        # intensity: the phase with the latest start on or before t, last written on ties
        inten = np.ones(na)
        cur = np.full(na, np.iinfo(np.int64).min)
        for pf, pi in zip(phase_from, phase_int):
            s = pf[sel]
            on = (s <= t) & (s >= cur)
            inten = np.where(on, pi[sel], inten)
            cur = np.where(on, s, cur)
        # 3. combat casualties
        mean = inten * per[sel] * (a if sc.proportional else 1.0)
        if k is not None:
            mean = mean * rng.gamma(k[sel], 1.0 / k[sel])
        mean = np.where(a > 0, mean, 0.0)
        C = np.minimum(rng.poisson(mean), a)
        # 4. non-battle
        if b is not None:
            B = np.minimum(rng.poisson(b[sel]), a - C)
        else:
            B = 0
        # 5. killed or wounded
        K = rng.binomial(C, p_killed[sel])
        W = C - K
        killed[sel] += K
        wounded[sel] += W
        # 6. return to duty, the delay drawn per soldier
        if f is not None:
            R = rng.binomial(W, f[sel])
            tot = int(R.sum())
            if tot:
                returned_soldiers += tot
                who = np.repeat(np.arange(na), R)           # position in `act`
                if delay_fixed is not None:
                    d = np.full(tot, delay_fixed, dtype=np.int64)
                else:
                    D = delay.draw(rng, tot, warnings)
                    d = np.maximum(1, round_away(D)).astype(np.int64)
                day = t + d
                inside = day <= H
                who, day = who[inside], day[inside]
                if who.size:
                    rows = act[who] if not full else who
                    # count (trajectory, day) pairs: sort, then run lengths
                    key = np.sort(rows * (H + 2) + day)
                    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
                    counts = np.diff(np.append(starts, key.size))
                    arrivals.reshape(-1)[key[starts]] += counts
                    pend = pend + np.bincount(who, minlength=na)
        # 7.
        a = a - C - B
        ckw = cum_kw[sel] + C
        # 8. thresholds
        for j, (m, lv) in enumerate(levels):
            fj = first[j, sel]
            hit = (fj == 0) & ((a <= lv[sel]) if m == "strength" else (ckw >= lv[sel]))
            first[j, sel] = np.where(hit, t, fj)
        # 9. the withdrawal rule: frozen from the end of day t
        still = np.ones(na, dtype=bool)
        if rule is not None:
            out = a <= rule[sel]
            withdrawn[sel] = np.where(out, t, withdrawn[sel])
            a = np.where(out, 0, a)
            still &= ~out
        # nobody left and nobody to come: nothing can change any more
        still &= ~((a == 0) & (pend == 0))
        A[sel] = a
        cum_kw[sel] = ckw
        pending[sel] = pend
        if not still.all():
            active[act[~still]] = False
        if logw is not None:
            observe(t)
    if logw is not None:                 # observations after every trajectory ended
        for day, _, _ in sc.observations:
            observe(day)

    weights = np.exp(logw) if logw is not None else None
    return {
        "N0": N0, "first": first, "withdrawn": withdrawn, "weights": weights,
        "useful_days": useful_days, "loop_days": loop_days,
        "returned_soldiers": returned_soldiers, "warnings": warnings,
    }


# --------------------------------------------------------------------------
# Report (SPEC 1.4)

def percentile_days(days, n, H, percentiles, weights=None):
    """days: first day met (0 = never). First t with count(t) * 100 >= p * n;
    with weights, the weighted count and total."""
    if weights is not None:
        total = weights.sum()
        per_day = np.bincount(days, weights=weights, minlength=H + 1)[: H + 1]
        per_day[0] = 0.0                   # day 0: never met
        counts = np.cumsum(per_day)
        out = {}
        for p in percentiles:
            idx = np.flatnonzero(counts * 100.0 >= p * total * (1 - 1e-12))
            idx = idx[idx > 0]
            out[p] = int(idx[0]) if idx.size else None
        return float(counts[-1] / total), out
    met = days[days > 0]
    counts = np.cumsum(np.bincount(met, minlength=H + 1)[: H + 1])
    out = {}
    for p in percentiles:
        # exact: count * 100 >= p * n (p may be fractional: compare in floats
        # only when it is not a whole number)
        if float(p).is_integer():
            ok = counts * 100 >= int(p) * n
        else:
            ok = counts * 100.0 >= p * n
        ok[0] = False                      # day 0 is never a percentile
        idx = np.flatnonzero(ok)
        out[p] = int(idx[0]) if idx.size else None
    return float(met.size) / n, out


def fmt_level(x):
    return str(x)


def main(argv=None):
    ap = argparse.ArgumentParser(description="NumPy peer of deplete (SPEC section 1)")
    ap.add_argument("scenario")
    ap.add_argument("-n", "--trajectories", type=float)
    ap.add_argument("-s", "--seed", type=int)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--format", choices=["json", "csv"], default="json")
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    args = ap.parse_args(argv)

    try:
        with open(args.scenario) as fh:
            doc = yaml.safe_load(fh)
        if not isinstance(doc, dict):
            raise ScenarioError(f"{args.scenario}: the root is not a mapping")
        for kv in args.set:
            key, _, value = kv.partition("=")
            set_path(doc, key, value)
        sc = Scenario(doc, args.scenario)
    except (ScenarioError, OSError, yaml.YAMLError) as e:
        print(f"peer_numpy: {e}", file=sys.stderr)
        return 2

    n = int(args.trajectories) if args.trajectories else sc.trajectories
    seed = args.seed if args.seed is not None else sc.seed
    t0 = time.perf_counter()
    r = simulate(sc, n, seed)
    elapsed = time.perf_counter() - t0
    for where, (redrawn, drawn, lo, hi) in r["warnings"].items():
        print(f"peer_numpy: warning: {where}: {redrawn} of {drawn} draws ({100 * redrawn / drawn:.2f}%) "
              f"outside [{lo}, {hi}], drawn again inside it", file=sys.stderr)

    rows = []
    for j, (m, x) in enumerate(sc.thresholds):
        p_met, pct = percentile_days(r["first"][j], n, sc.H, sc.percentiles, r["weights"])
        rows.append({"measure": m, "level": fmt_level(x), "p_met": p_met, "percentiles": pct})
    if sc.below is not None:
        p_met, pct = percentile_days(r["withdrawn"], n, sc.H, sc.percentiles, r["weights"])
        rows.append({"measure": "withdrawn", "level": "", "p_met": p_met, "percentiles": pct})

    w = r["weights"]
    ess = float(w.sum() ** 2 / (w * w).sum()) if w is not None else float(n)
    if sc.ignored_observations:
        print(f"peer_numpy: warning: {sc.ignored_observations} observation(s) outside days 1..{sc.H} ignored",
              file=sys.stderr)
    if ess < 0.01 * n:
        print(f"peer_numpy: warning: effective sample size {ess:.1f} is below 1% of {n}", file=sys.stderr)
    loop_td = r["loop_days"] * n
    useful = r["useful_days"]
    res = {
        "scenario": sc.name, "file": args.scenario, "trajectories": n, "seed": seed,
        "horizon": sc.H, "start": sc.start.isoformat(),
        "effective_trajectories": ess,
        "elapsed_s": elapsed,
        "trajectories_per_s": n / elapsed,
        "loop_days": r["loop_days"],
        "loop_trajectory_days": loop_td,
        "useful_trajectory_days": useful,
        "ns_per_useful_trajectory_day": elapsed * 1e9 / useful if useful else None,
        "ns_per_loop_trajectory_day": elapsed * 1e9 / loop_td if loop_td else None,
        "returned_soldiers": r["returned_soldiers"],
        "thresholds": rows,
    }

    out = open(args.output, "w") if args.output else sys.stdout
    if args.format == "json":
        json.dump(res, out, indent=1)
        out.write("\n")
    else:
        out.write("scenario,measure,level,percentile,day,date,p_met,effective_trajectories\n")
        for row in rows:
            for p, d in row["percentiles"].items():
                date = (sc.start + dt.timedelta(days=d - 1)).isoformat() if d else ""
                out.write(f"{sc.name},{row['measure']},{row['level']},{p},"
                          f"{d if d else ''},{date},{row['p_met']:.6f},{ess:.1f}\n")
        out.write(f"# elapsed_s={elapsed:.3f} trajectories_per_s={n / elapsed:.1f} "
                  f"loop_trajectory_days={loop_td} useful_trajectory_days={useful}\n")
    if args.output:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
