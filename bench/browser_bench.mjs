// The browser app's figures, in Debian's Chromium against a real server on loopback:
//  - size of the app's .wasm + .js (target <= 2 MB uncompressed; ONNX Runtime Web's files excluded);
//  - time to first frame (navigation start to the app's first drawn frame; target < 1.5 s);
//  - a 5-lap browser trial of a starter model (core in wasm + ONNX Runtime Web; target < 300 ms);
//  - frame time while animating a trial's playback (target 60 frames/s).
// Run: node bench/browser_bench.mjs  (after scripts/test.sh or scripts/run.sh has built everything)
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
process.env.PITWALL_BINARY ??= join(root, 'build/native/server/pitwall');
process.env.PITWALL_PUBLIC_DIR ??= join(root, 'public');
process.env.PITWALL_APP_DIR ??= join(root, 'build/wasm/app');
process.env.PITWALL_STARTER_DIR ??= join(root, 'build/native/starter_models');
const { click, env, launch, register, startServer, ui, until, upload } = await import('../tests/e2e/harness.mjs');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wasm = statSync(join(env.appDir, 'pitwall_web.wasm')).size, js = statSync(join(env.appDir, 'pitwall_web.js')).size;
console.log(`app_size_bytes=${wasm + js} (wasm ${wasm} + js ${js}) = ${((wasm + js) / 1048576).toFixed(2)} MiB (target <= 2 MiB)`);

const widget = readFileSync(join(root, 'public/widget.js'));
console.log(`widget_js_bytes=${widget.length} gzipped=${gzipSync(widget, { level: 9 }).length} (target <= 10240 gzipped)`);

const server = await startServer(['--no-demo']);
const browser = await launch();
try {
  const firsts = [];
  for (let i = 0; i < 5; ++i) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await until(page, 'window.pitwallUi && window.pitwallUi.first_frame_ms > 0', 'the first frame');
    firsts.push((await ui(page)).first_frame_ms);
    await context.close();
  }
  console.log(`time_to_first_frame_ms median=${median(firsts).toFixed(0)} runs=${firsts.map((x) => x.toFixed(0)).join(',')} (target < 1500)`);

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await register(page, server.url, 'bench');
  await upload(page, join(env.starters, 'starter-park-state.onnx'));
  await until(page, '(window.pitwallUi.values["garage.models"] || []).length === 1', 'the upload');
  await click(page, 'garage.trymodel');
  await click(page, 'garage.trymodel.starter-park-state');
  for (let tries = 0; (await ui(page)).values['garage.laps'] !== 5 && tries < 10; ++tries) {
    const slider = (await ui(page)).items['garage.laps'];
    await page.mouse.click(slider.x + 97, slider.y + slider.h / 2);  // the right end of the 100 px slider (its label follows): 5 laps
    await page.waitForTimeout(200);
  }
  const walls = [];
  for (let i = 0; i < 5; ++i) {
    await click(page, 'garage.run');
    await until(page, 'window.pitwallUi.values["trial.garage"] && window.pitwallUi.values["trial.garage"].phase === "done"', 'the trial', 60000);
    const t = (await ui(page)).values['trial.garage'];
    if (t.laps.length !== 5) throw new Error('expected 5 laps, got ' + JSON.stringify(t.laps));
    walls.push(t.wall_ms);
  }
  console.log(`browser_trial_5_laps_ms median=${median(walls).toFixed(1)} runs=${walls.map((x) => x.toFixed(1)).join(',')} (target < 300; includes every ONNX Runtime Web call)`);

  // Frame times while the playback animates at 1x, and, for reference, on a still screen.
  const frameTimes = () => page.evaluate(() => new Promise((done) => {
    const t = [];
    const tick = (ts) => { t.push(ts); if (t.length < 240) requestAnimationFrame(tick); else done(t); };
    requestAnimationFrame(tick);
  })).then((stamps) => {
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    return { mean: gaps.reduce((a, b) => a + b, 0) / gaps.length, p95: [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length * 0.95)] };
  });
  await click(page, 'garage.speed1');
  const anim = await frameTimes();
  console.log(`animating_frame_ms mean=${anim.mean.toFixed(2)} p95=${anim.p95.toFixed(2)} => ${(1000 / anim.mean).toFixed(1)} frames/s ` +
              `(target 60; headless Chromium rendering WebGL in software with SwiftShader)`);
  await click(page, 'nav.Account');
  const still = await frameTimes();
  console.log(`still_screen_frame_ms mean=${still.mean.toFixed(2)} => ${(1000 / still.mean).toFixed(1)} frames/s (the same browser's baseline)`);

  // Replays: a 5-lap run, from the Watch click to ready to play (trace fetched, inflated, re-simulated, verified).
  const token = await page.evaluate(() => localStorage.getItem('pitwall.token'));
  const call = async (method, path, body) => (await fetch(server.url + '/api/v1' + path, {
    method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) })).json();
  const race = await call('POST', '/races', { name: 'Five laps', track_id: 'pitwall_park', laps: 5, min_laps: 5, closes_at: '2099-01-01T00:00:00Z' });
  await call('POST', '/me/terms', { accept: true });
  const model = (await call('GET', '/models')).models[0].id;
  const sub = await call('POST', `/races/${race.id}/submissions`, { model_id: model });
  for (let i = 0; i < 200 && (await call('GET', `/submissions/${sub.id}`)).status !== 'COMPLETED'; ++i) await new Promise((r) => setTimeout(r, 25));
  await page.goto(`${server.url}/races/${race.id}`);
  await until(page, '(window.pitwallUi.values.leaderboard || []).length === 1', 'the leaderboard');
  const starts = [];
  for (let i = 0; i < 5; ++i) {
    await click(page, 'race.watch.1');
    await until(page, '(window.pitwallUi.values.watch || [])[0] && window.pitwallUi.values.watch[0].phase === "ready"', 'the replay');
    const w = (await ui(page)).values.watch[0];
    if (!w.verified || w.laps !== 5) throw new Error('replay not verified: ' + JSON.stringify(w));
    starts.push(w.start_ms);
  }
  console.log(`replay_start_5_laps_ms median=${median(starts).toFixed(0)} runs=${starts.map((x) => x.toFixed(0)).join(',')} (target < 200; verified)`);
  const trace = await fetch(`${server.url}/api/v1/submissions/${sub.id}/trace`);
  const stored = Number(trace.headers.get('Content-Length'));  // as stored and sent: deflated
  const steps = (await trace.arrayBuffer()).byteLength / 4;    // inflated: 4 bytes a step, after a 12-byte header
  console.log(`trace_bytes_per_lap=${(stored / 5).toFixed(0)} (${stored} bytes deflated for 5 laps, ${(stored / (steps - 3)).toFixed(2)} bytes a step; target <= 4 a step)`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
