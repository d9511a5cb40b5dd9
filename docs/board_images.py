"""Draw the README's images of the board brief and two slides: python docs/board_images.py [OUTDIR].

Renders the sample plan's Word document and slides with LibreOffice (`soffice`, its own
profile in a temporary folder) and pdftoppm, then writes board-brief.png (the brief, page 2,
at 80 dpi) and board-slides.png (the ask and the roles and cost, side by side).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from roadmap.bank import load_bank  # noqa: E402
from roadmap.deck import build_deck, to_pptx_bytes  # noqa: E402
from roadmap.document import build_plan_document, to_docx_bytes  # noqa: E402
from roadmap.sample import sample_plan  # noqa: E402


def render(path: Path, work: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), str(path)], check=True, capture_output=True, timeout=180)
    return path.with_suffix(".pdf")


def page_png(pdf: Path, page: int, dpi: int) -> Image.Image:
    prefix = pdf.with_name(f"{pdf.stem}-{page}")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(prefix)], check=True, timeout=60)
    return Image.open(f"{prefix}.png")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent)
    bank = load_bank()
    plan = sample_plan(bank)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "plan.docx").write_bytes(to_docx_bytes(build_plan_document(plan, bank)))
        (work / "slides.pptx").write_bytes(to_pptx_bytes(build_deck(plan, bank)))
        page_png(render(work / "plan.docx", work), 2, 80).save(out / "board-brief.png", optimize=True)
        slides = render(work / "slides.pptx", work)
        ask, roles = page_png(slides, 2, 55), page_png(slides, 5, 55)
        gap = 16
        both = Image.new("RGB", (ask.width + gap + roles.width, ask.height), (200, 200, 200))
        both.paste(ask, (0, 0))
        both.paste(roles, (ask.width + gap, 0))
        both.save(out / "board-slides.png", optimize=True)


if __name__ == "__main__":
    main()
