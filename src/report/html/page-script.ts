/**
 * The script of the timeline page, as text to inline: it draws each view's timeline as SVG from
 * the JSON the page carries, shows an event's call site and context on hover or click, and steps
 * through the events with the arrow keys. Plain browser JavaScript, no library, no network.
 */
export const PAGE_SCRIPT = String.raw`
(() => {
  const DATA = JSON.parse(document.getElementById('smpsim-data').textContent);
  const NS = 'http://www.w3.org/2000/svg';
  const STEP = 26, LEFT = 150, TOP = 40, BAR = 7, LABEL = 16;
  const PALETTE = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#ff7f0e'];
  let view = 0, selected = -1;

  function el(tag, attrs, parent, text) {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  const x = (seq) => LEFT + seq * STEP + STEP / 2;

  function laneGeometry(t) {
    const slots = t.lanes.map(() => 0);
    for (const b of t.bars) slots[b.lane] = Math.max(slots[b.lane], b.slot + 1);
    const ys = [];
    let y = TOP;
    t.lanes.forEach((_, i) => { ys.push(y); y += LABEL + 44 + slots[i] * (BAR + 2); });
    return { ys, height: y + 10 };
  }

  function draw(v) {
    const t = v.timeline, svg = document.getElementById('timeline');
    svg.replaceChildren();
    const hl = new Set(v.highlights);
    const g = laneGeometry(t);
    const width = LEFT + t.length * STEP + 20;
    svg.setAttribute('width', width);
    svg.setAttribute('height', g.height);
    const colour = (cls) => PALETTE[t.classes.indexOf(cls) % PALETTE.length];
    t.lanes.forEach((l, i) => {
      const lane = el('g', { class: 'lane', 'data-cpu': l.cpu, 'data-pid': l.pid }, svg);
      el('rect', { x: 0, y: g.ys[i] - 4, width, height: (g.ys[i + 1] ?? g.height - 10) - g.ys[i], class: i % 2 ? 'lane-bg odd' : 'lane-bg' }, lane);
      el('text', { x: 6, y: g.ys[i] + LABEL + 14, class: 'lane-label' }, lane, l.label);
    });
    for (const s of t.spans) {
      const y = g.ys[s.lane] + LABEL;
      const cls = 'span ' + s.kind;
      const sx = x(s.start) - STEP / 2, w = Math.max(STEP, (s.end - s.start) * STEP);
      const r = s.kind === 'hardirq' || s.kind === 'softirq'
        ? el('rect', { x: sx, y: y + 2 + s.depth * 3, width: w, height: 22 - s.depth * 3, class: cls, rx: 3 }, svg)
        : el('rect', { x: sx, y: y + 8, width: w, height: 10, class: cls }, svg);
      el('title', {}, r, s.kind + ': ' + s.label);
    }
    for (const b of t.bars) {
      const y = g.ys[b.lane] + LABEL + 30 + b.slot * (BAR + 2);
      const r = el('rect', { x: x(b.start), y, width: Math.max(3, (b.end - b.start) * STEP - STEP / 2 + (b.end === t.length ? STEP / 2 : 0)), height: BAR, fill: colour(b.cls), class: 'lockbar' + (b.read ? ' read' : ''), 'data-lock': b.lock, 'data-lane': b.lane }, svg);
      el('title', {}, r, b.lock + ' held from event ' + b.start + (b.end === t.length ? ' to the end' : ' to ' + b.end));
    }
    const defs = el('defs', {}, svg);
    const m = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#d62728' }, m);
    for (const w of t.waits) {
      const a = t.events[w.from], b = t.events[w.to];
      el('path', { d: 'M' + x(a.seq) + ',' + (g.ys[a.lane] + LABEL + 13) + ' L' + x(b.seq) + ',' + (g.ys[b.lane] + LABEL + 13), class: 'wait-edge', 'marker-end': 'url(#arrow)' }, svg);
    }
    for (const e of t.events) {
      const cy = g.ys[e.lane] + LABEL + 13;
      // the finding's own events and every lock operation are named on the timeline
      if (hl.has(e.seq) || /^(lock_|trylock)/.test(e.op)) {
        el('text', { x: x(e.seq) - 4, y: cy - 9, class: 'ev-label' + (hl.has(e.seq) ? ' hl' : ''), transform: 'rotate(-25 ' + (x(e.seq) - 4) + ' ' + (cy - 9) + ')' }, svg, e.text.length > 28 ? e.text.slice(0, 27) + '…' : e.text);
      }
      const c = el('circle', { cx: x(e.seq), cy, r: e.depth ? 4 : 5, class: 'ev ' + e.ctx + (hl.has(e.seq) ? ' hl' : ''), 'data-seq': e.seq, tabindex: -1 }, svg);
      c.addEventListener('mouseenter', () => show(e));
      c.addEventListener('mouseleave', () => selected >= 0 && show(t.events[selected]));
      c.addEventListener('click', () => select(e.seq));
    }
    const legend = document.getElementById('legend');
    legend.replaceChildren();
    for (const cls of t.classes) {
      const s = document.createElement('span');
      s.className = 'key';
      s.innerHTML = '<i style="background:' + colour(cls) + '"></i>';
      s.append(cls);
      legend.append(s);
    }
    document.getElementById('report').textContent = v.report;
    document.getElementById('token').textContent = v.token;
    selected = -1;
    show(t.events.find((e) => hl.has(e.seq)) || t.events[0]);
  }

  function show(e) {
    const d = document.getElementById('details');
    if (!e) { d.textContent = ''; return; }
    const pc = '0x' + e.pcount.toString(16).padStart(8, '0');
    d.replaceChildren();
    const rows = [
      ['event', '#' + e.seq + ' ' + e.op],
      ['call', e.text],
      ['site', e.site + (e.fn && e.fn !== '?' ? ' (' + e.fn + ')' : '')],
      ['lane', DATA.views[view].timeline.lanes[e.lane].label],
      ['context', e.ctx],
      ['preempt_count', pc],
      ['irqs', e.irqsOff ? 'disabled' : 'enabled'],
      ['held locks', e.held.length ? e.held.join(', ') : 'none'],
    ];
    for (const [k, val] of rows) {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = val; dd.className = 'v-' + k.replace(/[^a-z]+/g, '-');
      d.append(dt, dd);
    }
  }

  function select(seq) {
    const t = DATA.views[view].timeline;
    if (seq < 0 || seq >= t.events.length) return;
    document.querySelectorAll('circle.ev.selected').forEach((c) => c.classList.remove('selected'));
    const c = document.querySelector('circle.ev[data-seq="' + seq + '"]');
    if (c) {
      c.classList.add('selected');
      const box = document.getElementById('scroll');
      const cx = Number(c.getAttribute('cx'));
      if (cx < box.scrollLeft + LEFT || cx > box.scrollLeft + box.clientWidth - 40) box.scrollLeft = cx - box.clientWidth / 2;
    }
    selected = seq;
    show(t.events[seq]);
  }

  document.addEventListener('keydown', (k) => {
    if (k.key === 'ArrowRight') { select(selected + 1); k.preventDefault(); }
    else if (k.key === 'ArrowLeft') { select(Math.max(0, selected - 1)); k.preventDefault(); }
  });

  const tabs = document.getElementById('tabs');
  DATA.views.forEach((v, i) => {
    const b = document.createElement('button');
    b.textContent = v.title;
    b.addEventListener('click', () => {
      view = i;
      tabs.querySelectorAll('button').forEach((x, j) => x.classList.toggle('active', j === i));
      draw(v);
    });
    if (i === 0) b.classList.add('active');
    tabs.append(b);
  });
  if (DATA.views.length) draw(DATA.views[0]);
})();
`;
