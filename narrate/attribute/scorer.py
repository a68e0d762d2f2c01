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
    "after narration": 1.63,
    "called before": 0.28,
    "female tag, after narration": 0.39,
    "female tag, called before": 0.59,
    "female tag, first alternating pronoun": -0.56,
    "female tag, first alternating pronoun, terse": -0.18,
    "female tag, first pronoun tag": -0.77,
    "female tag, first pronoun tag, terse": 0.16,
    "female tag, gender unknown": -0.49,
    "female tag, last speaker": 0.37,
    "female tag, named before": 0.80,
    "female tag, named here": 0.35,
    "female tag, object before": -0.20,
    "female tag, present": 0.64,
    "female tag, pronoun clashes before": 0.10,
    "female tag, pronoun clashes here": -0.02,
    "female tag, pronoun fits before": 0.26,
    "female tag, pronoun fits here": 0.45,
    "female tag, question answered": 0.27,
    "female tag, recent subject": 0.25,
    "female tag, rule addressed": 0.96,
    "female tag, rule alternating pronoun": 0.94,
    "female tag, rule beat": 0.50,
    "female tag, rule guess": -0.03,
    "female tag, rule previous": 0.35,
    "female tag, rule previous, alone": 0.30,
    "female tag, rule previous, short": 0.03,
    "female tag, rule pronoun beat": -0.04,
    "female tag, rule pronoun previous": 0.03,
    "female tag, rule pronoun previous, alone": -0.18,
    "female tag, rule pronoun previous, short": 0.19,
    "female tag, rule pronoun tag": 1.23,
    "female tag, rule turn": 0.46,
    "female tag, rule voice": 0.26,
    "female tag, silent before": -0.29,
    "female tag, speaks before": -0.30,
    "female tag, spoke in conversation": -0.04,
    "female tag, subject before": 0.30,
    "female tag, subject here": 0.74,
    "female tag, two back": 0.44,
    "first addressed": 0.57,
    "first addressed, terse": -0.06,
    "first beat": -0.30,
    "first beat, terse": 0.73,
    "first guess": 0.20,
    "first guess, terse": 0.23,
    "first monologue": 0.04,
    "first monologue, terse": -0.00,
    "first previous": -0.07,
    "first previous, terse": 0.63,
    "first pronoun beat": -0.66,
    "first pronoun beat, terse": 0.01,
    "first pronoun previous": 0.04,
    "first pronoun previous, terse": 0.34,
    "first reaction": 0.04,
    "first reaction, terse": 0.04,
    "first turn": 0.40,
    "first turn, terse": 0.41,
    "first voice": 0.32,
    "first voice, terse": 0.32,
    "last speaker": -0.64,
    "male tag, after narration": 0.20,
    "male tag, called before": 0.64,
    "male tag, first alternating pronoun": -0.66,
    "male tag, first alternating pronoun, terse": -0.13,
    "male tag, first pronoun tag": -0.64,
    "male tag, first pronoun tag, terse": 0.32,
    "male tag, gender unknown": -0.58,
    "male tag, last speaker": 0.31,
    "male tag, named before": 0.97,
    "male tag, named here": 0.16,
    "male tag, object before": -0.33,
    "male tag, present": 0.33,
    "male tag, pronoun clashes before": 0.11,
    "male tag, pronoun clashes here": -0.06,
    "male tag, pronoun fits before": 0.31,
    "male tag, pronoun fits here": 0.62,
    "male tag, question answered": -0.25,
    "male tag, recent subject": 0.31,
    "male tag, rule addressed": 0.84,
    "male tag, rule alternating pronoun": 0.84,
    "male tag, rule beat": 1.06,
    "male tag, rule guess": 0.16,
    "male tag, rule previous": 0.37,
    "male tag, rule previous, alone": 0.57,
    "male tag, rule previous, short": 0.46,
    "male tag, rule pronoun beat": -0.09,
    "male tag, rule pronoun previous": -0.18,
    "male tag, rule pronoun previous, alone": -0.03,
    "male tag, rule pronoun previous, short": 0.13,
    "male tag, rule pronoun tag": 1.36,
    "male tag, rule reaction": -0.01,
    "male tag, rule turn": 0.45,
    "male tag, rule voice": 0.20,
    "male tag, silent before": -0.16,
    "male tag, speaks before": -0.13,
    "male tag, spoke in conversation": 0.18,
    "male tag, subject before": -0.25,
    "male tag, subject here": 0.98,
    "male tag, two back": 0.47,
    "named before": 0.75,
    "named here": 0.53,
    "narrator": 0.00,
    "narrator beat": 0.36,
    "nobody": -1.50,
    "object before": -0.05,
    "present": 0.67,
    "pronoun clashes before": 0.48,
    "pronoun clashes here": -0.24,
    "pronoun fits before": 0.55,
    "pronoun fits here": 0.97,
    "question answered": 0.24,
    "recent subject": 0.45,
    "role tag, after narration": 0.57,
    "role tag, called before": 0.27,
    "role tag, first role tag": -0.92,
    "role tag, first role tag, terse": -0.08,
    "role tag, gender unknown": -0.33,
    "role tag, last speaker": -0.48,
    "role tag, named before": 0.23,
    "role tag, named here": -0.74,
    "role tag, object before": 0.53,
    "role tag, present": -0.06,
    "role tag, pronoun clashes before": 0.00,
    "role tag, pronoun clashes here": 0.00,
    "role tag, pronoun fits before": 0.04,
    "role tag, pronoun fits here": 0.04,
    "role tag, question answered": 0.07,
    "role tag, recent subject": 0.09,
    "role tag, rule addressed": 0.38,
    "role tag, rule beat": -0.13,
    "role tag, rule guess": -0.01,
    "role tag, rule previous": -0.09,
    "role tag, rule previous, alone": -0.01,
    "role tag, rule previous, short": 0.08,
    "role tag, rule pronoun previous": -0.04,
    "role tag, rule pronoun previous, alone": 0.04,
    "role tag, rule pronoun previous, short": 0.05,
    "role tag, rule role tag": 1.08,
    "role tag, rule turn": 0.22,
    "role tag, rule voice": -0.10,
    "role tag, silent before": -0.01,
    "role tag, speaks before": -0.02,
    "role tag, spoke in conversation": 0.54,
    "role tag, subject before": -0.33,
    "role tag, subject here": -0.18,
    "role tag, two back": 0.65,
    "rule addressed": 1.58,
    "rule beat": 2.20,
    "rule guess": 0.41,
    "rule monologue": 3.04,
    "rule previous": 0.54,
    "rule previous, alone": 0.26,
    "rule previous, short": -0.04,
    "rule pronoun beat": 1.34,
    "rule pronoun previous": 0.13,
    "rule pronoun previous, alone": -0.29,
    "rule pronoun previous, short": -0.07,
    "rule reaction": 2.55,
    "rule turn": 0.53,
    "rule voice": 2.06,
    "silent before": -0.36,
    "speaks before": 0.37,
    "spoke in conversation": 0.04,
    "subject before": -0.23,
    "subject here": 0.18,
    "two back": 0.68,
}  # fmt: skip
"""Feature -> weight (log-odds), learned on the development corpus."""

NOBODY = "nobody"
"""The feature of the candidate "nobody we know" (every paragraph has it); its weight is set, not learned."""

CALIBRATION = {"untagged": (0.752, -0.132, -0.07, 0.741), "pronoun tag": (0.349, 0.459, -0.032, 0.0), "role tag": (0.102, 0.465, -0.086, 0.0)}
"""(slope, intercept, per turn, narrator) mapping the log-odds of a pick's probability, how many paragraphs in a
row turn-taking decided before it, and whether it is the first-person narrator, to how often such picks are right
on the development corpus (Platt scaling), for untagged paragraphs and for "he said" / "she said"."""
MAX_TURNS = 6
"""Turn-taking runs longer than this count as this long."""
CLIP = 0.999
"""Probabilities are clipped to this (and 1 - it) before scaling: a lone candidate is not certain."""


def calibrated(probability: float, kind: str, turns: int, narrator: bool = False) -> float:
    """How often a pick of `kind` ("untagged", "pronoun tag", "role tag") the scorer gives `probability`, after
    `turns` paragraphs of turn-taking, is right; `narrator`: the pick is the first-person narrator ("I")."""
    slope, intercept, per_turn, per_narrator = CALIBRATION.get(kind, CALIBRATION["untagged"])
    p = min(CLIP, max(1 - CLIP, probability))
    odds = slope * math.log(p / (1 - p)) + intercept + per_turn * min(turns, MAX_TURNS) + per_narrator * narrator
    return 1 / (1 + math.exp(-odds))


def rank(candidates: Mapping[str, Mapping[str, float]]) -> list[tuple[str, float]]:
    """(name, probability) of every candidate, likeliest first (ties keep the candidates' order)."""
    scores = {name: sum(WEIGHTS.get(f, 0.0) * v for f, v in features.items()) for name, features in candidates.items()}
    top = max(scores.values())
    odds = {name: math.exp(score - top) for name, score in scores.items()}
    total = sum(odds.values())
    return sorted(((name, value / total) for name, value in odds.items()), key=lambda item: -item[1])
