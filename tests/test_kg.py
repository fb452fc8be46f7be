"""The Python API: one typed answer per competency question, each item with its sources."""

from __future__ import annotations

from decimal import Decimal

import pytest

import baclokg
from baclokg import NotFoundError
from baclokg.kg import KnowledgeGraph


@pytest.fixture(scope="module")
def card(kgs: dict[str, KnowledgeGraph]) -> baclokg.Drug:
    return kgs["oxigraph"].drug("Baclotop")


def test_same_card_by_name_curie_and_on_both_engines(kgs: dict[str, KnowledgeGraph]) -> None:
    by_name = kgs["oxigraph"].drug("baclofen")
    assert by_name == kgs["oxigraph"].drug("CHEBI:2972") == kgs["rdflib"].drug("Baclofen")
    assert by_name.kind == "ingredient"
    assert by_name.brands[0].label == "Baclotop"


def test_cq01_ingredient_and_brand(card: baclokg.Drug) -> None:
    assert card.kind == "product"
    assert [t.curie for t in card.ingredients] == ["CHEBI:2972"]


def test_cq02_roles(card: baclokg.Drug) -> None:
    assert {r.role.label for r in card.roles} >= {"muscle relaxant", "antispastic agent"}


def test_cq03_mechanism(card: baclokg.Drug) -> None:
    (mechanism,) = card.mechanism
    assert mechanism.target.label == "GABA-B receptor"
    assert mechanism.action.label == "agonism"
    assert len(mechanism.effects) == 2
    assert mechanism.sources[0].source_key == "MONOGRAPH"


def test_cq04_indications(card: baclokg.Drug) -> None:
    off_label = {i.condition.label for i in card.indications if i.off_label}
    labelled = {
        (i.condition.label, i.context.label if i.context else None)
        for i in card.indications
        if not i.off_label
    }
    assert off_label == {"chronic hiccup", "alcohol withdrawal"}
    assert labelled == {("Spasticity", "multiple sclerosis"), ("Spasticity", "spinal cord injury")}
    statuses = {
        (i.context.label if i.context else None, i.status.label, i.sources[0].source_key)
        for i in card.indications
    }
    assert ("spinal cord injury", "the label says it may be of value", "LABEL-TAB") in statuses
    assert ("multiple sclerosis", "labelled indication", "LABEL-TAB") in statuses
    assert {s for c, s, key in statuses if key == "MONOGRAPH" and c} == {"used for (no approval stated)"}


def test_cq05_adverse_effects(card: baclokg.Drug) -> None:
    drowsiness = [a for a in card.adverse_effects if a.effect.curie == "HP:0002329"]
    assert {(a.lower_percent, a.upper_percent) for a in drowsiness} == {
        (None, None),
        (Decimal(10), Decimal(63)),
    }
    common = {a.effect.label for a in card.adverse_effects if a.frequency and a.frequency.label == "common"}
    assert common == {"Drowsiness", "Dizziness", "Asthenia", "Fatigue", "Headache"}


def test_cq06_interactions(kgs: dict[str, KnowledgeGraph]) -> None:
    diazepam, ethanol, zolpidem = kgs["oxigraph"].interactions_with(["diazepam", "ethanol", "zolpidem"])
    assert diazepam.interacts
    assert {p.steps[0].object.label for p in diazepam.paths} == {
        "anxiolytic drug",
        "sedative",
        "anticonvulsant",
    }
    assert ethanol.interacts
    # named directly by the alcohol claims, and a CNS depressant by ChEBI's role assertion
    assert {len(p.steps) for p in ethanol.paths} == {0, 1}
    assert zolpidem.interacts
    (baclotop,) = kgs["rdflib"].interactions_with(["Baclotop"])
    assert baclotop.verdict == "same-ingredient"


def test_cq07_renal(card: baclokg.Drug) -> None:
    actions = {a.label for p in card.precautions_for("HP:0000083") for a in p.actions}
    assert actions == {"adjust the dose", "reduce the dose", "use with caution"}


def test_cq08_withdrawal(card: baclokg.Drug) -> None:
    withdrawal = card.precautions_for("abrupt discontinuation")
    risks = {r.label for p in withdrawal for r in p.risks}
    assert {"Seizure", "Hallucinations", "Rhabdomyolysis"} <= risks
    assert "taper the dose" in {a.label for p in withdrawal for a in p.actions}


def test_cq09_dosing(card: baclokg.Drug) -> None:
    label = next(d for d in card.dosage if d.steps)
    assert [(s.dose, s.times_per_day, s.days) for s in label.steps] == [
        (Decimal(5), 3, 3),
        (Decimal(10), 3, 3),
        (Decimal(15), 3, 3),
        (Decimal(20), 3, 3),
    ]
    # the label's maximum is a daily total, not 80 mg per dose
    assert (label.maximum_dose, label.maximum_unit, label.maximum_period_days) == (Decimal(80), "mg/day", 1)


def test_cq10_onset(card: baclokg.Drug) -> None:
    (onset,) = card.onset
    # "may take up to a week or more" gives no bound, so none is recorded
    assert (onset.first_effect, onset.full_effect) == ("within a few days", "up to a week or more")
    assert (onset.full_effect_min_days, onset.full_effect_max_days) == (None, None)


def test_cq11_pregnancy(card: baclokg.Drug) -> None:
    by_aspect = {(p.aspect, p.item.curie, p.sources[0].source_key): p for p in card.pregnancy}
    assert ("category", "schema:FDAcategoryC", "MONOGRAPH") in by_aspect
    change = by_aspect["labelling change", "bkge:pregnancy-risk-summary", "FDA-PLLR"]
    assert change.effective_date == "2015-06-30"
    rats = by_aspect["animal finding", "HP:0001539", "LABEL-PLR"]
    assert (rats.species, rats.dose_multiple, rats.dose_basis) == ("rat", Decimal(13), "mg/kg")
    assert {key for aspect, _, key in by_aspect if aspect == "human data"} == {"MONOGRAPH", "LABEL-PLR"}


def test_cq12_breastfeeding(card: baclokg.Drug) -> None:
    assert {p.present_in_milk for p in card.lactation} == {True}
    assert {c.source_key for p in card.lactation for c in p.sources} == {"MONOGRAPH", "LABEL-PLR", "LACTMED"}
    (lactmed,) = [p for p in card.lactation if p.sources[0].source_key == "LACTMED"]
    # LactMed's reassurance is kept beside its monitoring advice
    assert lactmed.assessment is not None
    assert lactmed.assessment.label == "not expected to cause adverse effects"
    assert [t.label for t in lactmed.especially_in] == ["infant older than 2 months"]
    assert {a.label for a in lactmed.actions} == {"monitor the infant"}


def test_cq13_sources_and_disagreements(card: baclokg.Drug) -> None:
    kinds = {d.kind for d in card.discrepancies}
    assert {
        "superseded",
        "conflicting values",
        "weaker wording",
        "different certainty",
        "conflicting advice",
    } <= kinds
    assert "no corroboration" in kinds
    half_life = next(d for d in card.discrepancies if "half-life" in d.label)
    assert {c.source_key for c in half_life.sources} == {"DRUGBANK", "LABEL-PLR"}


def test_identifiers(card: baclokg.Drug) -> None:
    ids = {(i.scheme, i.id) for i in card.identifiers}
    assert {("DRUGBANK", "DB00181"), ("MESH", "D001418")} <= ids


def test_monograph_claims_carry_the_monograph_words(card: baclokg.Drug) -> None:
    (onset,) = card.onset
    (citation,) = onset.sources
    assert [w.text for w in citation.words] == [
        "Baclotop typically begins to show its effects within a few days of starting the treatment.",
        "However, the full therapeutic effect may take up to a week or more, depending on the dosage and"
        " individual response.",
    ]
    assert all(w.quoted and w.start is not None and w.end is not None for w in citation.words)


def test_unknown_drug_suggests(kgs: dict[str, KnowledgeGraph]) -> None:
    with pytest.raises(NotFoundError) as error:
        kgs["oxigraph"].drug("baclofn")
    assert "baclofen" in error.value.suggestions


def test_not_a_drug(kgs: dict[str, KnowledgeGraph]) -> None:
    with pytest.raises(NotFoundError, match="drug not found"):
        kgs["oxigraph"].drug("spasticity")


def test_graph_is_rdflib_dataset(kg: KnowledgeGraph) -> None:
    from rdflib import Dataset

    assert isinstance(kg.graph, Dataset)
    names = {str(g).rsplit("/", 1)[-1] for g in kg.named_graphs()}
    assert {
        "ontology",
        "entities",
        "monograph",
        "references",
        "sources",
        "mappings",
        "reference-drugs",
        "comedications",
    } <= names


@pytest.mark.parametrize(
    "comedication",
    ["diazepam", "alprazolam", "midazolam", "zolpidem", "phenobarbital", "ethanol"],
)
def test_reference_drugs_interact_through_roles(kg: KnowledgeGraph, comedication: str) -> None:
    (check,) = kg.interactions_with([comedication])
    assert check.interacts
    assert check.sources
    assert all(c.source_key for c in check.sources)
