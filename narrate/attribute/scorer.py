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
    "after narration": 1.60,
    "called before": 0.38,
    "female tag, after narration": 0.39,
    "female tag, called before": 0.79,
    "female tag, first alternating pronoun": -0.58,
    "female tag, first alternating pronoun, terse": -0.20,
    "female tag, first pronoun tag": -0.71,
    "female tag, first pronoun tag, terse": 0.01,
    "female tag, gender unknown": -0.45,
    "female tag, last speaker": 0.39,
    "female tag, named before": 0.76,
    "female tag, named here": 0.25,
    "female tag, present": 0.40,
    "female tag, pronoun clashes before": 0.14,
    "female tag, pronoun clashes here": -0.08,
    "female tag, pronoun fits before": 0.36,
    "female tag, pronoun fits here": 0.42,
    "female tag, question answered": 0.20,
    "female tag, recent subject": 0.31,
    "female tag, rule addressed": 0.93,
    "female tag, rule alternating pronoun": 0.92,
    "female tag, rule beat": 0.69,
    "female tag, rule guess": 0.00,
    "female tag, rule previous": 0.42,
    "female tag, rule previous, alone": 0.38,
    "female tag, rule previous, short": 0.07,
    "female tag, rule pronoun beat": -0.14,
    "female tag, rule pronoun previous": 0.01,
    "female tag, rule pronoun previous, alone": -0.19,
    "female tag, rule pronoun previous, short": 0.25,
    "female tag, rule pronoun tag": 1.29,
    "female tag, rule turn": 0.52,
    "female tag, rule voice": 0.35,
    "female tag, spoke in conversation": 0.10,
    "female tag, subject before": 0.39,
    "female tag, subject here": 0.41,
    "female tag, two back": 0.40,
    "first addressed": 0.55,
    "first addressed, terse": -0.12,
    "first beat": -0.53,
    "first beat, terse": 0.72,
    "first guess": 0.28,
    "first guess, terse": 0.11,
    "first monologue": -0.34,
    "first monologue, terse": -0.14,
    "first previous": 0.02,
    "first previous, terse": 0.63,
    "first pronoun beat": -0.75,
    "first pronoun beat, terse": -0.08,
    "first pronoun previous": -0.05,
    "first pronoun previous, terse": 0.30,
    "first reaction": -0.00,
    "first reaction, terse": 0.01,
    "first turn": 0.29,
    "first turn, terse": 0.40,
    "first voice": 0.29,
    "first voice, terse": 0.27,
    "last speaker": -0.53,
    "male tag, after narration": 0.37,
    "male tag, called before": 0.61,
    "male tag, first alternating pronoun": -0.63,
    "male tag, first alternating pronoun, terse": -0.13,
    "male tag, first pronoun tag": -0.71,
    "male tag, first pronoun tag, terse": 0.32,
    "male tag, gender unknown": -0.49,
    "male tag, last speaker": 0.16,
    "male tag, named before": 0.77,
    "male tag, named here": 0.24,
    "male tag, present": 0.27,
    "male tag, pronoun clashes before": -0.03,
    "male tag, pronoun clashes here": -0.04,
    "male tag, pronoun fits before": 0.43,
    "male tag, pronoun fits here": 0.52,
    "male tag, question answered": 0.01,
    "male tag, recent subject": 0.32,
    "male tag, rule addressed": 0.98,
    "male tag, rule alternating pronoun": 0.87,
    "male tag, rule beat": 0.69,
    "male tag, rule guess": -0.06,
    "male tag, rule previous": 0.42,
    "male tag, rule previous, alone": 0.61,
    "male tag, rule previous, short": 0.50,
    "male tag, rule pronoun beat": -0.06,
    "male tag, rule pronoun previous": -0.19,
    "male tag, rule pronoun previous, alone": 0.04,
    "male tag, rule pronoun previous, short": 0.08,
    "male tag, rule pronoun tag": 1.29,
    "male tag, rule reaction": 0.00,
    "male tag, rule turn": 0.51,
    "male tag, rule voice": 0.14,
    "male tag, spoke in conversation": 0.33,
    "male tag, subject before": -0.16,
    "male tag, subject here": 0.90,
    "male tag, two back": 0.19,
    "named before": 0.68,
    "named here": 0.84,
    "narrator": 0.12,
    "nobody": -1.50,
    "present": 0.71,
    "pronoun clashes before": 0.52,
    "pronoun clashes here": -0.32,
    "pronoun fits before": 0.57,
    "pronoun fits here": 1.02,
    "question answered": 0.23,
    "recent subject": 0.44,
    "role tag, after narration": 0.42,
    "role tag, called before": 0.23,
    "role tag, first role tag": -0.93,
    "role tag, first role tag, terse": -0.06,
    "role tag, gender unknown": -0.12,
    "role tag, last speaker": -0.45,
    "role tag, named before": 0.32,
    "role tag, named here": -0.69,
    "role tag, present": -0.15,
    "role tag, pronoun clashes before": 0.03,
    "role tag, pronoun clashes here": -0.00,
    "role tag, pronoun fits before": 0.03,
    "role tag, pronoun fits here": -0.10,
    "role tag, question answered": 0.09,
    "role tag, recent subject": 0.19,
    "role tag, rule addressed": 0.31,
    "role tag, rule beat": -0.14,
    "role tag, rule guess": 0.05,
    "role tag, rule previous": -0.02,
    "role tag, rule previous, alone": 0.11,
    "role tag, rule previous, short": 0.08,
    "role tag, rule pronoun previous": -0.06,
    "role tag, rule pronoun previous, alone": 0.04,
    "role tag, rule pronoun previous, short": 0.02,
    "role tag, rule role tag": 1.07,
    "role tag, rule turn": 0.34,
    "role tag, rule voice": -0.10,
    "role tag, spoke in conversation": 0.69,
    "role tag, subject before": -0.31,
    "role tag, subject here": -0.21,
    "role tag, two back": 0.61,
    "rule addressed": 1.58,
    "rule beat": 1.97,
    "rule guess": 0.25,
    "rule monologue": 2.66,
    "rule previous": 0.42,
    "rule previous, alone": 0.19,
    "rule previous, short": -0.06,
    "rule pronoun beat": 1.25,
    "rule pronoun previous": 0.24,
    "rule pronoun previous, alone": -0.20,
    "rule pronoun previous, short": -0.10,
    "rule reaction": 2.51,
    "rule turn": 0.61,
    "rule voice": 1.98,
    "spoke in conversation": -0.04,
    "subject before": -0.22,
    "subject here": -0.06,
    "two back": 0.65,
}  # fmt: skip
"""Feature -> weight (log-odds), learned on the development corpus."""

NOBODY = "nobody"
"""The feature of the candidate "nobody we know" (every paragraph has it); its weight is set, not learned."""

CALIBRATION = {"untagged": (0.624, -0.206, -0.039), "pronoun tag": (0.282, 0.249, -0.062), "role tag": (0.015, 0.225, 0.137)}
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
