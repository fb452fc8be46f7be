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
    assert off_label == {"Hiccup", "alcohol withdrawal"}
    assert labelled == {("Spasticity", "multiple sclerosis"), ("Spasticity", "Spinal Cord Injuries")}


def test_cq05_adverse_effects(card: baclokg.Drug) -> None:
    drowsiness = [a for a in card.adverse_effects if a.effect.curie == "HP:0002329"]
    assert {(a.lower_percent, a.upper_percent) for a in drowsiness} == {
        (None, None),
        (Decimal(10), Decimal(63)),
    }
    common = {a.effect.label for a in card.adverse_effects if a.frequency and a.frequency.label == "common"}
    assert common == {"Drowsiness", "Dizziness", "Asthenia", "Fatigue", "Headache"}


def test_cq06_interactions(kgs: dict[str, KnowledgeGraph]) -> None:
    diazepam, ethanol, gaboxadol = kgs["oxigraph"].interactions_with(["diazepam", "ethanol", "gaboxadol"])
    assert diazepam.interacts
    assert all(i.is_class for i in diazepam.via)
    assert {r.label for i in diazepam.via for r in i.through_roles} == {
        "anxiolytic drug",
        "sedative",
        "anticonvulsant",
    }
    assert ethanol.interacts
    assert not any(i.is_class for i in ethanol.via)
    assert gaboxadol.interacts
    (baclotop,) = kgs["rdflib"].interactions_with(["Baclotop"])
    assert not baclotop.interacts


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
    assert (label.maximum_dose, label.maximum_unit, label.maximum_period_days) == (Decimal(80), "mg", 1)


def test_cq10_onset(card: baclokg.Drug) -> None:
    (onset,) = card.onset
    assert (onset.first_effect, onset.full_effect_min_days) == ("within a few days", Decimal(7))


def test_cq11_pregnancy(card: baclokg.Drug) -> None:
    (category,) = card.pregnancy
    assert category.category.curie == "schema:FDAcategoryC"
    assert not category.current
    assert category.replaced_on == "2015-06-30"
    assert {c.source_key for c in category.sources} == {"MONOGRAPH", "PLLR"}


def test_cq12_breastfeeding(card: baclokg.Drug) -> None:
    assert {p.present_in_milk for p in card.lactation} == {True}
    assert {c.source_key for p in card.lactation for c in p.sources} == {"MONOGRAPH", "LABEL-PLR", "LACTMED"}


def test_cq13_sources_and_disagreements(card: baclokg.Drug) -> None:
    kinds = {d.kind for d in card.discrepancies}
    assert {"superseded", "conflicting values", "weaker wording"} <= kinds
    half_life = next(d for d in card.discrepancies if "half-life" in d.label)
    assert {c.source_key for c in half_life.sources} == {"DRUGBANK", "LABEL-PLR"}


def test_identifiers(card: baclokg.Drug) -> None:
    assert ("DRUGBANK", "DB00181") in {(i.scheme, i.id) for i in card.identifiers}


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
    } <= names


@pytest.mark.parametrize(
    "comedication",
    ["diazepam", "alprazolam", "midazolam", "zolpidem", "phenobarbital", "gaboxadol", "ethanol"],
)
def test_reference_drugs_interact_through_roles(kg: KnowledgeGraph, comedication: str) -> None:
    (check,) = kg.interactions_with([comedication])
    assert check.interacts
    assert all(c.source_key for item in check.via for c in item.sources)
