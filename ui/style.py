"""The planner's own few style rules, put on every page once, in a place that never moves."""

from __future__ import annotations

import streamlit as st

# Class names come from container keys (`st-key-<key>`). Under 640 px Streamlit stacks columns.
PAGE_STYLE = """
<style>
/* Streamlit draws captions grey at 60% opacity, 2.7:1 on white; WCAG AA asks 4.5:1 */
[data-testid="stCaptionContainer"] { color: #5c6269; opacity: 1; }
[class*="st-key-trow-"] p, [class*="st-key-thead-"] p { overflow-wrap: anywhere; }
[class*="st-key-thead-"] { padding: 0 1rem; }
/* "Press Enter to submit form" sits over the box: a tap on it must still reach the box */
[data-testid="InputInstructions"] { pointer-events: none; }
[class*="st-key-trow-"] [data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"]) { display: none; }
/* The step list to jump from, at the top of the page, only where the sidebar is folded away */
.st-key-stepbar [data-testid="stMarkdownContainer"] p { margin-bottom: 0; }
@media (min-width: 769px) { .st-key-stepjump { display: none; } }
@media (max-width: 640px) {
  [class*="st-key-thead-"] { display: none; }
  [class*="st-key-trow-"] [data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"]) { display: block; }
  [class*="st-key-trow-"] [data-testid="stColumn"] { gap: 0.25rem; }
}
</style>
"""


def apply_page_style() -> None:
    """Put PAGE_STYLE on the page (no script, nothing a person typed)."""
    st.html(PAGE_STYLE)
