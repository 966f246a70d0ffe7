
const SPANS = {}, FINDINGS = {};
document.querySelectorAll('script.spans').forEach(s => Object.assign(SPANS, JSON.parse(s.textContent)));
document.querySelectorAll('script.findings-data').forEach(s => Object.assign(FINDINGS, JSON.parse(s.textContent)));
const panel = document.getElementById('panel'), details = document.getElementById('details');
const home = panel.parentNode, narrow = window.matchMedia('(max-width: 800px)');
const keysOn = document.getElementById('keys'), position = document.getElementById('position');
let current = null, selected = null;
const AS_WRITTEN = new Set(['raw', 'role_raw', 'organisation_raw', 'source_line', 'label', 'surface', 'note', 'name',
                            'evidence', 'office', 'role']);  // fields that keep the source's Swedish

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}
function findingItem(id) {
  const f = FINDINGS[id], li = el('li', '', {'class': 'sev-' + f.severity});
  li.append(el('span', f.severity, {'class': 'sev'}), ' ', el('code', f.code), ' ' + f.message + ' ');
  li.append(el('span', '(' + f.region + '; ' + f.meaning + ')', {'class': 'sub'}));
  for (const [k, v] of f.details) li.append(el('div', k + ': ' + v, {'class': 'sub'}));
  return li;
}
function show(piece) {
  document.querySelectorAll('.hl.selected').forEach(e => e.classList.remove('selected'));
  piece.classList.add('selected');
  selected = piece;
  const group = piece.closest('.source');
  if (piece.hasAttribute('tabindex')) {
    group.querySelectorAll('.hl[tabindex="0"]').forEach(e => e.setAttribute('tabindex', '-1'));
    piece.setAttribute('tabindex', '0');
  }
  details.replaceChildren();
  const back = el('a', 'Back to the selected value', {'href': '#', 'class': 'back'});
  back.addEventListener('click', e => {
    e.preventDefault();
    selected.scrollIntoView({block: 'center'});
    selected.focus({preventScroll: true});
  });
  details.append(back);
  const ids = (piece.dataset.f || '').split(' ').filter(Boolean);
  const h = el('h3', ids.length ? 'Findings on this value' : 'No findings on this value');
  details.append(h);
  if (ids.length) {
    const ul = el('ul', undefined, {'class': 'on-value'});
    ids.forEach(id => ul.append(findingItem(id)));
    details.append(ul);
  }
  for (const id of (piece.dataset.s || '').split(' ')) {
    const s = SPANS[id];
    if (!s) continue;
    const dl = el('dl', undefined, {'class': 'detail k-' + s.kind});
    for (const [k, v] of [['field', s.field], ['value', s.value], ['rule', s.rule], ...s.details]) {
      const dd = el('dd', v, {'data-key': k});
      if (AS_WRITTEN.has(k)) dd.setAttribute('lang', 'sv');
      dl.append(el('dt', k), dd);
    }
    details.append(dl);
  }
  if (narrow.matches) {  // one column: the panel goes just below the text it explains, and into view
    piece.closest('.region').after(panel);
    const toolbar = document.querySelector('.toolbar');
    const offset = (toolbar ? toolbar.offsetHeight : 0) + 8;
    window.scrollTo({top: panel.getBoundingClientRect().top + window.scrollY - offset});
  }
}
function placeHome() { if (!narrow.matches && panel.parentNode !== home) home.append(panel); }
narrow.addEventListener('change', placeHome);

document.addEventListener('click', e => {
  const piece = e.target.closest('.source .hl');
  if (piece) show(piece);
});
document.addEventListener('keydown', e => {
  const t = e.target;
  if (t.classList && t.classList.contains('hl')) {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(t); return; }
    const moves = {ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity};
    if (e.key in moves) {
      const all = [...t.closest('.source').querySelectorAll('.hl[tabindex]')];
      const i = all.indexOf(t), step = moves[e.key];
      const to = Number.isFinite(step) ? i + step : (step > 0 ? all.length - 1 : 0);
      const j = Math.max(0, Math.min(all.length - 1, to));
      e.preventDefault();
      all.forEach(x => x.setAttribute('tabindex', '-1'));
      all[j].setAttribute('tabindex', '0');
      all[j].focus();
      return;
    }
  }
  if (!keysOn.checked || e.ctrlKey || e.metaKey || e.altKey) return;
  if (t.closest && t.closest('input, select, textarea')) return;
  if (e.key === 'n' || e.key === 'j') { e.preventDefault(); step(1); }
  else if (e.key === 'p' || e.key === 'k') { e.preventDefault(); step(-1); }
});

function visibleFindings() {
  return [...document.querySelectorAll('.flist tr[data-fid]')].filter(r => !r.hidden && r.dataset.placed === '1');
}
function goTo(id) {
  const piece = document.querySelector('.hl[data-f~="' + id + '"]');
  document.querySelectorAll('tr.current').forEach(r => {
    r.classList.remove('current');
    r.removeAttribute('aria-current');
  });
  const row = document.querySelector('tr[data-fid="' + id + '"]');
  if (row) { row.classList.add('current'); row.setAttribute('aria-current', 'true'); }
  current = id;
  const rows = visibleFindings(), i = rows.findIndex(r => r.dataset.fid === id);
  const where = i < 0 ? '' : 'Finding ' + (i + 1) + ' of ' + rows.length + ': ';
  position.textContent = where + FINDINGS[id].code;
  if (!piece) return;
  piece.scrollIntoView({block: 'center'});
  piece.classList.add('flash');
  setTimeout(() => piece.classList.remove('flash'), 1600);
  show(piece);
  if (!narrow.matches) piece.focus({preventScroll: true});
}
function step(direction) {
  const rows = visibleFindings();
  if (!rows.length) { position.textContent = 'No findings with a place in the text'; return; }
  let i = rows.findIndex(r => r.dataset.fid === current);
  i = i < 0 ? (direction > 0 ? 0 : rows.length - 1) : (i + direction + rows.length) % rows.length;
  goTo(rows[i].dataset.fid);
}
document.getElementById('next-finding').addEventListener('click', () => step(1));
document.getElementById('prev-finding').addEventListener('click', () => step(-1));
document.querySelectorAll('a.goto').forEach(a => a.addEventListener('click', e => {
  e.preventDefault();
  goTo(a.getAttribute('href').slice(1));
}));
document.querySelectorAll('.findings').forEach(box => {
  const rows = [...box.querySelectorAll('tr[data-fid]')], status = box.querySelector('.status');
  box.querySelectorAll('select[data-filter]').forEach(s => s.addEventListener('change', () => {
    const want = {};
    box.querySelectorAll('select[data-filter]').forEach(x => { want[x.dataset.filter] = x.value; });
    let shown = 0;
    for (const r of rows) {
      r.hidden = !Object.entries(want).every(([k, v]) => !v || r.dataset[k] === v);
      shown += !r.hidden;
    }
    status.textContent = shown + ' of ' + rows.length + ' findings shown';
  }));
});
