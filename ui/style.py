"""The planner's own few style rules, put on every page once, in a place that never moves."""

from __future__ import annotations

import html
import secrets

import streamlit as st

# Class names come from container keys (`st-key-<key>`). Under 640 px Streamlit stacks columns.
PAGE_STYLE = """
<style>
/* Streamlit draws captions grey at 60% opacity, 2.7:1 on white; WCAG AA asks 4.5:1 */
[data-testid="stCaptionContainer"] { color: #5c6269; opacity: 1; }
/* "Press Enter to submit form" sits over the box: a tap on it must still reach the box */
[data-testid="InputInstructions"] { pointer-events: none; }
/* A table question's rows: long cells wrap; on a phone each row is a card, each cell under its own label
   (ui.tables puts the labels in, a rule a column) */
[class*="st-key-trows-"] td p { overflow-wrap: anywhere; }
/* The step list to jump from, at the top of the page, only where the sidebar is folded away */
.st-key-stepbar [data-testid="stMarkdownContainer"] p { margin-bottom: 0; }
@media (min-width: 769px) { .st-key-stepjump { display: none; } }
@media (max-width: 640px) {
  [class*="st-key-trows-"] table thead { display: none; }
  [class*="st-key-trows-"] table, [class*="st-key-trows-"] table tbody, [class*="st-key-trows-"] table tr,
  [class*="st-key-trows-"] table td, [class*="st-key-trows-"] table tbody th { display: block; width: auto; }
  [class*="st-key-trows-"] table { border: none; }
  [class*="st-key-trows-"] table tbody tr { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
    margin: 0 0 0.5rem; padding: 0.25rem 0.75rem; }
  [class*="st-key-trows-"] table tbody th, [class*="st-key-trows-"] table td { border: none; padding: 0.2rem 0; }
  [class*="st-key-trows-"] table tbody th { font-weight: 600; color: inherit; }
  [class*="st-key-trows-"] table tbody th::before { content: "Row "; }
  [class*="st-key-trows-"] table td::before { display: block; font-size: 0.875rem; color: #5c6269; }
}
</style>
"""


# Installed once per browser tab. Streamlit runs an st.html script when the element first appears, not
# each time its text changes, so the pages ask for actions with hidden markers instead (`page_action`),
# each with a new nonce, and this one observer carries each out once.
PAGE_SCRIPT = """
<script>
if (!window.__roadmapDone) {
  window.__roadmapDone = new Set();
  const carryOut = () => {
    for (const marker of document.querySelectorAll('[data-roadmap-nonce]')) {
      const ask = marker.dataset;
      if (window.__roadmapDone.has(ask.roadmapNonce)) continue;
      window.__roadmapDone.add(ask.roadmapNonce);
      for (const cookie of (ask.cookie || '').split('\\n').filter(Boolean))
        document.cookie = cookie + (location.protocol === 'https:' ? '; Secure' : '');
      if (ask.scroll) {
        for (const el of document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')) el.scrollTo(0, 0);
        window.scrollTo(0, 0);
        // On a phone the sidebar covers the page: a step chosen in it folds it away, as a menu would.
        const bar = document.querySelector('[data-testid=stSidebar]');
        const fold = document.querySelector('[data-testid=stSidebarCollapseButton] button');
        if (innerWidth <= 768 && bar && bar.dataset.collapsed !== 'true' && fold) fold.click();
      }
      if (ask.focus) {
        const box = document.querySelector('.st-key-' + CSS.escape(ask.focus) + ' input');
        if (box) box.focus({preventScroll: true});
      }
    }
  };
  new MutationObserver(carryOut).observe(document.body, {childList: true, subtree: true});
  carryOut();
}
</script>
"""


def apply_page_style() -> None:
    """Put PAGE_STYLE and PAGE_SCRIPT on the page (nothing a person typed is in either)."""
    st.html(PAGE_STYLE + PAGE_SCRIPT, unsafe_allow_javascript=True)


def page_action(nonce: str | None = None, **asks: str) -> None:
    """Ask PAGE_SCRIPT to do something once in the browser: cookie="name=value; ..." (several on lines
    of their own), scroll="1" (to the
    top, folding the sidebar on a phone), focus="<container key>" (its first text box).

    The browser carries out each nonce once. Pass a nonce of your own to draw the same ask on every run
    until it changes: a run whose elements never reach the screen (a fragment's run cut short by a
    whole-page rerun) then cannot lose it."""
    nonce = nonce or secrets.token_hex(8)
    attributes = " ".join(f'data-{name}="{html.escape(value, quote=True)}"' for name, value in asks.items())
    # PAGE_SCRIPT again, for a page that has no style element (its guard makes it install once).
    st.html(f'<div hidden data-roadmap-nonce="{html.escape(nonce, quote=True)}" {attributes}></div>{PAGE_SCRIPT}',
            unsafe_allow_javascript=True)
