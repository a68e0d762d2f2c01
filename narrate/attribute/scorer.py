"""Scorer: rank the people who may say an untagged paragraph by their evidence, and say how sure that is.

The evidence of a candidate is a set of named features (the rules of
`speakers` that propose them, whether they spoke last, were addressed, ...);
each feature has a weight learned on the development corpus by
bench/train_scorer.py. A candidate's probability is the softmax of their
summed weights over all candidates, and that is the confidence of the pick.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from narrate.model import Segment

Evidence = tuple[list[Segment], dict[str, dict[str, float]], int]
"""A weighed paragraph, kept for training: its segments, each candidate's evidence (feature -> value), and how
many paragraphs in a row before it turn-taking decided."""

WEIGHTS: dict[str, float] = {
    "after narration": 1.50,
    "called before": 0.48,
    "female tag, after narration": 0.42,
    "female tag, called before": 0.67,
    "female tag, first alternating pronoun": -0.64,
    "female tag, first alternating pronoun, terse": -0.22,
    "female tag, first pronoun tag": -0.69,
    "female tag, first pronoun tag, terse": 0.27,
    "female tag, last speaker": 0.37,
    "female tag, named before": 0.79,
    "female tag, named here": 0.29,
    "female tag, present": 0.51,
    "female tag, pronoun clashes before": 0.02,
    "female tag, pronoun clashes here": -0.09,
    "female tag, pronoun fits before": 0.47,
    "female tag, pronoun fits here": 0.74,
    "female tag, question answered": 0.20,
    "female tag, recent subject": 0.16,
    "female tag, rule addressed": 0.94,
    "female tag, rule alternating pronoun": 0.86,
    "female tag, rule beat": 0.66,
    "female tag, rule guess": -0.12,
    "female tag, rule previous": 0.52,
    "female tag, rule previous, alone": 0.30,
    "female tag, rule previous, short": -0.04,
    "female tag, rule pronoun beat": -0.18,
    "female tag, rule pronoun previous": 0.11,
    "female tag, rule pronoun previous, alone": -0.28,
    "female tag, rule pronoun previous, short": 0.30,
    "female tag, rule pronoun tag": 1.31,
    "female tag, rule turn": 0.52,
    "female tag, rule voice": 0.31,
    "female tag, spoke in conversation": 0.06,
    "female tag, subject before": 0.39,
    "female tag, subject here": 0.30,
    "female tag, two back": 0.33,
    "first addressed": 0.56,
    "first addressed, terse": -0.14,
    "first beat": -0.56,
    "first beat, terse": 0.81,
    "first guess": 0.26,
    "first guess, terse": 0.09,
    "first monologue": -0.35,
    "first monologue, terse": -0.14,
    "first previous": 0.02,
    "first previous, terse": 0.65,
    "first pronoun beat": -0.78,
    "first pronoun beat, terse": -0.14,
    "first pronoun previous": -0.14,
    "first pronoun previous, terse": 0.37,
    "first reaction": 0.00,
    "first reaction, terse": 0.01,
    "first turn": 0.35,
    "first turn, terse": 0.32,
    "first voice": 0.28,
    "first voice, terse": 0.28,
    "last speaker": -0.51,
    "male tag, after narration": 0.24,
    "male tag, called before": 0.53,
    "male tag, first alternating pronoun": -0.59,
    "male tag, first alternating pronoun, terse": -0.11,
    "male tag, first pronoun tag": -0.77,
    "male tag, first pronoun tag, terse": 0.50,
    "male tag, last speaker": 0.08,
    "male tag, named before": 0.57,
    "male tag, named here": 0.35,
    "male tag, present": 0.34,
    "male tag, pronoun clashes before": -0.02,
    "male tag, pronoun clashes here": 0.02,
    "male tag, pronoun fits before": 0.36,
    "male tag, pronoun fits here": 0.50,
    "male tag, question answered": 0.10,
    "male tag, recent subject": 0.30,
    "male tag, rule addressed": 0.94,
    "male tag, rule alternating pronoun": 0.91,
    "male tag, rule beat": 0.67,
    "male tag, rule guess": 0.07,
    "male tag, rule previous": 0.63,
    "male tag, rule previous, alone": 0.68,
    "male tag, rule previous, short": 0.43,
    "male tag, rule pronoun beat": 0.10,
    "male tag, rule pronoun previous": -0.21,
    "male tag, rule pronoun previous, alone": 0.07,
    "male tag, rule pronoun previous, short": 0.01,
    "male tag, rule pronoun tag": 1.23,
    "male tag, rule reaction": 0.01,
    "male tag, rule turn": 0.33,
    "male tag, rule voice": 0.13,
    "male tag, spoke in conversation": 0.28,
    "male tag, subject before": -0.05,
    "male tag, subject here": 0.90,
    "male tag, two back": 0.15,
    "named before": 0.65,
    "named here": 0.82,
    "narrator": 0.13,
    "nobody": -1.50,
    "present": 0.78,
    "pronoun clashes before": 0.46,
    "pronoun clashes here": -0.54,
    "pronoun fits before": 0.60,
    "pronoun fits here": 0.94,
    "question answered": 0.22,
    "recent subject": 0.38,
    "role tag, rule role tag": 2.00,
    "rule addressed": 1.56,
    "rule beat": 1.94,
    "rule guess": 0.30,
    "rule monologue": 2.65,
    "rule previous": 0.47,
    "rule previous, alone": 0.26,
    "rule previous, short": -0.05,
    "rule pronoun beat": 1.22,
    "rule pronoun previous": 0.22,
    "rule pronoun previous, alone": -0.16,
    "rule pronoun previous, short": -0.05,
    "rule reaction": 2.51,
    "rule turn": 0.59,
    "rule voice": 1.87,
    "spoke in conversation": -0.09,
    "subject before": -0.26,
    "subject here": -0.09,
    "two back": 0.62,
}  # fmt: skip
"""Feature -> weight (log-odds), learned on the development corpus."""

NOBODY = "nobody"
"""The feature of the candidate "nobody we know" (every paragraph has it); its weight is set, not learned."""

CALIBRATION = {"untagged": (0.583, -0.212, -0.025), "pronoun tag": (0.252, 0.301, -0.055)}
"""(slope, intercept, per turn) mapping the log-odds of a pick's probability, and how many paragraphs in a row
turn-taking decided before it, to how often such picks are right on the development corpus (Platt scaling),
for untagged paragraphs and for "he said" / "she said"."""
MAX_TURNS = 6
"""Turn-taking runs longer than this count as this long."""
CLIP = 0.999
"""Probabilities are clipped to this (and 1 - it) before scaling: a lone candidate is not certain."""


def calibrated(probability: float, kind: str, turns: int) -> float:
    """How often a pick of `kind` ("untagged", "pronoun tag", "role tag") the scorer gives `probability`, after
    `turns` paragraphs of turn-taking, is right."""
    slope, intercept, per_turn = CALIBRATION.get(kind, CALIBRATION["untagged"])
    p = min(CLIP, max(1 - CLIP, probability))
    return 1 / (1 + math.exp(-(slope * math.log(p / (1 - p)) + intercept + per_turn * min(turns, MAX_TURNS))))


def rank(candidates: Mapping[str, Mapping[str, float]]) -> list[tuple[str, float]]:
    """(name, probability) of every candidate, likeliest first (ties keep the candidates' order)."""
    scores = {name: sum(WEIGHTS.get(f, 0.0) * v for f, v in features.items()) for name, features in candidates.items()}
    top = max(scores.values())
    odds = {name: math.exp(score - top) for name, score in scores.items()}
    total = sum(odds.values())
    return sorted(((name, value / total) for name, value in odds.items()), key=lambda item: -item[1])
