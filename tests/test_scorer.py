"""The scorer: ranking candidates by their weighted evidence, and calibrated confidence."""

from __future__ import annotations

from pathlib import Path

from narrate.attribute import attribute
from narrate.attribute.scorer import NOBODY, WEIGHTS, calibrated, rank
from narrate.ingest import load
from narrate.parse import parse

FIXTURES = Path(__file__).parent / "fixtures"


def test_rank_orders_candidates_by_their_weighted_evidence() -> None:
    ranked = rank({"Tom": {"rule turn": 1.0}, "Mara": {"rule beat": 1.0, "last speaker": 1.0}, "?": {NOBODY: 1.0}})
    assert [name for name, _ in ranked] == sorted(
        ["Tom", "Mara", "?"],
        key=lambda n: -{"Tom": WEIGHTS["rule turn"], "Mara": WEIGHTS["rule beat"] + WEIGHTS["last speaker"],
                        "?": WEIGHTS[NOBODY]}[n],
    )  # fmt: skip
    assert abs(sum(p for _, p in ranked) - 1) < 1e-9
    assert ranked[0][1] >= ranked[1][1] >= ranked[2][1]


def test_equal_evidence_keeps_the_candidates_order() -> None:
    assert [name for name, _ in rank({"B": {"rule turn": 1.0}, "A": {"rule turn": 1.0}})] == ["B", "A"]


def test_unknown_evidence_weighs_nothing() -> None:
    assert rank({"A": {"no such feature": 5.0}, "B": {}})[0][1] == 0.5


def test_confidence_grows_with_probability_and_a_lone_candidate_is_not_certain() -> None:
    for kind in ("untagged", "pronoun tag", "role tag"):
        values = [calibrated(p, kind, 0) for p in (0.2, 0.5, 0.8, 1.0)]
        assert values == sorted(values)
        assert values[-1] < 1.0


def test_every_feature_the_reader_gives_has_a_fitted_weight() -> None:
    evidence: list = []
    for path in [FIXTURES / "ferry.txt", *sorted((FIXTURES / "attribution").glob("*.txt"))]:
        work = load(path)
        attribute([parse(work, chapter) for chapter in work.chapters], evidence=evidence)
    features = {name for _, candidates, _ in evidence for found in candidates.values() for name in found}
    assert features and features <= set(WEIGHTS)


def test_a_pick_of_the_first_person_narrator_is_surer() -> None:
    """The corpus's first-person novels: "I" weighed best in an untagged paragraph is right more often than
    another pick of the same probability (the narrator is in nearly every conversation)."""
    assert calibrated(0.6, "untagged", 2, narrator=True) > calibrated(0.6, "untagged", 2) + 0.1
    assert calibrated(0.6, "pronoun tag", 2, narrator=True) == calibrated(0.6, "pronoun tag", 2)
