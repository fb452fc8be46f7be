"""sssom-py, the reference SSSOM implementation, parses and validates the mapping table and the SSSOM export.

Every validation type sssom-py has is run; the ones it does not implement are listed with the reason.
Each negative fixture breaks one thing the validators check and must be refused.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sssom.parsers import parse_sssom_table
from sssom.validators import VALIDATION_METHODS, validate

from baclokg.export import export_bytes
from baclokg.kg import KnowledgeGraph
from baclokg.paths import graph_dir

TABLE = graph_dir() / "mappings.sssom.tsv"
#: validation types sssom-py 0.4.21 declares but raises NotImplementedError for
NOT_IMPLEMENTED = {"Shacl": "sssom-py 0.4.21 has no SHACL validation", "Sparql": "nor a SPARQL one"}
TYPES = sorted(VALIDATION_METHODS, key=lambda t: t.value)


def _problems(path: Path, kind: object) -> list[str]:
    report = validate(parse_sssom_table(str(path)), [kind], fail_on_error=False)  # type: ignore[list-item]
    return [str(result) for result in report[kind].results]  # type: ignore[index]


@pytest.fixture(scope="module")
def exported(kgs: dict[str, KnowledgeGraph], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sssom") / "baclokg.sssom.tsv"
    path.write_bytes(export_bytes(kgs["oxigraph"], "sssom"))
    return path


@pytest.mark.parametrize("kind", TYPES, ids=lambda t: t.value)
@pytest.mark.parametrize("which", ["table", "export"])
def test_every_validation_type_passes(kind: object, which: str, exported: Path) -> None:
    path = TABLE if which == "table" else exported
    if kind.value in NOT_IMPLEMENTED:  # type: ignore[attr-defined]
        with pytest.raises(NotImplementedError):
            _problems(path, kind)
        return
    assert _problems(path, kind) == []


def test_the_sssom_command_validates_the_table() -> None:
    command = [str(Path(sys.executable).with_name("sssom")), "validate", str(TABLE)]
    for kind in TYPES:
        if kind.value not in NOT_IMPLEMENTED:
            command += ["-V", kind.value]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = TABLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.sssom.tsv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unquoted_metadata_value_ending_in_a_colon_does_not_parse(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'ATC: "https://bioregistry.io/atc:"', "ATC: https://bioregistry.io/atc:")
    with pytest.raises(Exception, match="mapping values are not allowed"):
        parse_sssom_table(str(path))


def test_a_prefix_missing_from_the_curie_map_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "#   CAS: http://identifiers.org/cas/\n", "")
    kind = next(t for t in TYPES if t.value == "PrefixMapCompleteness")
    assert _problems(path, kind)


def test_a_curie_with_a_pipe_is_refused() -> None:
    # sssom-py's parser already drops such a row (counted below), so the check is fed the parsed table
    mappings = parse_sssom_table(str(TABLE))
    mappings.df.loc[0, "object_id"] = "CAS:1134-47-0|CAS:0"
    kind = next(t for t in TYPES if t.value == "StrictCurieFormat")
    report = validate(mappings, [kind], fail_on_error=False)
    assert report[kind].results


def _rows(path: Path) -> int:
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    return len(lines) - 1


@pytest.mark.parametrize(
    ("old", "new", "kept"), [(None, None, True), ("\tCAS:1134-47-0\t", "\tCAS:1134 47 0\t", False)]
)
def test_sssom_py_keeps_every_row(tmp_path: Path, old: str | None, new: str | None, kept: bool) -> None:
    """sssom-py drops a row whose identifier is not a CURIE with only a log warning: count the rows."""
    path = TABLE if old is None or new is None else _broken(tmp_path, old, new)
    assert (len(parse_sssom_table(str(path)).df) == _rows(path)) is kept
