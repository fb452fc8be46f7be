"""BacloKG: the Baclotop (baclofen) drug monograph as a cited, validated RDF knowledge graph.

>>> import baclokg
>>> kg = baclokg.load()
>>> card = kg.drug("Baclotop")
>>> [i.label for i in card.ingredients]
['baclofen']
>>> sorted({i.condition.label for i in card.indications if i.off_label})
['alcohol withdrawal', 'chronic hiccup']
>>> [(c.name, c.verdict) for c in kg.interactions_with(["oxycodone hydrochloride", "ibuprofen"])]
[('oxycodone hydrochloride', 'interacts'), ('ibuprofen', 'no-interaction-recorded')]
"""

from __future__ import annotations

from .errors import BacloKGError, DataError, NotFoundError, ParameterError, QueryError
from .kg import KnowledgeGraph, load
from .models import (
    AdverseEffect,
    Citation,
    Comedication,
    Discrepancy,
    DoseRegimen,
    DoseStep,
    Drug,
    Identifier,
    Indication,
    Interaction,
    Mechanism,
    Onset,
    Path,
    Precaution,
    PregnancyItem,
    Role,
    Step,
    Term,
    Words,
)
from .queries import NamedQuery, all_queries

__version__ = "0.1.0"

__all__ = [
    "AdverseEffect",
    "BacloKGError",
    "Citation",
    "Comedication",
    "DataError",
    "Discrepancy",
    "DoseRegimen",
    "DoseStep",
    "Drug",
    "Identifier",
    "Indication",
    "Interaction",
    "KnowledgeGraph",
    "Mechanism",
    "NamedQuery",
    "NotFoundError",
    "Onset",
    "ParameterError",
    "Path",
    "Precaution",
    "PregnancyItem",
    "QueryError",
    "Role",
    "Step",
    "Term",
    "Words",
    "__version__",
    "all_queries",
    "load",
]
