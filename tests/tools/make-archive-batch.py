#!/usr/bin/env python3
"""Writes a synthetic scanning batch for civic's digitised archive: one folder per archival
unit with its page images (rendered Romanian text on paper-coloured pages; PNG, TIFF and JPEG
masters mixed, as contractors deliver them), the OCR text of each page (`pNNNN.txt`, or hOCR
for a few units, as `tesseract … hocr` writes it), and `metadata.csv`, one row per unit.

The sample content of the repository was made with:

    tests/.venv/bin/python tests/tools/make-archive-batch.py /tmp/arhiva-lot-1
    cargo run -p civic-generator -- archive ingest /tmp/arhiva-lot-1 \\
        --max-size 900 --thumb-width 160 --quality 70

With a real batch, run the OCR first (Debian: apt-get install tesseract-ocr-ron):

    for f in lot/*/*.tif; do tesseract "$f" "${f%.*}" -l ron; done        # pNNNN.txt
    for f in lot/*/*.tif; do tesseract "$f" "${f%.*}" -l ron hocr; done   # pNNNN.hocr

Deterministic: the same arguments give the same files. Needs Pillow and the DejaVu fonts
(Debian fonts-dejavu-core).
"""

import argparse
import csv
import html
import random
import sys
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

FONDS = [
    ("Primăria Orașului Timișoara", ["Registre de ședințe", "Corespondență", "Urbanism și construcții"], "RO-AMT-F1"),
    ("Consiliul Popular al Municipiului Timișoara", ["Decizii ale comitetului executiv", "Sistematizare"], "RO-AMT-F2"),
    ("Oficiul de Stare Civilă Timișoara", ["Registre de stare civilă"], "RO-AMT-F3"),
]

SUBJECTS = [
    "pavarea străzii Mercy cu piatră cubică",
    "iluminatul public cu gaz în cartierul Fabric",
    "reparația podului de lemn peste Bega",
    "înființarea unei școli elementare în Iosefin",
    "alimentarea cu apă a cartierului Elisabetin",
    "construirea abatorului orășenesc",
    "amenajarea Parcului Rozelor",
    "tramvaiul electric pe linia Gară–Piața Unirii",
    "canalizarea din Piața Traian",
    "regulamentul piețelor și al târgurilor",
    "taxa pentru câini și trăsuri de piață",
    "întreținerea spitalului orășenesc",
]

SENTENCES = [
    "Consiliul orășenesc, întrunit în ședința sa ordinară, a luat în dezbatere {s}.",
    "Domnul primar a prezentat raportul serviciului tehnic privind {s}.",
    "După discuții, s-a hotărât cu majoritate de voturi aprobarea cheltuielilor pentru {s}.",
    "Serviciul de contabilitate va înscrie suma în bugetul anului următor.",
    "Se dispune ca inginerul orașului să întocmească planurile și devizul.",
    "Locuitorii din cartier au depus o petiție semnată de o sută de capi de familie.",
    "Lucrările se vor executa prin licitație publică, anunțată în ziarele locale.",
    "Procesul-verbal a fost citit, aprobat și semnat de președinte și de notar.",
]

RESTRICTED_SENTENCES = [
    "Registrul actelor de naștere cuprinde date cu caracter personal ale persoanelor înscrise.",
    "Înscrierea nr. {n}: Kovacsné Erzsébet, născută în Timișoara, fiica lui Kovács István.",
    "Martori la înscriere: doi funcționari ai oficiului.",
]


def page_text(rng, subject, restricted, n):
    lines = []
    if restricted:
        for s in RESTRICTED_SENTENCES:
            lines.append(s.format(n=rng.randint(100, 999)))
    else:
        for s in rng.sample(SENTENCES, 5):
            lines.append(s.format(s=subject))
    return "\n".join(lines)


def render(text, heading, size, rng):
    w, h = size
    img = Image.new("L", (w, h), 236)
    d = ImageDraw.Draw(img)
    # A slightly uneven paper tone, so pages look scanned without costing many bytes.
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randint(20, 120)
        d.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(226, 240))
    title = ImageFont.truetype(FONT, 30)
    body = ImageFont.truetype(FONT, 22)
    y = 90
    d.text((80, y), heading, font=title, fill=40)
    y += 70
    for para in text.split("\n"):
        for line in textwrap.wrap(para, 58):
            d.text((80, y), line, font=body, fill=30)
            y += 34
        y += 16
    return img


def hocr(text, page):
    words = "".join(
        f"<span class='ocrx_word' id='word_{page}_{i}' title='bbox 0 0 1 1; x_wconf 95'>{html.escape(w)}</span> "
        for i, w in enumerate(text.split())
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<html xmlns='http://www.w3.org/1999/xhtml' lang='ro'>"
        "<head><title></title><meta name='ocr-system' content='tesseract 5.3.0'/></head><body>"
        f"<div class='ocr_page' id='page_{page}'><p class='ocr_par'><span class='ocr_line'>{words}</span></p></div>"
        "</body></html>\n"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="the batch folder to write (created)")
    ap.add_argument("--units", type=int, default=32)
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args()
    if not Path(FONT).is_file():
        sys.exit(f"make-archive-batch: {FONT} is missing (Debian: apt-get install fonts-dejavu-core)")
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for u in range(1, args.units + 1):
        fi = 2 if u % 11 == 0 else (0 if u % 3 else 1)
        fonds, series_list, prefix = FONDS[fi]
        series = series_list[u % len(series_list)]
        restricted = fi == 2
        start = (1890 + (u * 7) % 60) if fi != 1 else (1950 + (u * 3) % 39)
        end = start + (u % 3)
        subject = SUBJECTS[u % len(SUBJECTS)]
        title = (
            f"Registru de stare civilă, născuți, {start}"
            if restricted
            else f"Dosar privind {subject}, {start}" + (f"–{end}" if end != start else "")
        )
        folder = f"dosar-{u:03d}"
        unit_dir = args.out / folder
        unit_dir.mkdir(exist_ok=True)
        pages = 1 + u % 3
        fmt = ["png", "tif", "jpg"][u % 3]
        for p in range(1, pages + 1):
            text = page_text(rng, subject, restricted, p)
            if u == 5 and p == 2:
                # A word found on one page only: the search test looks for it.
                text += "\nS-a constatat că hidrantul din colțul străzii era înghețat."
            heading = f"{fonds}, {start}. Fila {p}"
            img = render(text, heading, (1000, 1414), rng)
            name = unit_dir / f"p{p:04d}.{fmt}"
            if fmt == "jpg":
                img.save(name, quality=85)
            elif fmt == "tif":
                img.save(name, compression="tiff_lzw")
            else:
                img.save(name, optimize=True)
            ocr = f"{heading}\n{text}\n"
            if u % 7 == 0:
                (unit_dir / f"p{p:04d}.hocr").write_text(hocr(ocr, p), encoding="utf-8")
            else:
                (unit_dir / f"p{p:04d}.txt").write_text(ocr, encoding="utf-8")
        related = "see_also:hcl-2025-004" if u == 5 else ""
        rows.append({
            "folder": folder,
            "reference_code": f"{prefix}-INV{1 + u % 4}-D{u:03d}",
            "title": title,
            "fonds": fonds,
            "series": series,
            "date_start": str(start),
            "date_end": str(end),
            "extent": f"1 dosar, {pages} {'filă' if pages == 1 else 'file'}",
            "languages": "ro; hu" if restricted else ("ro; de" if start < 1919 else "ro"),
            "rights": "http://rightsstatements.org/vocab/InC/1.0/" if restricted else "http://creativecommons.org/publicdomain/mark/1.0/",
            "access": "restricted" if restricted else "open",
            "access_reason": "date cu caracter personal (Legea nr. 16/1996 a Arhivelor Naționale, art. 28)" if restricted else "",
            "access_until": str(start + 100) if restricted else "",
            "notes": "Descriere la nivel de dosar; foliere verificată la scanare.",
            "related": related,
            "summary": f"Documente din fondul {fonds}, seria {series}.",
            "description": f"Dosarul cuprinde {pages} {'filă scanată' if pages == 1 else 'file scanate'} privind {subject if not restricted else 'înregistrările de stare civilă'}.",
            "published_at": "2026-11-20T10:00:00+02:00",
        })
    with open(args.out / "metadata.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print(f"make-archive-batch: {len(rows)} units in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
