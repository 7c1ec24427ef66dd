// Loaded by leaderboard.html (no inline scripts: the Content-Security-Policy allows none).
// Plain DOM, text set with textContent only: aliases and race names are never parsed as HTML.
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const secs = ms => (ms / 1000).toFixed(3) + ' s';
const etags = {};

async function board(race, table) {
  const headers = etags[race.id] ? { 'If-None-Match': etags[race.id] } : {};
  const r = await fetch(`/api/v1/races/${race.id}/leaderboard?limit=50`, { headers });
  if (r.status === 304) return;
  etags[race.id] = r.headers.get('ETag');
  const data = await r.json();
  table.replaceChildren();
  const crashes = race.race_type !== 'TIME_TRIAL';  // boxes or bots: how often each run hit one
  const head = el('tr');
  const columns = [['#'], ['Racer'], ['Time', 'num'], ['Best lap', 'num'], ['Gap', 'num'], ['Off track', 'num'], ...(crashes ? [['Crashes', 'num']] : []), ['Entries', 'num']];
  for (const [t, c] of columns) head.append(el('th', t, c));
  table.append(head);
  if (data.entries.length === 0) { const row = el('tr'); const td = el('td', 'No ranked runs yet.', 'empty'); td.colSpan = columns.length; row.append(td); table.append(row); }
  for (const e of data.entries) {
    const row = el('tr');
    row.append(el('td', e.rank), el('td', e.alias), el('td', secs(e.ranking_ms), 'num'), el('td', secs(e.best_lap_ms), 'num'),
               el('td', e.gap_ms ? '+' + secs(e.gap_ms) : '—', 'num'), el('td', e.off_track_count, 'num'));
    if (crashes) row.append(el('td', e.crash_count ?? 0, 'num'));
    row.append(el('td', e.submissions, 'num'));
    table.append(row);
  }
}

async function main() {
  const list = document.getElementById('races');
  const races = (await (await fetch('/api/v1/races')).json()).races;
  list.replaceChildren();
  if (races.length === 0) list.append(el('p', 'No races yet.', 'empty'));
  for (const race of races) {
    const box = el('section', undefined, 'race');
    box.append(el('h2', race.name));
    box.append(el('div', `${race.status} · ${race.race_type} · ${race.track.name} (${race.track.length_m.toFixed(1)} m) · ${race.timing_method} · ` +
                         `${race.laps} laps, ${race.min_laps} needed · closes ${new Date(race.closes_at).toLocaleString()}`, 'meta'));
    if (race.description) box.append(el('p', race.description));
    const table = el('table');
    box.append(table);
    list.append(box);
    await board(race, table);
    const stream = new EventSource(`/api/v1/races/${race.id}/events`);
    stream.addEventListener('leaderboard', () => board(race, table));
  }
}
main().catch(err => { document.getElementById('races').replaceChildren(el('p', 'Could not load races: ' + err, 'empty')); });
