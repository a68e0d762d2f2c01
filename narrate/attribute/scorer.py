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
    "after narration": 1.61,
    "called before": 0.34,
    "female tag, after narration": 0.41,
    "female tag, called before": 0.79,
    "female tag, first alternating pronoun": -0.58,
    "female tag, first alternating pronoun, terse": -0.19,
    "female tag, first pronoun tag": -0.72,
    "female tag, first pronoun tag, terse": 0.06,
    "female tag, gender unknown": -0.47,
    "female tag, last speaker": 0.37,
    "female tag, named before": 0.78,
    "female tag, named here": 0.27,
    "female tag, present": 0.41,
    "female tag, pronoun clashes before": 0.13,
    "female tag, pronoun clashes here": -0.09,
    "female tag, pronoun fits before": 0.34,
    "female tag, pronoun fits here": 0.44,
    "female tag, question answered": 0.17,
    "female tag, recent subject": 0.34,
    "female tag, rule addressed": 0.92,
    "female tag, rule alternating pronoun": 0.92,
    "female tag, rule beat": 0.70,
    "female tag, rule guess": -0.07,
    "female tag, rule previous": 0.38,
    "female tag, rule previous, alone": 0.40,
    "female tag, rule previous, short": 0.08,
    "female tag, rule pronoun beat": -0.13,
    "female tag, rule pronoun previous": 0.01,
    "female tag, rule pronoun previous, alone": -0.18,
    "female tag, rule pronoun previous, short": 0.22,
    "female tag, rule pronoun tag": 1.28,
    "female tag, rule turn": 0.50,
    "female tag, rule voice": 0.29,
    "female tag, spoke in conversation": 0.10,
    "female tag, subject before": 0.37,
    "female tag, subject here": 0.43,
    "female tag, two back": 0.42,
    "first addressed": 0.58,
    "first addressed, terse": -0.13,
    "first beat": -0.55,
    "first beat, terse": 0.70,
    "first guess": 0.26,
    "first guess, terse": 0.11,
    "first monologue": -0.33,
    "first monologue, terse": -0.14,
    "first previous": 0.04,
    "first previous, terse": 0.64,
    "first pronoun beat": -0.78,
    "first pronoun beat, terse": 0.00,
    "first pronoun previous": -0.10,
    "first pronoun previous, terse": 0.33,
    "first reaction": -0.00,
    "first reaction, terse": 0.01,
    "first turn": 0.30,
    "first turn, terse": 0.40,
    "first voice": 0.29,
    "first voice, terse": 0.27,
    "last speaker": -0.57,
    "male tag, after narration": 0.32,
    "male tag, called before": 0.67,
    "male tag, first alternating pronoun": -0.64,
    "male tag, first alternating pronoun, terse": -0.18,
    "male tag, first pronoun tag": -0.73,
    "male tag, first pronoun tag, terse": 0.40,
    "male tag, gender unknown": -0.48,
    "male tag, last speaker": 0.23,
    "male tag, named before": 0.80,
    "male tag, named here": 0.27,
    "male tag, present": 0.30,
    "male tag, pronoun clashes before": -0.05,
    "male tag, pronoun clashes here": -0.05,
    "male tag, pronoun fits before": 0.40,
    "male tag, pronoun fits here": 0.52,
    "male tag, question answered": 0.07,
    "male tag, recent subject": 0.28,
    "male tag, rule addressed": 0.96,
    "male tag, rule alternating pronoun": 0.86,
    "male tag, rule beat": 0.68,
    "male tag, rule guess": 0.02,
    "male tag, rule previous": 0.44,
    "male tag, rule previous, alone": 0.64,
    "male tag, rule previous, short": 0.46,
    "male tag, rule pronoun beat": -0.09,
    "male tag, rule pronoun previous": -0.13,
    "male tag, rule pronoun previous, alone": 0.01,
    "male tag, rule pronoun previous, short": 0.15,
    "male tag, rule pronoun tag": 1.27,
    "male tag, rule reaction": 0.00,
    "male tag, rule turn": 0.54,
    "male tag, rule voice": 0.15,
    "male tag, spoke in conversation": 0.30,
    "male tag, subject before": -0.15,
    "male tag, subject here": 0.90,
    "male tag, two back": 0.18,
    "named before": 0.70,
    "named here": 0.87,
    "narrator": 0.09,
    "nobody": -1.50,
    "present": 0.70,
    "pronoun clashes before": 0.54,
    "pronoun clashes here": -0.28,
    "pronoun fits before": 0.61,
    "pronoun fits here": 1.00,
    "question answered": 0.27,
    "recent subject": 0.44,
    "role tag, after narration": 0.47,
    "role tag, called before": 0.31,
    "role tag, first role tag": -0.93,
    "role tag, first role tag, terse": -0.05,
    "role tag, gender unknown": -0.15,
    "role tag, last speaker": -0.46,
    "role tag, named before": 0.34,
    "role tag, named here": -0.68,
    "role tag, present": -0.18,
    "role tag, pronoun clashes before": 0.04,
    "role tag, pronoun clashes here": -0.00,
    "role tag, pronoun fits before": 0.03,
    "role tag, pronoun fits here": -0.09,
    "role tag, question answered": 0.15,
    "role tag, recent subject": 0.07,
    "role tag, rule addressed": 0.40,
    "role tag, rule beat": -0.10,
    "role tag, rule guess": -0.00,
    "role tag, rule previous": -0.01,
    "role tag, rule previous, alone": -0.01,
    "role tag, rule previous, short": 0.09,
    "role tag, rule pronoun previous": -0.04,
    "role tag, rule pronoun previous, alone": 0.04,
    "role tag, rule pronoun previous, short": 0.02,
    "role tag, rule role tag": 1.07,
    "role tag, rule turn": 0.23,
    "role tag, rule voice": -0.07,
    "role tag, spoke in conversation": 0.71,
    "role tag, subject before": -0.37,
    "role tag, subject here": -0.17,
    "role tag, two back": 0.72,
    "rule addressed": 1.60,
    "rule beat": 1.95,
    "rule guess": 0.29,
    "rule monologue": 2.67,
    "rule previous": 0.42,
    "rule previous, alone": 0.15,
    "rule previous, short": -0.04,
    "rule pronoun beat": 1.22,
    "rule pronoun previous": 0.28,
    "rule pronoun previous, alone": -0.25,
    "rule pronoun previous, short": -0.12,
    "rule reaction": 2.51,
    "rule turn": 0.60,
    "rule voice": 1.97,
    "spoke in conversation": -0.02,
    "subject before": -0.23,
    "subject here": -0.00,
    "two back": 0.63,
}  # fmt: skip
"""Feature -> weight (log-odds), learned on the development corpus."""

NOBODY = "nobody"
"""The feature of the candidate "nobody we know" (every paragraph has it); its weight is set, not learned."""

CALIBRATION = {"untagged": (0.639, -0.151, -0.028), "pronoun tag": (0.296, 0.252, -0.04), "role tag": (1.0, 0.375, -0.141)}
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
