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
    "after narration": 1.62,
    "called before": 0.34,
    "female tag, after narration": 0.32,
    "female tag, called before": 0.56,
    "female tag, first alternating pronoun": -0.55,
    "female tag, first alternating pronoun, terse": -0.17,
    "female tag, first pronoun tag": -0.77,
    "female tag, first pronoun tag, terse": 0.18,
    "female tag, gender unknown": -0.48,
    "female tag, last speaker": 0.50,
    "female tag, named before": 0.80,
    "female tag, named here": 0.28,
    "female tag, object before": -0.17,
    "female tag, present": 0.54,
    "female tag, pronoun clashes before": 0.15,
    "female tag, pronoun clashes here": -0.12,
    "female tag, pronoun fits before": 0.30,
    "female tag, pronoun fits here": 0.54,
    "female tag, question answered": 0.24,
    "female tag, recent subject": 0.21,
    "female tag, rule addressed": 0.99,
    "female tag, rule alternating pronoun": 0.95,
    "female tag, rule beat": 0.68,
    "female tag, rule guess": -0.06,
    "female tag, rule previous": 0.29,
    "female tag, rule previous, alone": 0.20,
    "female tag, rule previous, short": 0.07,
    "female tag, rule pronoun beat": -0.01,
    "female tag, rule pronoun previous": -0.02,
    "female tag, rule pronoun previous, alone": -0.13,
    "female tag, rule pronoun previous, short": 0.30,
    "female tag, rule pronoun tag": 1.23,
    "female tag, rule turn": 0.53,
    "female tag, rule voice": 0.32,
    "female tag, silent before": -0.32,
    "female tag, spoke in conversation": 0.01,
    "female tag, subject before": 0.29,
    "female tag, subject here": 0.43,
    "female tag, two back": 0.42,
    "first addressed": 0.57,
    "first addressed, terse": -0.05,
    "first beat": -0.55,
    "first beat, terse": 0.67,
    "first guess": 0.22,
    "first guess, terse": 0.12,
    "first monologue": -0.32,
    "first monologue, terse": -0.13,
    "first previous": -0.00,
    "first previous, terse": 0.57,
    "first pronoun beat": -0.79,
    "first pronoun beat, terse": -0.08,
    "first pronoun previous": 0.02,
    "first pronoun previous, terse": 0.24,
    "first reaction": 0.00,
    "first reaction, terse": 0.01,
    "first turn": 0.32,
    "first turn, terse": 0.36,
    "first voice": 0.20,
    "first voice, terse": 0.24,
    "last speaker": -0.54,
    "male tag, after narration": 0.38,
    "male tag, called before": 0.67,
    "male tag, first alternating pronoun": -0.63,
    "male tag, first alternating pronoun, terse": -0.13,
    "male tag, first pronoun tag": -0.69,
    "male tag, first pronoun tag, terse": 0.29,
    "male tag, gender unknown": -0.62,
    "male tag, last speaker": 0.25,
    "male tag, named before": 0.89,
    "male tag, named here": 0.18,
    "male tag, object before": -0.41,
    "male tag, present": 0.36,
    "male tag, pronoun clashes before": 0.10,
    "male tag, pronoun clashes here": -0.04,
    "male tag, pronoun fits before": 0.31,
    "male tag, pronoun fits here": 0.65,
    "male tag, question answered": -0.15,
    "male tag, recent subject": 0.28,
    "male tag, rule addressed": 0.87,
    "male tag, rule alternating pronoun": 0.87,
    "male tag, rule beat": 0.89,
    "male tag, rule guess": -0.04,
    "male tag, rule previous": 0.42,
    "male tag, rule previous, alone": 0.69,
    "male tag, rule previous, short": 0.47,
    "male tag, rule pronoun beat": -0.04,
    "male tag, rule pronoun previous": -0.23,
    "male tag, rule pronoun previous, alone": 0.03,
    "male tag, rule pronoun previous, short": 0.21,
    "male tag, rule pronoun tag": 1.31,
    "male tag, rule reaction": -0.01,
    "male tag, rule turn": 0.60,
    "male tag, rule voice": 0.11,
    "male tag, silent before": -0.18,
    "male tag, spoke in conversation": 0.21,
    "male tag, subject before": -0.29,
    "male tag, subject here": 0.78,
    "male tag, two back": 0.29,
    "named before": 0.73,
    "named here": 0.95,
    "narrator": 0.07,
    "narrator beat": 0.41,
    "nobody": -1.50,
    "object before": -0.02,
    "present": 0.65,
    "pronoun clashes before": 0.53,
    "pronoun clashes here": -0.21,
    "pronoun fits before": 0.62,
    "pronoun fits here": 1.05,
    "question answered": 0.23,
    "recent subject": 0.43,
    "role tag, after narration": 0.60,
    "role tag, called before": 0.27,
    "role tag, first role tag": -0.94,
    "role tag, first role tag, terse": -0.09,
    "role tag, gender unknown": -0.32,
    "role tag, last speaker": -0.44,
    "role tag, named before": 0.22,
    "role tag, named here": -0.74,
    "role tag, object before": 0.48,
    "role tag, present": -0.08,
    "role tag, pronoun clashes before": 0.00,
    "role tag, pronoun clashes here": -0.00,
    "role tag, pronoun fits before": 0.03,
    "role tag, pronoun fits here": 0.03,
    "role tag, question answered": 0.07,
    "role tag, recent subject": -0.02,
    "role tag, rule addressed": 0.40,
    "role tag, rule beat": -0.10,
    "role tag, rule guess": -0.01,
    "role tag, rule previous": -0.08,
    "role tag, rule previous, alone": -0.02,
    "role tag, rule previous, short": 0.09,
    "role tag, rule pronoun previous": -0.03,
    "role tag, rule pronoun previous, alone": 0.05,
    "role tag, rule pronoun previous, short": 0.05,
    "role tag, rule role tag": 1.06,
    "role tag, rule turn": 0.20,
    "role tag, rule voice": -0.08,
    "role tag, silent before": -0.01,
    "role tag, spoke in conversation": 0.52,
    "role tag, subject before": -0.33,
    "role tag, subject here": -0.17,
    "role tag, two back": 0.71,
    "rule addressed": 1.57,
    "rule beat": 1.95,
    "rule guess": 0.34,
    "rule monologue": 2.68,
    "rule previous": 0.52,
    "rule previous, alone": 0.19,
    "rule previous, short": -0.05,
    "rule pronoun beat": 1.21,
    "rule pronoun previous": 0.20,
    "rule pronoun previous, alone": -0.23,
    "rule pronoun previous, short": -0.10,
    "rule reaction": 2.51,
    "rule turn": 0.63,
    "rule voice": 1.98,
    "silent before": -0.40,
    "spoke in conversation": 0.04,
    "subject before": -0.23,
    "subject here": -0.11,
    "two back": 0.66,
}  # fmt: skip
"""Feature -> weight (log-odds), learned on the development corpus."""

NOBODY = "nobody"
"""The feature of the candidate "nobody we know" (every paragraph has it); its weight is set, not learned."""

CALIBRATION = {"untagged": (0.683, -0.082, -0.048), "pronoun tag": (0.329, 0.405, -0.066), "role tag": (1.0, 0.599, -0.223)}
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
