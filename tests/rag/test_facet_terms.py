"""Registry facets in questions: programme, Staffel, size class, joint strategies."""

from __future__ import annotations

import pytest

from rag.core.vocabulary import KOOPERATION, MPSC
from rag.facet_terms import detect_terms, programme_stems, size_class_phrase, stem
from rag.facets import MunicipalityNames, detect

pytestmark = pytest.mark.unit

PROGRAMMES = (MPSC, "Smarte.Land.Regionen", "Digitale Modellkommunen Schleswig-Holstein")


def test_stems_fold_umlauts_and_cut_endings() -> None:
    assert stem("Mittelstädten") == "mittelstadt"
    assert stem("Großstadt") == "grosssta"
    assert programme_stems(MPSC) == ("modellprojek",)
    assert programme_stems("Smarte.Land.Regionen") == ("land", "region")


@pytest.mark.parametrize(
    ("question", "programmes"),
    [
        ("Welche Kommunen aus Sachsen sind Modellprojekte Smart Cities?", (MPSC,)),
        ("Ist Gera ein Modellprojekt?", (MPSC,)),
        ("Welche Landkreise waren bei Smarte.Land.Regionen dabei?", ("Smarte.Land.Regionen",)),
        ("Welche Orte werden vom Bund gefördert?", PROGRAMMES),  # any programme
        ("Wo gibt es Fördermittel für Digitalstrategien?", PROGRAMMES),
        # funding of a project, not a question about funded municipalities
        ("Mit wie viel Geld wird das Quantenlabor in Ulm gefördert?", ()),
        ("Wie wird die Förderung von Start-ups beschrieben?", ()),
        ("Welche Projekte plant die Modellprojektphase?", ()),
    ],
)  # fmt: skip
def test_programmes(question: str, programmes: tuple[str, ...]) -> None:
    assert detect_terms(question, PROGRAMMES).programmes == programmes


@pytest.mark.parametrize(
    ("question", "staffel"),
    [
        ("Wer war in der ersten Staffel?", 1),
        ("Kommunen der 2. Staffel", 2),
        ("Staffel 3 der Modellprojekte", 3),
        ("Welche Kommunen kamen in der dritten Förderrunde dazu?", 3),
        ("Welche Staffel hat Ulm?", None),
    ],
)
def test_staffel(question: str, staffel: int | None) -> None:
    assert detect_terms(question, PROGRAMMES).staffel == staffel


@pytest.mark.parametrize(
    ("question", "classes"),
    [
        ("Was planen Mittelstädte in Hessen?", ("Mittelstadt",)),
        ("Beispiele aus mittelgroßen Städten", ("Mittelstadt",)),
        ("Welche kleinen Gemeinden haben eine Strategie?", ("Kleinstadt/Landgemeinde",)),
        ("Strategien von Landgemeinden", ("Kleinstadt/Landgemeinde",)),
        ("Was machen Großstädten anders?", ("Großstadt",)),
        ("Interkommunale Strategien in Bayern", (KOOPERATION,)),
        ("Welche Kooperationen gibt es?", (KOOPERATION,)),
        ("Gemeinsame Strategie mehrerer Kommunen im Norden", (KOOPERATION,)),
        ("Welche Verbünde haben eine Digitalstrategie?", (KOOPERATION,)),
        ("Was plant die Großstadtregion?", ()),  # a compound, not the class
        ("Wie formulieren wir unsere Vision?", ()),
        ("Wir sind eine kleine Stadt in Bayern, wo fangen wir an?", ("Kleinstadt/Landgemeinde",)),
    ],
)  # fmt: skip
def test_size_classes_and_joint(question: str, classes: tuple[str, ...]) -> None:
    assert detect_terms(question, PROGRAMMES).size_classes == classes


def test_size_class_phrase_comes_from_the_class_word() -> None:
    rx = size_class_phrase("Kleinstadt/Landgemeinde")
    assert rx is not None and rx.search("kleinere städte") and not rx.search("kleinanzeigen")
    assert size_class_phrase("interkommunale Kooperation") is None


def test_detect_joint_drops_the_members_kind_and_keeps_the_land() -> None:
    f = detect("Welche gemeinsamen Strategien mehrerer Gemeinden gibt es in Bayern?").filters
    assert f.size_classes == (KOOPERATION,) and f.kinds == () and f.states == ("Bayern",)


def test_detect_combines_programme_staffel_and_size() -> None:
    f = detect("Welche Mittelstädte sind in der 3. Staffel der Modellprojekte?", None, PROGRAMMES)
    assert f.filters.programmes == (MPSC,)
    assert f.filters.staffel == 3 and f.filters.size_classes == ("Mittelstadt",)
    assert f.boosts() == (f.filters,)


def test_member_names_are_found_in_questions() -> None:
    names = MunicipalityNames(["Dortmund und Schwerte", "Dortmund", "Schwerte", "Kreis Plön"])
    assert detect("Welche Strategie gilt für Schwerte?", names).municipalities == ("Schwerte",)
    assert detect("Was plant der Kreis Plön?", names).municipalities == ("Kreis Plön",)
