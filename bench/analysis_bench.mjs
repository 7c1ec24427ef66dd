// Run analysis in the browser: the time from choosing two 5-lap runs (Compare on the leaderboard) to
// the first drawn comparison (both traces fetched, re-simulated and verified, analysed by the core in
// WebAssembly, sectors and deltas drawn), in Debian's headless Chromium at 1280x800, deviceScaleFactor 2.
// Goal: under 300 ms. The runs: a community race of 5 laps on Pitwall Park, the starter model and
// three slower ones trained for the bench, each evaluated by the real server.
// Run: NODE_PATH=node_modules node bench/analysis_bench.mjs  (after scripts/test.sh has built everything)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
process.env.PITWALL_BINARY ??= join(root, 'build/native/server/pitwall');
process.env.PITWALL_PUBLIC_DIR ??= join(root, 'public');
process.env.PITWALL_APP_DIR ??= join(root, 'build/wasm/app');
process.env.PITWALL_STARTER_DIR ??= join(root, 'build/native/starter_models');
const { click, env, launch, startServer, ui, until } = await import('../tests/e2e/harness.mjs');

const server = await startServer(['--no-demo']);
const work = mkdtempSync(join(tmpdir(), 'pitwall-analysis-bench-'));
async function api(method, path, body, token) {
  const headers = {};
  const raw = body instanceof Uint8Array;
  if (body !== undefined) headers['Content-Type'] = raw ? 'application/octet-stream' : 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(server.url + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
async function racer(alias) {
  await api('POST', '/racers', { alias, password: 'a long password' });
  const { token } = await api('POST', '/sessions', { alias, password: 'a long password' });
  await api('POST', '/me/terms', { accept: true }, token);
  return token;
}

// Four racers: the starter model and three slower ones trained for the bench (the app fetches the
// top three runs with the leaderboard; the fourth is fetched when asked for).
const models = [readFileSync(join(env.starters, 'starter-park-state.onnx'))];
for (const pace of [0.9, 0.8, 0.7]) {
  execFileSync(env.binary, ['model', 'train', '--track', 'pitwall_park', '--pace', String(pace), '--out', join(work, `m${pace}.onnx`)]);
  models.push(readFileSync(join(work, `m${pace}.onnx`)));
}
const tokens = [];
for (let i = 0; i < models.length; ++i) tokens.push(await racer(`bench-${i}`));
const closes = new Date(Date.now() + 864e5).toISOString().replace(/\.\d+Z$/, 'Z');
const race = await api('POST', '/races', { kind: 'COMMUNITY', name: 'Five laps', track_id: 'pitwall_park', laps: 5, min_laps: 5, closes_at: closes }, tokens[0]);
for (const t of tokens.slice(1)) await api('POST', `/invitations/${race.invitation.url.split('/join/')[1]}/redeem`, {}, t);
for (let i = 0; i < models.length; ++i) {
  const model = await api('POST', `/models?name=m${i}`, new Uint8Array(models[i]), tokens[i]);
  await api('POST', `/races/${race.id}/submissions`, { model_id: model.id }, tokens[i]);
}
for (;;) {
  const board = await api('GET', `/races/${race.id}/leaderboard`, undefined, tokens[0]);
  if (board.entries.length === models.length) break;
  await new Promise((r) => setTimeout(r, 250));
}

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
const page = await context.newPage();
await page.goto(server.url + '/');
await page.evaluate((t) => localStorage.setItem('pitwall.token', t), tokens[0]);

/// Clicks Compare on rank `rank` with events dispatched in the page, and times from the press to the
/// frame that drew the comparison (the probe is published at the end of each frame). `restMs`: how
/// long the pointer rests on the button before the press (the app fetches a run while the pointer is
/// on its buttons); 0: the pointer arrives and presses at once, as a tap does.
async function timeCompare(rank, restMs) {
  const r = (await ui(page)).items[`race.compare.${rank}`];
  const x = r.x + r.w / 2, y = r.y + r.h / 2;
  if (restMs > 0) {
    await page.mouse.move(x, y);
    await page.waitForTimeout(restMs);
  } else {
    await page.mouse.move(5, 5);
    await page.waitForTimeout(500);
  }
  return page.evaluate(([x, y, rest]) => new Promise((resolve) => {
    const canvas = document.getElementById('canvas');
    const before = window.pitwallUi.values.analysis;
    const t0 = performance.now();
    const types = rest > 0 ? ['mousedown', 'mouseup'] : ['mousemove', 'mousedown', 'mouseup'];
    for (const type of types) canvas.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true }));
    const check = () => {
      const a = window.pitwallUi.values.analysis;
      if (a && a !== before && a.sector_delta_ms.length >= 2) resolve(performance.now() - t0);
      else if (performance.now() - t0 > 20000) resolve({ stuck: window.pitwallUi });
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }), [x, y, restMs]).then((t) => {
    if (typeof t !== 'number') throw new Error(`no comparison 20 s after Compare on rank ${rank}: ${JSON.stringify(t.stuck).slice(0, 3000)}`);
    return t;
  });
}

async function openRace() {
  await page.goto(`${server.url}/races/${race.id}`);
  await until(page, `(window.pitwallUi.values.leaderboard || []).length === ${models.length} && window.pitwallUi.pending === 0`, 'the leaderboard');
  await page.waitForTimeout(1000);  // the top three runs arrive with the board
}
const warm = [], rested = [], tapped = [];
await openRace();
for (let i = 0; i < 5; ++i) {
  warm.push(await timeCompare(2, 300));
  await click(page, 'watch.close');
}
for (let i = 0; i < 3; ++i) {
  await openRace();  // a fresh page: the fourth run is not in memory
  rested.push(await timeCompare(4, 300));
}
for (let i = 0; i < 3; ++i) {
  await openRace();
  tapped.push(await timeCompare(4, 0));
}
const stats = (t) => {
  const s = [...t].sort((a, b) => a - b);
  return `median=${s[Math.floor(s.length / 2)].toFixed(0)} max=${s[s.length - 1].toFixed(0)}`;
};
console.log(`analysis_compare_ms prefetched ${stats(warm)} (the 2nd against the leader: the top three come with the leaderboard, ${warm.length} times)`);
console.log(`analysis_compare_ms pointer_rested_300ms ${stats(rested)} (the 4th against the leader, fresh page: fetched while the pointer is on the button, ${rested.length} times)`);
console.log(`analysis_compare_ms fetched_on_press ${stats(tapped)} (the 4th, fresh page, the pointer arrives and presses at once, as a tap: ${tapped.length} times)`);
console.log('two 5-lap runs, from the press to the frame that drew the comparison; goal < 300 ms; headless Chromium at 2x, WebGL in software');
await browser.close();
await server.stop();
rmSync(work, { recursive: true, force: true });
