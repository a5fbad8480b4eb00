import uuid

import pytest

from rag.core.errors import IndexMismatchError
from rag.core.records import DocMeta, Passage
from rag.index.schema import Manifest, content_id, passage_from_payload, passage_payload, point_id

pytestmark = pytest.mark.unit


def test_content_id_is_stable_and_whitespace_insensitive() -> None:
    a = content_id("doc", "Die  Vision\nder Stadt")
    assert a == content_id("doc", "Die Vision der Stadt")
    assert a != content_id("doc2", "Die Vision der Stadt")
    assert len(a) == 64


def test_point_id_is_uuid5_of_content_id() -> None:
    pid = point_id("abc")
    assert uuid.UUID(pid).version == 5
    assert pid == point_id("abc") != point_id("abd")


def test_manifest_refuses_another_model() -> None:
    stored = Manifest("multilingual-e5-small", 384, "v1-max900")
    with pytest.raises(IndexMismatchError, match="e5-small"):
        Manifest("all-MiniLM-L6-v2", 384, "v1-max900").check_compatible(stored)
    with pytest.raises(IndexMismatchError):
        Manifest("multilingual-e5-small", 384, "v1-max500").check_compatible(stored)
    Manifest("multilingual-e5-small", 384, "v1-max900").check_compatible(stored)


def test_payload_round_trip_keeps_passage_level_municipality() -> None:
    doc = DocMeta("dabb", "Leitbild", publisher="DABB", state="Brandenburg", year=2023)
    p = Passage(
        "c1",
        doc,
        "Text",
        "Guben | Leitbild",
        section="Praxisbeispiel Guben",
        ord=3,
        municipality="Guben",
    )
    back = passage_from_payload(passage_payload(p))
    assert back == p
    assert back.shown_municipality == "Guben"
