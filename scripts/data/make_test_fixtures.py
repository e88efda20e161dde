#!/usr/bin/env python3
"""Writes the data package's committed test fixtures (run once; the outputs are committed, CI needs no Python).

  harness/src/test/resources/goodreads-mini/   a dozen-row miniature of the Kaggle layout with bad rows and images
  harness/src/test/resources/bicubic/          PIL BICUBIC resize outputs of a formula image (conformance vectors)

Usage: /work/.venv-ref/bin/python scripts/data/make_test_fixtures.py  (needs Pillow and numpy)
"""
import csv
import io
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "harness", "src", "test", "resources")
MINI = os.path.join(ROOT, "goodreads-mini")
IMAGES = os.path.join(MINI, "images", "images")

COLUMNS = ["book_authors", "book_desc", "book_edition", "book_format", "book_isbn", "book_pages", "book_rating",
           "book_rating_count", "book_review_count", "book_title", "genres", "image_url"]


def row(authors, desc, title, genres, isbn="9780439554930", pages="320 pages", fmt="Paperback", edition=""):
    return [authors, desc, edition, fmt, isbn, pages, "4.10", "123456", "4567", title, genres,
            "https://images.gr-assets.com/books/0000000000l/0.jpg"]


ROWS = [
    # 0 good: two authors (illustrator), pipes
    row("J.K. Rowling|Mary GrandPré", "Harry Potter's life is miserable. Then a letter arrives, and everything changes.",
        "Harry Potter and the Sorcerer's Stone", "Fantasy|Young Adult|Fiction"),
    # 1 good: quotes, commas and an embedded line break in the description; ISBN mangled to scientific notation
    row("Suzanne Collins", "Winning will make you famous.\nLosing means certain death. \"May the odds, ever, be in your favor.\"",
        "The Hunger Games", "Young Adult|Fiction|Dystopia", isbn="9.78044E+12"),
    # 2 good text, unicode names; image is grayscale (converted)
    row("Gabriel García Márquez|Gregory Rabassa", "The rise and fall of the Buendía family in the town of Macondo, told across a century.",
        "Cien años de soledad", "Classics|Fiction|Magical Realism"),
    # 3 description not English (dropped by the original's language filter)
    row("Лев Толстой", "Роман о любви, войне и судьбе нескольких семей в России девятнадцатого века.",
        "Война и мир", "Classics|Fiction"),
    # 4 missing description
    row("Jane Austen", "", "Pride and Prejudice", "Classics|Romance"),
    # 5 missing genres
    row("George Orwell", "A dystopian novel about surveillance and the power of language.", "1984", ""),
    # 6 good row, image file missing
    row("Harper Lee", "A lawyer defends a black man accused of a crime in a small Alabama town.",
        "To Kill a Mockingbird", "Classics|Fiction|Historical Fiction"),
    # 7 good row, image is an HTML error page saved as .jpg (unreadable)
    row("F. Scott Fitzgerald", "Jay Gatsby throws lavish parties in pursuit of an old love.",
        "The Great Gatsby", "Classics|Fiction|Romance"),
    # 8 good row, JPEG truncated mid-stream
    row("Stephenie Meyer", "A teenage girl moves to a rainy town and falls for a mysterious classmate.",
        "Twilight", "Young Adult|Fantasy|Romance"),
    # 9 good row, CMYK JPEG (converted)
    row("Markus Zusak", "Death narrates the story of a girl who steals books in Nazi Germany.",
        "The Book Thief", "Historical Fiction|Young Adult|Fiction"),
    # 10 malformed: too few fields (written raw below)
    None,
    # 11 good row, PNG with alpha behind a .jpg name (converted)
    row("Antoine de Saint-Exupéry|Richard Howard", "A pilot stranded in the desert meets a little prince from a tiny planet.",
        "The Little Prince", "Classics|Fiction|Fantasy"),
    # 12 good row, four authors, wide image
    row("Neil Gaiman|Terry Pratchett|Someone Else|Another Person", "The world will end next Saturday, just before dinner.",
        "Good Omens", "Fantasy|Humor|Fiction"),
]


def cover(i, size=(120, 180)):
    img = Image.new("RGB", size, (30 + 15 * i, 60, 160 - 8 * i))
    d = ImageDraw.Draw(img)
    d.rectangle([10, 10, size[0] - 10, size[1] // 3], fill=(230, 200, 60))
    d.ellipse([size[0] // 4, size[1] // 2, 3 * size[0] // 4, size[1] // 2 + size[0] // 2], fill=(200, 40, 40))
    d.text((14, 14), f"Book {i}", fill=(0, 0, 0))
    return img


def jpeg(img, **kw):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, **kw)
    return buf.getvalue()


def write_mini():
    os.makedirs(IMAGES, exist_ok=True)
    with open(os.path.join(MINI, "book_data.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for i, r in enumerate(ROWS):
            if r is None:
                f.write('Broken Author,"a row cut short",,Paperback,123\n')
            else:
                w.writerow(r)
    for i in range(len(ROWS)):
        path = os.path.join(IMAGES, f"{i}.jpg")
        if i == 6:
            if os.path.exists(path):
                os.remove(path)
            continue
        if i == 2:
            data = jpeg(cover(i).convert("L"))
        elif i == 7:
            data = b"<html><body><h1>404 Not Found</h1></body></html>\n"
        elif i == 8:
            full = jpeg(cover(i))
            data = full[: len(full) * 6 // 10]
        elif i == 9:
            data = jpeg(cmyk_source().convert("CMYK"))
        elif i == 11:
            img = cover(i).convert("RGBA")
            a = Image.new("L", img.size, 255)
            ImageDraw.Draw(a).rectangle([0, 0, img.size[0] // 2, img.size[1]], fill=0)
            img.putalpha(a)
            buf = io.BytesIO()
            img.save(buf, "PNG")
            data = buf.getvalue()
        elif i == 12:
            data = jpeg(cover(i, (200, 100)))
        else:
            data = jpeg(cover(i))
        with open(path, "wb") as f:
            f.write(data)
    # The original notebook's cleaned train CSV: pandas' unnamed index column first, rows in list-rank order.
    with open(os.path.join(MINI, "train.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([""] + COLUMNS)
        for i in [0, 1, 2, 7, 8, 9, 11]:
            w.writerow([str(i)] + ROWS[i])
        w.writerow(["x"] + ROWS[12])  # a bad index: skipped, counted
    with open(os.path.join(MINI, "test.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([""] + COLUMNS)
        w.writerow(["12"] + ROWS[12])


def cmyk_source():
    """Top half pure red, bottom half pure blue: easy to check after CMYK -> RGB."""
    img = Image.new("RGB", (120, 180), (255, 0, 0))
    ImageDraw.Draw(img).rectangle([0, 90, 120, 180], fill=(0, 0, 255))
    return img


def formula_image(w=150, h=210):
    """Same formula as BicubicConformanceTest.source(): gradients plus a hard-edged checkerboard."""
    x = np.arange(w)[None, :].repeat(h, 0)
    y = np.arange(h)[:, None].repeat(w, 1)
    r = (x * 255) // (w - 1)
    g = (y * 255) // (h - 1)
    b = np.where(((x // 10) + (y // 10)) % 2 == 1, 255, 0)
    return Image.fromarray(np.stack([r, g, b], -1).astype(np.uint8), "RGB")


def write_bicubic():
    out = os.path.join(ROOT, "bicubic")
    os.makedirs(out, exist_ok=True)
    src = formula_image()
    cases = {
        "square_64x96": src.resize((64, 96), Image.BICUBIC),
        "crop_64x96": src.resize((64, 96), Image.BICUBIC, box=(5.0, 0.0, 145.0, 210.0)),
        "up_80x112": src.resize((80, 112), Image.BICUBIC, box=(0.0, 0.0, 40.0, 56.0)),
    }
    for name, img in cases.items():
        with open(os.path.join(out, name + ".rgb"), "wb") as f:
            f.write(np.asarray(img, dtype=np.uint8).tobytes())


if __name__ == "__main__":
    write_mini()
    write_bicubic()
    print("fixtures written under", os.path.normpath(ROOT), file=sys.stderr)
