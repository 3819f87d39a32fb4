"""What the browser tests check on every page they photograph, as scripts run in the page.

A page can fail an officer without overflowing: the attendance grid once put its header in
one column and its pupils in another (a layout class of the same name leaked onto the
table), and nothing scrolled sideways. So besides overflow, each page is checked for table
headers off their columns (MISALIGNED_JS) and for boxes that cover each other
(OVERLAP_JS). Each script returns a list of findings in words, empty when the page is
right; conftest.Camera runs them at 1366x768 and 390x844.
"""

from __future__ import annotations

# Runs in the page: what sticks out of the viewport sideways (outside .table-wrap),
# whether the page scrolls sideways, and where the main heading is.
READABILITY_JS = """
const vw = window.innerWidth, vh = window.innerHeight;
const offenders = [];
for (const el of document.body.querySelectorAll('*')) {
  if (el.closest('.table-wrap')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const s = getComputedStyle(el);
  if (s.visibility === 'hidden' || s.display === 'none') continue;
  if (r.right > vw + 1 || r.left < -1) {
    offenders.push(`${el.tagName.toLowerCase()}.${el.className} "${
      (el.textContent || '').trim().slice(0, 40)}" ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
}
const h = document.querySelector('main h1');
const hr = h ? h.getBoundingClientRect() : null;
return {
  scrollWidth: document.documentElement.scrollWidth, innerWidth: vw,
  offenders: offenders.slice(0, 10),
  heading: h ? h.textContent.trim() : null,
  headingOnScreen: !!hr && hr.width > 0 && hr.top >= 0 && hr.bottom <= vh
                   && hr.left >= 0 && hr.right <= vw + 1,
};
"""

# Tables whose header does not line up with their rows: for each visible table of the
# page, the header's last row and the body's first row, cell by cell (skipped where a
# cell spans columns or the counts differ), left edges more than 1 px apart. A layout
# rule leaking onto a table (display: grid from a class of the same name) moves the
# header into a column of its own, which no overflow check sees.
MISALIGNED_JS = """
const found = [];
for (const table of document.querySelectorAll('main table')) {
  if (!table.offsetParent) continue;
  const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
  const row = table.tBodies.length && table.tBodies[0].rows[0];
  if (!head || !row) continue;
  const heads = [...head.cells], cells = [...row.cells];
  if (heads.length !== cells.length || [...heads, ...cells].some(c => c.colSpan > 1)) continue;
  // A table laid out as stacked cards on a phone (rows as blocks, the header hidden, each
  // cell labelled) has no columns to line up.
  if (getComputedStyle(row).display !== 'table-row'
      || getComputedStyle(head).display !== 'table-row') continue;
  heads.forEach((h, i) => {
    const a = h.getBoundingClientRect(), b = cells[i].getBoundingClientRect();
    if (a.width && b.width && Math.abs(a.left - b.left) > 1) {
      found.push(`${table.id || table.className || 'table'}: column ${i + 1} header at `
                 + `${Math.round(a.left)} px, its cell at ${Math.round(b.left)} px`);
    }
  });
}
return found;
"""

OVERLAP_TOLERANCE_PX = 2
"""Boxes may share this much both ways: collapsed table borders are shared by neighbouring
cells (half a pixel), and subpixel layout rounds; a real overlap is a line of text or more."""

# Boxes that cover each other: for every element, its children in normal flow that show
# something (text, a control, an image, a chart) must not intersect by more than
# OVERLAP_TOLERANCE_PX both ways. A child's extent is its box grown by whatever of its
# content sticks out of it (text too long for a fixed width, a table wider than its cell),
# unless it clips its overflow (.table-wrap scrolls: its extent is its own box); an inline
# element's extent is its line fragments, so that a link wrapping over two lines is not
# read as a rectangle over the text beside it. The text runs directly in an element count
# as its children too.
#
# Not compared, on purpose:
# - positioned boxes (absolute, fixed, sticky) and their content: they are meant to lie
#   over the flow (a sticky table header over the rows scrolling under it, a drop-down,
#   the visually hidden header of the phone's card tables, the attendance grid's radio
#   buttons hidden inside their labels); a layout that needs them is checked by its own
#   test;
# - floats: the blocks beside a float run under it by design (only their lines of text
#   make room), so its box always meets theirs; phocap.css floats nothing;
# - what an <svg> draws: a chart's labels sit on its lines by design;
# - a table row's cells spanning into the next row (rowspan): rows are compared by their
#   own boxes, their cells with each other;
# - what is not shown (display: none, visibility: hidden, opacity 0, zero size, the
#   content of a closed <details>).
OVERLAP_JS = f"const TOLERANCE = {OVERLAP_TOLERANCE_PX};" + """
const POSITIONED = new Set(['absolute', 'fixed', 'sticky']);
const aside = s => POSITIONED.has(s.position) || s.cssFloat !== 'none';
const LEAVES = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'IMG', 'SVG', 'CANVAS',
                        'VIDEO', 'PROGRESS', 'METER', 'IFRAME', 'svg']);
const OWN_BOX_ONLY = new Set(['table-row', 'table-row-group', 'table-header-group',
                              'table-footer-group']);
const memo = new Map();
function plain(list) {
  return [...list].filter(r => r.width > 0 && r.height > 0)
    .map(r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom}));
}
function union(rects) {
  if (!rects.length) return [];
  return [rects.reduce((a, r) => ({left: Math.min(a.left, r.left), top: Math.min(a.top, r.top),
    right: Math.max(a.right, r.right), bottom: Math.max(a.bottom, r.bottom)}))];
}
function textRects(node) {
  if (!node.textContent.trim()) return [];
  const range = document.createRange();
  range.selectNodeContents(node);
  return plain(range.getClientRects());
}
// {rects, content} of an element, or null when it shows nothing.
function extent(el) {
  if (memo.has(el)) return memo.get(el);
  let found = null;
  const s = getComputedStyle(el);
  // checkVisibility: also false inside a closed <details>, whose content keeps boxes.
  if (s.display !== 'none' && parseFloat(s.opacity) > 0
      && el.checkVisibility({contentVisibilityAuto: true})) {
    const shown = s.visibility !== 'hidden';
    const own = shown ? plain(el.getClientRects()) : [];
    if (LEAVES.has(el.tagName) && !(el.tagName === 'INPUT' && el.type === 'hidden')) {
      found = shown && own.length ? {rects: own, content: true} : null;
    } else {
      let inner = [], content = false;
      for (const child of el.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          const r = shown ? textRects(child) : [];
          if (r.length) { inner.push(...r); content = true; }
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          const e = extent(child);
          if (e && e.content) { content = true;
            if (!aside(getComputedStyle(child))) inner.push(...e.rects); }
        }
      }
      const clips = s.overflowX !== 'visible' || s.overflowY !== 'visible';
      let rects;
      if (s.display === 'inline') rects = own.length ? own : inner;
      else if (OWN_BOX_ONLY.has(s.display) || clips) rects = union(own.length ? own : inner);
      else rects = union([...own, ...inner]);
      found = content && rects.length ? {rects, content} : null;
    }
  }
  memo.set(el, found);
  return found;
}
function name(node) {
  if (node.nodeType === Node.TEXT_NODE) return `text "${node.textContent.trim().slice(0, 40)}"`;
  const cls = typeof node.className === 'string' && node.className
    ? '.' + node.className.trim().split(/\\s+/).join('.') : '';
  return `${node.tagName.toLowerCase()}${node.id ? '#' + node.id : ''}${cls} "${
    (node.textContent || node.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40)}"`;
}
function overlap(a, b) {
  for (const p of a) for (const q of b) {
    const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
    const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (w > TOLERANCE && h > TOLERANCE) {
      return [w, h, Math.max(p.left, q.left), Math.max(p.top, q.top)];
    }
  }
  return null;
}
const found = [];
function visit(el) {
  const e = extent(el);
  if (!e || LEAVES.has(el.tagName)) return;
  const children = [];
  for (const child of el.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      const r = textRects(child);
      if (r.length && getComputedStyle(el).visibility !== 'hidden') children.push([child, r]);
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const c = extent(child);
      if (!c) continue;
      visit(child);
      if (!aside(getComputedStyle(child))) children.push([child, c.rects]);
    }
  }
  for (let i = 0; i < children.length && found.length < 10; i++) {
    for (let j = i + 1; j < children.length && found.length < 10; j++) {
      const hit = overlap(children[i][1], children[j][1]);
      if (hit) {
        const [w, h, x, y] = hit.map(Math.round);
        found.push(`${name(children[i][0])} and ${name(children[j][0])}`
                   + ` in ${name(el).split(' ')[0]} overlap by ${w}x${h} px`
                   + ` at (${x}, ${y + Math.round(window.scrollY)})`);
      }
    }
  }
}
visit(document.body);
return found;
"""
