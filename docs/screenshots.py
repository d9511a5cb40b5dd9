"""Take the README's screenshots of a running app: python docs/screenshots.py URL [OUTDIR].

Start the app first (`streamlit run app.py`); needs Debian's chromium. Opens the
sample plan and photographs the start page, an area step, its roles table and the
review at phone (375 px) and projector (1280 px) widths.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def shoot(url: str, out: Path, width: int, browser) -> None:
    page = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 812}).new_page()
    page.goto(url)
    page.get_by_role("heading", name="Teacher leadership plan").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out / f"start-{width}.png"))
    page.get_by_role("tab", name="Try the sample").click()
    page.get_by_role("button", name="Open the sample plan").click()
    page.get_by_role("heading", name="Review and export").wait_for(timeout=30_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    page.wait_for_timeout(2000)
    page.screenshot(path=str(out / f"review-{width}.png"))
    page.get_by_role("button", name=re.compile(r"^← ")).click()
    page.get_by_role("heading", name=re.compile(r"^\d+\. ")).first.wait_for(timeout=30_000)
    page.wait_for_timeout(2000)
    page.screenshot(path=str(out / f"area-{width}.png"))
    # The same step's roles table, read as a table on a projector and as cards on a phone.
    rows = page.locator("[class*='st-key-trows-'][class*='-q-roles ']")
    rows.scroll_into_view_if_needed()
    page.evaluate("(el) => { el.scrollIntoView({block: 'start'});"
                  " document.querySelector('[data-testid=stMain]').scrollBy(0, -200); }", rows.element_handle())
    page.wait_for_timeout(1000)
    page.screenshot(path=str(out / f"area-table-{width}.png"))


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8501"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in (375, 1280):
            shoot(url, out, width, browser)
        browser.close()


if __name__ == "__main__":
    main()
