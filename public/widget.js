/*! Pitwall live leaderboard widget: <pitwall-leaderboard race="ID" limit="10" theme="light|dark|auto"
    mode="table|overlay" live="poll|sse" refresh="30"></pitwall-leaderboard>. Plain JavaScript, Shadow DOM,
    read-only, no cookies. Every text from the server is set with textContent: nothing is parsed as HTML. */
(function () {
  'use strict';
  if (window.customElements === undefined || customElements.get('pitwall-leaderboard')) return;
  var script = document.currentScript;
  var ORIGIN = script && script.src ? new URL(script.src).origin : location.origin;

  var CSS =
    ':host{display:block;font-family:var(--pitwall-font,system-ui,sans-serif);color:var(--pitwall-fg,#1b1f23);' +
    'background:var(--pitwall-bg,#fff);border:1px solid var(--pitwall-border,#d8dde2);border-radius:var(--pitwall-radius,8px);' +
    'padding:10px 12px;font-size:var(--pitwall-size,14px);max-width:var(--pitwall-width,520px)}' +
    ':host([data-theme=dark]){--pitwall-bg:#15191d;--pitwall-fg:#e8ecef;--pitwall-border:#2a333c;--pitwall-muted:#9aa7b1;--pitwall-alt:#1c2228}' +
    ':host([mode=overlay]){background:transparent;border:0;--pitwall-size:28px;color:var(--pitwall-fg,#fff);' +
    'text-shadow:0 2px 4px rgba(0,0,0,.8)}' +
    'h2{margin:0 0 2px;font-size:1.1em}.meta{color:var(--pitwall-muted,#5b6670);font-size:.85em;margin-bottom:6px}' +
    'table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}' +
    'td{padding:3px 6px}tr:nth-child(even) td{background:var(--pitwall-alt,#f3f5f7)}:host([mode=overlay]) td{background:none}' +
    '.rank{width:2em;color:var(--pitwall-accent,#e4572e);font-weight:700}.num{text-align:right}' +
    '.gap{color:var(--pitwall-muted,#5b6670)}a{color:var(--pitwall-accent,#e4572e)}' +
    'tr.changed td{animation:pw-flash 2.5s ease-out}@keyframes pw-flash{from{background:var(--pitwall-accent,#e4572e);color:#fff}}' +
    '.foot{margin-top:6px;font-size:.8em}.empty{color:var(--pitwall-muted,#5b6670);font-style:italic}';

  function secs(ms) { return (ms / 1000).toFixed(3) + ' s'; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  class PitwallLeaderboard extends HTMLElement {
    static get observedAttributes() { return ['race', 'limit', 'theme', 'mode']; }

    connectedCallback() {
      if (!this.shadowRoot) {
        var root = this.attachShadow({ mode: 'open' });
        var style = document.createElement('style');
        style.textContent = CSS;
        root.appendChild(style);
        this._box = el('div');
        root.appendChild(this._box);
      }
      this._etag = null;
      this._last = {};
      this._theme();
      this._load();
      this._schedule();
    }

    disconnectedCallback() { this._stop(); }
    attributeChangedCallback() { if (this._box) { this._etag = null; this._theme(); this._load(); } }

    _stop() {
      clearTimeout(this._timer);
      if (this._events) this._events.close();
      this._events = null;
    }

    _theme() {
      var t = this.getAttribute('theme') || 'auto';
      if (t === 'auto') t = window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
      this.setAttribute('data-theme', t);
    }

    _schedule() {
      var self = this;
      this._stop();
      if (this.getAttribute('live') === 'sse' && window.EventSource) {
        this._events = new EventSource(ORIGIN + '/api/v1/races/' + encodeURIComponent(this._race()) + '/events');
        this._events.addEventListener('leaderboard', function () { self._load(); });
        return;
      }
      var every = Math.max(1, parseFloat(this.getAttribute('refresh') || '30')) * 1000;
      this._timer = setTimeout(function tick() { self._load(); self._timer = setTimeout(tick, every); }, every);
    }

    _race() { return (this.getAttribute('race') || '').replace(/[^0-9]/g, ''); }
    _limit() { return Math.min(200, Math.max(1, parseInt(this.getAttribute('limit') || '10', 10) || 10)); }

    _load() {
      var self = this, race = this._race();
      if (!race) return this._message('Set race="ID" on <pitwall-leaderboard>.');
      var headers = {};
      if (this._etag) headers['If-None-Match'] = this._etag;
      fetch(ORIGIN + '/api/v1/races/' + race + '/leaderboard?limit=' + this._limit(), { credentials: 'omit', headers: headers, cache: 'no-store' })
        .then(function (r) {
          if (r.status === 304) return null;
          if (r.status === 404) { self._message('This leaderboard is not public.', true); return null; }
          if (!r.ok) throw new Error('HTTP ' + r.status);
          self._etag = r.headers.get('ETag');
          return r.json();
        })
        .then(function (data) { if (data) self._render(data); })
        .catch(function () { self._message('The leaderboard cannot be reached just now.'); });
    }

    _message(text, withLink) {
      this._box.replaceChildren(el('div', text, 'empty'));
      if (withLink) this._box.appendChild(this._link('Open the race on Pitwall'));
    }

    _link(text) {
      var a = el('a', text);
      a.href = ORIGIN + '/races/' + this._race();
      a.target = '_top';
      a.rel = 'noopener';
      return a;
    }

    _render(data) {
      var box = this._box, last = this._last, seen = {};
      box.replaceChildren();
      box.appendChild(el('h2', data.race_name));
      box.appendChild(el('div', data.track_name + ' \u00b7 ' + String(data.timing_method || '').replace(/_/g, ' ').toLowerCase(), 'meta'));
      var table = el('table');
      if (!data.entries.length) box.appendChild(el('div', 'No ranked runs yet.', 'empty'));
      data.entries.forEach(function (e) {
        var row = el('tr');
        row.appendChild(el('td', e.rank, 'rank'));
        row.appendChild(el('td', e.alias, 'alias'));
        row.appendChild(el('td', secs(e.ranking_ms), 'num time'));
        row.appendChild(el('td', e.gap_ms ? '+' + secs(e.gap_ms) : '', 'num gap'));
        var key = e.alias + '\n' + e.rank + '\n' + e.ranking_ms;
        if (Object.keys(last).length && !last[key]) row.className = 'changed';
        seen[key] = true;
        table.appendChild(row);
      });
      this._last = seen;
      box.appendChild(table);
      var foot = el('div', null, 'foot');
      foot.appendChild(this._link('Full leaderboard on Pitwall'));
      box.appendChild(foot);
      this.dispatchEvent(new CustomEvent('pitwall-rendered', { detail: { revision: data.revision } }));
    }
  }

  customElements.define('pitwall-leaderboard', PitwallLeaderboard);
})();
