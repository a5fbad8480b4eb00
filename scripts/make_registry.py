"""Rebuild corpus/sources.csv from the shared strategy registry (one-off, documented in corpus/README.md).

Adds a stable `id` column (slug of municipality, plus the year where a municipality has
several strategies) and renames `type` to `kind`, the word the rest of the project uses.
"""

import csv
import re
import sys
import unicodedata
from collections import Counter


def slug(text: str) -> str:
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def main(src: str, dst: str) -> None:
    with open(src, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    counts = Counter(slug(r["municipality"]) for r in rows)
    out = []
    for r in rows:
        base = slug(r["municipality"])
        rid = f"{base}-{r['year'] or 'ohne-jahr'}" if counts[base] > 1 else base
        out.append(
            {
                "id": rid,
                "municipality": r["municipality"],
                "kind": r["type"],
                **{
                    k: r[k]
                    for k in (
                        "state",
                        "population",
                        "year",
                        "title",
                        "url",
                        "vision_slogan",
                        "source_of_fact",
                    )
                },
            }
        )
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]))
        w.writeheader()
        w.writerows(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
