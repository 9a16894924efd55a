"""Re-make the README's pictures: the printed acceptance sheet and the federation report, both
rendered by headless Chromium.

    pip install pypdfium2 pillow     # only for this script: PDF pages to PNG (pdfium is Chromium's PDF engine)
    python docs/images/render.py

- sheet.png, sheet-signoff.png: the first and last printed page of `assess score
  fixtures/tanglang-community.yaml --format pdf` (Chromium prints, pdfium draws the pages);
- report.png: the top of `assess report --html` over 400 generated 八好 records
  (benchmarks/synthetic.py, the same seed every time), screenshotted by Chromium.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def assess(*args: str, check: bool = True) -> None:
    subprocess.run([sys.executable, "-m", "assess", *args], cwd=ROOT, check=check, stdout=subprocess.DEVNULL)


def save(image: Image.Image, name: str) -> None:
    # A palette of 64 greys and colours keeps text sharp and the file small.
    image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(HERE / name, optimize=True)


def sheet(work: Path) -> None:
    pdf = work / "sheet.pdf"
    assess("score", "fixtures/tanglang-community.yaml", "--format", "pdf", "--out", str(pdf))
    doc = pypdfium2.PdfDocument(str(pdf))
    for index, name in ((0, "sheet.png"), (len(doc) - 1, "sheet-signoff.png")):
        save(doc[index].render(scale=1.25).to_pil(), name)


def report(work: Path) -> None:
    records, scored, page = work / "records.jsonl", work / "scored.jsonl", work / "report.html"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), "400", str(records), "--bad", "5", "--bad", "17"],
                   check=True)
    # Both exit 2: the two planted bad records go to the errors file, and the report lists them.
    assess("batch", str(records), "--standard", "bahao-community", "--out", str(scored), check=False)
    assess("report", "--from", str(scored), "--html", str(page), check=False)
    shot = work / "report.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,3100",
                    "--force-device-scale-factor=1", f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True)
    save(Image.open(shot), "report.png")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        sheet(Path(tmp))
        report(Path(tmp))
