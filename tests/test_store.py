"""Loading: bundled named graphs, extra files, and bad input that never half-loads or reaches out."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

import baclokg
from baclokg import DataError


def test_extra_file_is_queryable_in_its_own_graph(tmp_path: Path) -> None:
    extra = tmp_path / "mine.ttl"
    extra.write_text(
        '<http://purl.obolibrary.org/obo/CHEBI_2972> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n'
    )
    kg = baclokg.load([extra], engine="rdflib")
    assert extra.resolve().as_uri() in {str(g) for g in kg.named_graphs()}
    assert kg.sparql("ASK { ?s rdfs:comment 'x' }").askAnswer


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("broken.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", 3),
        ("broken.nt", '<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> "open .\n', 2),
        ("broken.jsonld", '{"@id": "http://e/a", "http://e/b": [}', 1),
    ],
)
def test_malformed_file_names_file_and_line(
    tmp_path: Path, engine: str, name: str, content: str, line: int
) -> None:
    good = tmp_path / "good.ttl"
    good.write_text("<http://e/good> <http://e/p> <http://e/o> .\n")
    bad = tmp_path / name
    bad.write_text(content)
    with pytest.raises(DataError) as error:
        baclokg.load([good, bad], engine=engine)  # type: ignore[arg-type]
    assert error.value.path == str(bad)
    assert error.value.line == line
    assert f"{bad}:{line}" in str(error.value)


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown file type"):
        baclokg.load([tmp_path / "data.csv"])
    with pytest.raises(DataError, match="no such file"):
        baclokg.load([tmp_path / "absent.ttl"])


def test_extra_file_may_not_overwrite_a_bundled_graph(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.trig"
    sneaky.write_text(
        "<https://w3id.org/baclokg/graph/monograph> { <http://e/a> <http://e/b> <http://e/c> . }\n"
    )
    with pytest.raises(DataError, match="bundled graph"):
        baclokg.load([sneaky])


def test_jsonld_remote_context_is_refused_without_contact(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    contacted = threading.Event()

    def watch() -> None:
        try:
            connection, _ = listener.accept()
            contacted.set()
            connection.close()
        except OSError:
            pass

    watcher = threading.Thread(target=watch)
    watcher.start()
    remote = tmp_path / "remote.jsonld"
    context = f"http://127.0.0.1:{port}/context.jsonld"
    remote.write_text(json.dumps({"@context": context, "@id": "http://e/a", "name": "x"}))
    try:
        with pytest.raises(DataError, match=r"remote\.jsonld"):
            baclokg.load([remote])
    finally:
        watcher.join()
        listener.close()
    assert not contacted.is_set(), "loading a JSON-LD file must not fetch its context"


def test_jsonld_with_the_bundled_context_loads_offline(tmp_path: Path) -> None:
    doc = tmp_path / "note.jsonld"
    doc.write_text(
        json.dumps(
            {
                "@context": ["https://w3id.org/baclokg/context.jsonld", {"note": "rdfs:comment"}],
                "@id": "CHEBI:2972",
                "note": "from a JSON-LD file",
            }
        )
    )
    kg = baclokg.load([doc])
    assert kg.sparql("ASK { CHEBI:2972 rdfs:comment 'from a JSON-LD file' }").askAnswer
