// sipd status page: polls the HTTP API (API.md) and draws a call's ladder
// diagram as SVG from /api/trace?call_id=... No framework, no build step.
'use strict';

const POLL_MS = 2000;
// With http.token set, give it once as #token=... (kept in sessionStorage).
const token = (() => {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) sessionStorage.setItem('sipd-token', decodeURIComponent(m[1]));
  return sessionStorage.getItem('sipd-token');
})();

function api(path) {
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  return fetch(path, { headers }).then(r => {
    if (r.status === 401)
      throw new Error('the API needs its token: open this page as ' + location.pathname + '#token=TOKEN');
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    return r.json();
  });
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') e.onclick = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

function fillRows(table, rows) {
  const body = document.querySelector(table + ' tbody');
  body.replaceChildren(...rows);
}

function showError(err) {
  const e = document.getElementById('error');
  e.hidden = !err;
  e.textContent = err ? String(err.message || err) : '';
}

function renderStatus(s) {
  document.getElementById('title').textContent = s.name + ' ' + s.version;
  document.getElementById('summary').textContent =
    'up ' + s.uptime_s + ' s · roles: ' + (s.roles.join(', ') || 'none') +
    ' · listening on ' + s.listen.map(l => l.transport + ' ' + l.address + ':' + l.port).join(', ');
  const pairs = Object.entries(s.stats).concat([
    ['transactions', s.transactions], ['registrations', s.registrations],
    ['calls', s.calls], ['trace', s.trace ? 'on' : 'off']]);
  const rows = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const tr = el('tr');
    for (const p of pairs.slice(i, i + 2))
      tr.append(el('th', {}, p[0].replace(/_/g, ' ')), el('td', { class: 'num' }, p[1]));
    rows.push(tr);
  }
  fillRows('#stats', rows);
}

function renderRegistrations(r) {
  const rows = [];
  for (const reg of r.registrations)
    for (const c of reg.contacts)
      rows.push(el('tr', { 'data-aor': reg.aor }, el('td', {}, reg.aor), el('td', {}, c.uri),
        el('td', { class: 'num' }, c.expires), el('td', {}, c.source || ''),
        el('td', {}, c.user_agent || '')));
  document.getElementById('reg-count').textContent = '(' + r.registrations.length + ')';
  fillRows('#registrations', rows);
}

function renderCalls(c) {
  document.getElementById('call-count').textContent = '(' + c.calls.length + ')';
  fillRows('#calls', c.calls.map(call => el('tr', {},
    el('td', {}, call.call_id), el('td', {}, call.from), el('td', {}, call.to),
    el('td', {}, call.state), el('td', {}, call.started || ''),
    el('td', {}, call.answered || ''),
    el('td', {}, el('button', { onclick: () => showLadder(call.call_id) }, 'ladder')))));
}

// ---- SIP text helpers ----

function header(sip, name, compact) {
  const re = new RegExp('^(?:' + name + (compact ? '|' + compact : '') + ')[ \\t]*:[ \\t]*(.*)$', 'im');
  const m = sip.match(re);
  return m ? m[1].trim() : '';
}

function firstLine(sip) {
  return sip.split(/\r?\n/, 1)[0];
}

// "INVITE", or "180 Ringing" for a response.
function label(sip) {
  const line = firstLine(sip);
  const m = line.match(/^SIP\/2\.0\s+(\d{3})\s*(.*)$/);
  if (m) return { text: m[1] + ' ' + m[2] + ' (' + (header(sip, 'CSeq').split(/\s+/)[1] || '') + ')', resp: true };
  return { text: line.split(' ')[0], resp: false };
}

function renderDialogs(t) {
  const hint = document.getElementById('trace-hint');
  hint.textContent = t.enabled ? '' :
    'Tracing is off: start sipd with --trace, set trace.enabled, or POST /api/trace {"enabled":true}.';
  const byId = new Map();
  for (const e of t.entries) {
    const id = header(e.sip, 'Call-ID', 'i');
    if (!id) continue;
    if (!byId.has(id)) byId.set(id, { first: e, n: 0 });
    byId.get(id).n++;
  }
  const rows = [...byId.entries()].reverse().slice(0, 30).map(([id, d]) => el('tr', {},
    el('td', {}, id), el('td', {}, d.first.time + ' ' + label(d.first.sip).text),
    el('td', { class: 'num' }, d.n),
    el('td', {}, el('button', { onclick: () => showLadder(id) }, 'ladder'))));
  fillRows('#dialogs', rows);
}

// ---- the ladder diagram ----

const SVGNS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// One column per host (address:port); an arrow per message from sender
// to receiver, labelled with the method or status, time stamps at left.
function drawLadder(entries) {
  const hosts = [];
  const col = h => { if (!hosts.includes(h)) hosts.push(h); return hosts.indexOf(h); };
  const msgs = entries.map(e => {
    const from = e.dir === 'recv' ? e.peer : e.local;
    const to = e.dir === 'recv' ? e.local : e.peer;
    return { e, from: col(from), to: col(to), l: label(e.sip) };
  });
  const left = 200, gap = 260, top = 50, step = 34;
  const width = left + gap * Math.max(hosts.length - 1, 1) + 120;
  const height = top + step * (msgs.length + 1);
  const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, id: 'ladder-svg' });
  hosts.forEach((h, i) => {
    const x = left + gap * i;
    root.append(svg('text', { x, y: 20, 'text-anchor': 'middle', class: 'host' }, h));
    root.append(svg('line', { x1: x, y1: 28, x2: x, y2: height - 10, class: 'lifeline' }));
  });
  const defs = svg('defs', {});
  for (const [id, color] of [['head', '#243447'], ['head-resp', '#2e7d32']]) {
    const m = svg('marker', { id, markerWidth: 10, markerHeight: 8, refX: 9, refY: 4, orient: 'auto' });
    m.append(svg('path', { d: 'M0,0 L10,4 L0,8 z', fill: color }));
    defs.append(m);
  }
  root.append(defs);
  const t0 = msgs.length ? Date.parse(msgs[0].e.time) : 0;
  msgs.forEach((m, i) => {
    const y = top + step * i + 10;
    const x1 = left + gap * m.from, x2 = left + gap * m.to;
    const cls = m.l.resp ? 'resp' : '';
    root.append(svg('text', { x: 4, y: y + 4, class: 'time' },
      m.e.time.slice(11, 23) + ' +' + ((Date.parse(m.e.time) - t0) / 1000).toFixed(3)));
    root.append(svg('line', { x1, y1: y, x2: x2 === x1 ? x1 + 40 : x2, y2: y,
      class: 'arrow ' + cls, 'marker-end': 'url(#head' + (m.l.resp ? '-resp' : '') + ')' }));
    const lab = svg('text', { x: (x1 + x2) / 2 + (x1 === x2 ? 20 : 0), y: y - 5,
      'text-anchor': 'middle', class: 'label ' + cls }, m.l.text);
    lab.addEventListener('click', () => {
      const pre = document.getElementById('ladder-message');
      pre.hidden = false;
      pre.textContent = m.e.sip;
    });
    root.append(lab);
  });
  return root;
}

function showLadder(callId) {
  document.getElementById('ladder-section').hidden = false;
  document.getElementById('ladder-callid').textContent = callId;
  return api('/api/trace?limit=1000&call_id=' + encodeURIComponent(callId)).then(t => {
    document.getElementById('ladder').replaceChildren(drawLadder(t.entries));
  }).catch(showError);
}

// ---- polling ----

function poll() {
  return Promise.all([
    api('/api/status').then(renderStatus),
    api('/api/registrations').then(renderRegistrations),
    api('/api/calls').then(renderCalls),
    api('/api/trace?limit=300').then(renderDialogs),
  ]).then(() => showError(null), showError);
}

poll();
setInterval(poll, POLL_MS);
const wanted = new URLSearchParams(location.search).get('call_id');
if (wanted) showLadder(wanted);
