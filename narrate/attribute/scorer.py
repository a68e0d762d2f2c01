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
    "after narration": 1.55,
    "called before": 0.29,
    "female tag, after narration": 0.34,
    "female tag, called before": 0.57,
    "female tag, first alternating pronoun": -0.59,
    "female tag, first alternating pronoun, terse": -0.18,
    "female tag, first pronoun tag": -0.74,
    "female tag, first pronoun tag, terse": 0.18,
    "female tag, gender unknown": -0.49,
    "female tag, last speaker": 0.45,
    "female tag, named before": 0.81,
    "female tag, named here": 0.29,
    "female tag, object before": -0.16,
    "female tag, present": 0.56,
    "female tag, pronoun clashes before": 0.11,
    "female tag, pronoun clashes here": -0.03,
    "female tag, pronoun fits before": 0.28,
    "female tag, pronoun fits here": 0.45,
    "female tag, question answered": 0.28,
    "female tag, recent subject": 0.28,
    "female tag, rule addressed": 0.97,
    "female tag, rule alternating pronoun": 0.91,
    "female tag, rule beat": 0.71,
    "female tag, rule guess": 0.01,
    "female tag, rule previous": 0.31,
    "female tag, rule previous, alone": 0.30,
    "female tag, rule previous, short": 0.06,
    "female tag, rule pronoun beat": -0.12,
    "female tag, rule pronoun previous": 0.04,
    "female tag, rule pronoun previous, alone": -0.15,
    "female tag, rule pronoun previous, short": 0.30,
    "female tag, rule pronoun tag": 1.26,
    "female tag, rule turn": 0.51,
    "female tag, rule voice": 0.31,
    "female tag, silent before": -0.30,
    "female tag, speaks before": -0.29,
    "female tag, spoke in conversation": -0.00,
    "female tag, subject before": 0.27,
    "female tag, subject here": 0.41,
    "female tag, two back": 0.43,
    "first addressed": 0.67,
    "first addressed, terse": -0.08,
    "first beat": -0.55,
    "first beat, terse": 0.68,
    "first guess": 0.19,
    "first guess, terse": 0.14,
    "first monologue": 0.01,
    "first monologue, terse": -0.02,
    "first previous": 0.01,
    "first previous, terse": 0.58,
    "first pronoun beat": -0.79,
    "first pronoun beat, terse": -0.00,
    "first pronoun previous": -0.04,
    "first pronoun previous, terse": 0.27,
    "first reaction": 0.01,
    "first reaction, terse": 0.01,
    "first turn": 0.38,
    "first turn, terse": 0.26,
    "first voice": 0.24,
    "first voice, terse": 0.23,
    "last speaker": -0.50,
    "male tag, after narration": 0.25,
    "male tag, called before": 0.64,
    "male tag, first alternating pronoun": -0.69,
    "male tag, first alternating pronoun, terse": -0.14,
    "male tag, first pronoun tag": -0.64,
    "male tag, first pronoun tag, terse": 0.26,
    "male tag, gender unknown": -0.57,
    "male tag, last speaker": 0.27,
    "male tag, named before": 0.94,
    "male tag, named here": 0.23,
    "male tag, object before": -0.32,
    "male tag, present": 0.32,
    "male tag, pronoun clashes before": 0.10,
    "male tag, pronoun clashes here": -0.04,
    "male tag, pronoun fits before": 0.30,
    "male tag, pronoun fits here": 0.60,
    "male tag, question answered": -0.21,
    "male tag, recent subject": 0.27,
    "male tag, rule addressed": 0.85,
    "male tag, rule alternating pronoun": 0.81,
    "male tag, rule beat": 0.75,
    "male tag, rule guess": 0.19,
    "male tag, rule previous": 0.38,
    "male tag, rule previous, alone": 0.56,
    "male tag, rule previous, short": 0.46,
    "male tag, rule pronoun beat": -0.09,
    "male tag, rule pronoun previous": -0.22,
    "male tag, rule pronoun previous, alone": 0.00,
    "male tag, rule pronoun previous, short": 0.13,
    "male tag, rule pronoun tag": 1.36,
    "male tag, rule reaction": -0.01,
    "male tag, rule turn": 0.55,
    "male tag, rule voice": 0.25,
    "male tag, silent before": -0.17,
    "male tag, speaks before": -0.15,
    "male tag, spoke in conversation": 0.21,
    "male tag, subject before": -0.27,
    "male tag, subject here": 0.76,
    "male tag, two back": 0.31,
    "named before": 0.73,
    "named here": 0.97,
    "narrator": 0.04,
    "narrator beat": 0.42,
    "nobody": -1.50,
    "object before": -0.02,
    "present": 0.65,
    "pronoun clashes before": 0.53,
    "pronoun clashes here": -0.24,
    "pronoun fits before": 0.60,
    "pronoun fits here": 1.01,
    "question answered": 0.27,
    "recent subject": 0.43,
    "role tag, after narration": 0.63,
    "role tag, called before": 0.27,
    "role tag, first role tag": -0.93,
    "role tag, first role tag, terse": -0.09,
    "role tag, gender unknown": -0.35,
    "role tag, last speaker": -0.43,
    "role tag, named before": 0.20,
    "role tag, named here": -0.72,
    "role tag, object before": 0.47,
    "role tag, present": -0.09,
    "role tag, pronoun clashes before": 0.00,
    "role tag, pronoun clashes here": 0.00,
    "role tag, pronoun fits before": 0.04,
    "role tag, pronoun fits here": 0.05,
    "role tag, question answered": 0.08,
    "role tag, recent subject": 0.08,
    "role tag, rule addressed": 0.38,
    "role tag, rule beat": -0.11,
    "role tag, rule guess": -0.00,
    "role tag, rule previous": -0.08,
    "role tag, rule previous, alone": -0.01,
    "role tag, rule previous, short": 0.09,
    "role tag, rule pronoun previous": -0.05,
    "role tag, rule pronoun previous, alone": 0.05,
    "role tag, rule pronoun previous, short": 0.05,
    "role tag, rule role tag": 1.07,
    "role tag, rule turn": 0.21,
    "role tag, rule voice": -0.08,
    "role tag, silent before": -0.01,
    "role tag, speaks before": -0.06,
    "role tag, spoke in conversation": 0.53,
    "role tag, subject before": -0.33,
    "role tag, subject here": -0.16,
    "role tag, two back": 0.73,
    "rule addressed": 1.52,
    "rule beat": 1.95,
    "rule guess": 0.36,
    "rule monologue": 3.01,
    "rule previous": 0.46,
    "rule previous, alone": 0.19,
    "rule previous, short": -0.08,
    "rule pronoun beat": 1.21,
    "rule pronoun previous": 0.18,
    "rule pronoun previous, alone": -0.23,
    "rule pronoun previous, short": -0.08,
    "rule reaction": 2.51,
    "rule turn": 0.63,
    "rule voice": 2.01,
    "silent before": -0.39,
    "speaks before": 0.44,
    "spoke in conversation": 0.04,
    "subject before": -0.23,
    "subject here": -0.13,
    "two back": 0.66,
}  # fmt: skip
"""Feature -> weight (log-odds), learned on the development corpus."""

NOBODY = "nobody"
"""The feature of the candidate "nobody we know" (every paragraph has it); its weight is set, not learned."""

CALIBRATION = {"untagged": (0.765, -0.076, -0.079), "pronoun tag": (0.323, 0.447, -0.062), "role tag": (0.111, 0.527, -0.157)}
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
