"""Vectorised random draws shared by the population and schooling models.

The rules engine judges every commune on rates over small cohorts (a commune
has perhaps 100 eleven-year-olds). Independent coin flips would scatter those
rates by several points from the profile's value, so a commune would pass or
fail a criterion by luck of the seed. *Stratified* uniforms fix that: within
each group (people of one age in one commune or one of its ethnic
sub-populations) the uniforms are spread evenly over [0, 1) in random order, so
that any event "u < p" happens to round(p × n) people of the group, give or take
one, while each person's marginal probability is still exactly p. Different
draws use independent random orders: a sort per draw (:func:`stratified`), or a
random affine permutation of positions where the group's members were generated
together (:class:`Strata`), which needs no sort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def group_ranks(rng: np.random.Generator, group: Ints) -> tuple[Ints, Ints]:
    """A uniformly random rank of each element within its group, and the group sizes.

    ``group`` holds non-negative ids below 2^32; the ranks of a group are 0 … size − 1.
    """
    n = group.shape[0]
    # One sort on (group, random key) gives a random order inside each group.
    key = (group << np.int64(31)) | rng.integers(0, 1 << 31, n, dtype=np.int64)
    order = np.argsort(key)
    starts, lengths = segment_starts(group[order])
    ranks = np.empty(n, np.int64)
    ranks[order] = np.arange(n, dtype=np.int64) - np.repeat(starts, lengths)
    sizes = np.empty(n, np.int64)
    sizes[order] = np.repeat(lengths, lengths)
    return ranks, sizes


def stratified(rng: np.random.Generator, group: Ints) -> Floats:
    """Uniforms on [0, 1), evenly spread within each group (see the module docstring)."""
    ranks, sizes = group_ranks(rng, group)
    jitter = rng.random(group.shape[0])
    result: Floats = (ranks + jitter) / np.maximum(sizes, 1)
    return result


@dataclass(frozen=True)
class Strata:
    """People's positions in strata whose members are exchangeable, for sort-free draws.

    When people are generated stratum by stratum and every later attribute is drawn
    independently per person, a person's position in the stratum carries no
    information; a random affine permutation of positions (a·position + b modulo the
    stratum's size, a coprime to the size) then gives a fresh random rank for each
    draw without sorting. Affine permutations are not all permutations, but they are
    pairwise independent enough for rates over many strata.
    """

    stratum: Ints
    position: Ints
    size: Ints
    """Size of each stratum (indexed by stratum id)."""

    def uniform(self, rng: np.random.Generator) -> Floats:
        """Stratified uniforms for every person, by a fresh affine permutation."""
        n = self.size
        b = (rng.random(n.size) * n).astype(np.int64)
        a = np.ones(n.size, np.int64)
        pending = np.flatnonzero(n > 2)
        while pending.size:
            candidate = 1 + (rng.random(pending.size) * (n[pending] - 1)).astype(np.int64)
            coprime = np.gcd(candidate, n[pending]) == 1
            a[pending[coprime]] = candidate[coprime]
            pending = pending[~coprime]
        s = self.stratum
        size = n[s]
        rank = (a[s] * self.position + b[s]) % np.maximum(size, 1)
        result: Floats = (rank + rng.random(s.size)) / np.maximum(size, 1)
        return result

    def take(self, rows: Ints) -> Strata:
        """The strata of people reordered (or selected) by ``rows``."""
        return Strata(self.stratum[rows], self.position[rows], self.size)


def interpolate(curve: tuple[tuple[int, float], ...], ages: Ints) -> Floats:
    """A profile curve evaluated at each age (linear between anchors, flat outside)."""
    xs = np.array([a for a, _ in curve], np.float64)
    ys = np.array([v for _, v in curve], np.float64)
    result: Floats = np.interp(ages.astype(np.float64), xs, ys)
    return result


def table(curve: tuple[tuple[int, float], ...], max_age: int) -> Floats:
    """A curve tabulated for every age 0 … max_age, for look-up by fancy indexing."""
    return interpolate(curve, np.arange(max_age + 1, dtype=np.int64))


def allocate(total: int, weights: Floats) -> Ints:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Deterministic: ties go to the earlier element.
    """
    if total <= 0 or weights.size == 0 or float(weights.sum()) <= 0.0:
        return np.zeros(weights.size, np.int64)
    exact = weights / weights.sum() * total
    counts: Ints = np.floor(exact).astype(np.int64)
    short = int(total - counts.sum())
    if short > 0:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def segment_starts(sorted_ids: Ints) -> tuple[Ints, Ints]:
    """Start index and length of each run of equal values in a sorted id array."""
    n = sorted_ids.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]).astype(np.int64)
    lengths = np.diff(np.r_[starts, n]).astype(np.int64)
    return starts, lengths
