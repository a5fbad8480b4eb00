import pytest

from ingest.parsing import clean_inline, markdown_sections, pdf_sections, text_sections
from rag.core.errors import ParseError

pytestmark = pytest.mark.unit

MYST = """# Übersicht

```{toctree}
---
maxdepth: 2
---
01_Intro/index.md
```

Die **Stadt** nutzt _Daten_ [offen](https://x.de/a_(b)) und ![Abbildung](bild.png) klug.[^3]
Zweite Zeile desselben Absatzes.

## Ziele
* Erstens
* Zweitens

Nr | Titel
-------- | --------
01 | Plattform

[^3]: https://fussnote.example
"""


def test_markdown_strips_directives_images_links_and_footnotes() -> None:
    secs = markdown_sections(MYST)
    assert secs[0].heading_path == ("Übersicht",)
    assert secs[0].text == (
        "Die Stadt nutzt Daten offen und klug. Zweite Zeile desselben Absatzes."
    )
    assert "toctree" not in "".join(s.text for s in secs)
    assert "fussnote" not in "".join(s.text for s in secs)


def test_markdown_keeps_heading_path_lists_and_table_rows() -> None:
    ziele = markdown_sections(MYST)[1]
    assert ziele.heading_path == ("Übersicht", "Ziele")
    assert ziele.text.split("\n\n") == ["- Erstens", "- Zweitens", "Nr | Titel", "01 | Plattform"]


def test_clean_inline_keeps_plain_prose() -> None:
    assert (
        clean_inline("Ein `Code` und <b>fett</b> und *kursiv*.") == "Ein Code und fett und kursiv."
    )


def test_text_headings_and_boilerplate() -> None:
    text = (
        "Direkt zur Hauptnavigation springen Direkt zum Inhalt springen\n\n"
        "Praxisbeispiel Guben (04/2023)\n\nDie Strategie dient als Orientierung.\n\n"
        "Zurück an den Seitenanfang"
    )
    secs = text_sections(text)
    assert [(s.heading_path, s.text) for s in secs] == [
        (("Praxisbeispiel Guben (04/2023)",), "Die Strategie dient als Orientierung.")
    ]


def test_broken_pdf_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        pdf_sections(b"%PDF-1.4\n this is not really a pdf")


def test_real_pdf_keeps_page_numbers() -> None:
    from pathlib import Path

    pdf = (
        Path(__file__).parents[2]
        / "corpus/ulm/10_Hintergrundmaterialien/Überblick_Ulm4CleverCity.pdf"
    )
    secs = pdf_sections(pdf.read_bytes())
    assert secs[0].page == 1 and "Ulm4CleverCity" in secs[0].heading_path[0]  # title: heading
    assert [s.page for s in secs] == sorted(s.page for s in secs if s.page)
