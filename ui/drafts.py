"""Words being typed survive a dropped connection: the browser keeps a draft of each text box.

Streamlit sends a text box's words only when the box loses focus, so a Wi-Fi drop or a server restart
mid-paragraph lost them. The page script (`DRAFT_SCRIPT`, installed with the page's style) copies each
box's text into the browser's localStorage as it is typed, under `roadmap-draft:<plan id>:<box>`: the
plan's internal id and the question (or action) id, never a code. Each run, the page tells the script
a short hash of every saved answer on the step (`saved_marker`); a draft whose hash matches is saved and
is dropped. A draft that differs from the saved text while its box shows something else is offered
back under the box: "You were typing this when the connection dropped: Keep it / Discard". Keep puts
it in the box and commits it as the person would (focus, then leave the box), so it is checked and
saved like any typing.

Only the boxes named in the marker are kept (text and short text answers, a decision's rationale, an
action's evidence note): not names, codes or table cells.
"""

from __future__ import annotations

import hashlib
import html
import json

import streamlit as st

from roadmap.bank import Area, Bank

from .state import plan_session


_LONG = 2_000  # characters: past this, a text's FNV hash is remembered (by a digest, not the text)
_REMEMBERED: dict[bytes, str] = {}


def text_hash(text: str) -> str:
    """Return the 32-bit FNV-1a hash of text's UTF-16 code units as 8 hex digits (the page's script
    computes the same over a box's value).

    Every run hashes every saved box on the step, and a long answer is 100,000 trips round a Python loop,
    so long texts' hashes are remembered, keyed by a BLAKE2 digest of the text (the text itself is not
    kept: the process serves many teams)."""
    if len(text) <= _LONG:
        return _fnv(text)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if digest not in _REMEMBERED:
        if len(_REMEMBERED) >= 4_096:
            _REMEMBERED.clear()
        _REMEMBERED[digest] = _fnv(text)
    return _REMEMBERED[digest]


def _fnv(text: str) -> str:
    value = 0x811C9DC5
    data = text.replace("\r\n", "\n").encode("utf-16-le")
    for i in range(0, len(data), 2):
        value ^= data[i] | (data[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def _boxes(area: Area, plan) -> dict[str, str]:
    """Return {box name as the page's class names spell it: saved text} for the area's text boxes."""
    boxes = {}
    for question in area.questions:
        saved = plan.answers.get(question.id)
        if question.kind in ("text", "short_text"):
            boxes[question.id] = saved if isinstance(saved, str) else ""
        elif question.kind == "decision":
            boxes[f"{question.id}-rationale"] = (saved or {}).get("rationale", "") if isinstance(saved, dict) else ""
    for action in area.actions:
        rating = plan.ratings.get(action.id)
        boxes[f"{action.id}-note"] = rating.note if rating and rating.note else ""
    return boxes


def saved_marker(bank: Bank, step: int) -> None:
    """Tell the page's script which boxes on this step keep drafts, and a hash of each one's saved text."""
    session = plan_session()
    boxes = _boxes(bank.areas[step - 1], session.plan) if 1 <= step <= len(bank.areas) else {}
    saved = json.dumps({box: text_hash(text) for box, text in boxes.items()})
    # DRAFT_SCRIPT rides along: it installs itself once per tab (its guard), when this element first appears.
    st.html(f'<div hidden data-roadmap-plan="{html.escape(session.plan_id, quote=True)}" '
            f'data-roadmap-saved="{html.escape(saved, quote=True)}"></div>{DRAFT_SCRIPT}',
            unsafe_allow_javascript=True)


DRAFT_SCRIPT = """
<script>
if (!window.__roadmapDrafts) {
  window.__roadmapDrafts = true;
  const hash = (text) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h.toString(16).padStart(8, '0');
  };
  const marker = () => document.querySelector('[data-roadmap-saved]');
  const boxName = (element) => {
    const holder = element.closest('[class*="st-key-_w"]');
    const name = holder && [...holder.classList].find(c => /^st-key-_w\\d+-/.test(c));
    return name ? name.replace(/^st-key-_w\\d+-/, '') : null;
  };
  const draftKey = (plan, name) => `roadmap-draft:${plan}:${name}`;
  document.addEventListener('input', (event) => {
    const box = event.target, mark = marker();
    if (!mark || !box.matches('textarea, input[type=text]')) return;
    const name = boxName(box), saved = JSON.parse(mark.dataset.roadmapSaved || '{}');
    if (!name || !(name in saved)) return;
    try { localStorage.setItem(draftKey(mark.dataset.roadmapPlan, name), box.value); } catch (e) {}
  }, true);
  const offer = (box, holder, key, text) => {
    if (holder.nextElementSibling && holder.nextElementSibling.dataset.roadmapOffer === key) return;
    const note = document.createElement('div');
    note.dataset.roadmapOffer = key;
    note.setAttribute('role', 'status');
    note.style.cssText = 'border:1px solid #b26b00;background:#fff8e6;color:#1a1a1a;border-radius:0.5rem;padding:0.75rem;margin:0.25rem 0 0.5rem;';
    const said = document.createElement('p');
    said.style.margin = '0 0 0.5rem';
    said.textContent = 'You were typing this when the connection dropped:';
    const words = document.createElement('p');
    words.style.cssText = 'white-space:pre-wrap;overflow-wrap:anywhere;margin:0 0 0.5rem;font-style:italic;';
    words.textContent = text;
    const keep = document.createElement('button'), drop = document.createElement('button');
    keep.type = drop.type = 'button';
    keep.textContent = 'Keep it';
    drop.textContent = 'Discard';
    keep.style.cssText = drop.style.cssText = 'margin-right:0.5rem;padding:0.3rem 0.9rem;border-radius:0.4rem;border:1px solid #1f4e79;';
    keep.style.background = '#1f4e79'; keep.style.color = 'white';
    drop.style.background = 'white'; drop.style.color = '#1f4e79';
    keep.addEventListener('click', () => {
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), 'value').set;
      box.focus();
      setter.call(box, text);
      box.dispatchEvent(new Event('input', {bubbles: true}));
      note.remove();
      box.blur();  // Streamlit sends a box's text when it loses focus
    });
    drop.addEventListener('click', () => { localStorage.removeItem(key); note.remove(); box.focus(); });
    note.append(said, words, keep, drop);
    holder.after(note);
  };
  const review = () => {
    const mark = marker();
    if (!mark) return;
    const plan = mark.dataset.roadmapPlan, saved = JSON.parse(mark.dataset.roadmapSaved || '{}');
    for (const name of Object.keys(saved)) {
      const key = draftKey(plan, name);
      let text;
      try { text = localStorage.getItem(key); } catch (e) { return; }
      if (text === null) continue;
      if (hash(text.replace(/\\r\\n/g, '\\n')) === saved[name]) { localStorage.removeItem(key); continue; }
      const holder = [...document.querySelectorAll('[class*="st-key-_w"]')].find(h => boxName(h) === name);
      const box = holder && holder.querySelector('textarea, input[type=text]');
      if (!box || box.value === text || document.activeElement === box) continue;
      offer(box, holder, key, text);
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    setTimeout(() => { queued = false; review(); }, 300);
  }).observe(document.body, {childList: true, subtree: true});
}
</script>
"""
