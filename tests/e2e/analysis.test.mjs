// Where did I lose time? On the demo race, the second-placed run against the leader: the sector
// deltas the browser computes (WebAssembly, from the two traces) equal those `pitwall analyse`
// computes natively from the same traces, with the track's own sectors and with equal ones chosen on
// a slider; each run in depth (a speed heat map, its laps, its actions) and its steps downloaded as
// DeepRacer's simtrace CSV with the run's lap times. Screenshots of both views land in e2e-screens/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { click, env, launch, shot, startServer, ui, until } from './harness.mjs';

let server, browser, work;
before(async () => {
  server = await startServer();
  browser = await launch();
  work = mkdtempSync(join(tmpdir(), 'pitwall-analysis-'));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function save(path, name) {
  const r = await fetch(server.url + '/api/v1' + path);  // fetch inflates the stored (deflated) trace
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  const file = join(work, name);
  writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  return file;
}

/// `pitwall analyse` on the race's own track, rules and the two traces.
function nativeAnalysis(a, b, extra = []) {
  const out = execFileSync(env.binary, ['analyse', '--track', join(work, 'track.json'), '--rules', join(work, 'race.json'),
                                        '--trace', a, '--trace', b, ...extra], { encoding: 'utf8' });
  return JSON.parse(out);
}

function assertSameSectors(browserView, native, what) {
  const c = native.comparison;
  assert.equal(browserView.lap_a, c.lap_a, `${what}: A's lap`);
  assert.equal(browserView.lap_b, c.lap_b, `${what}: B's lap`);
  assert.equal(browserView.sector_delta_ms.length, c.sector_delta_ms.length, `${what}: sector count`);
  assert.ok(browserView.sector_delta_ms.length >= 2, `${what}: sectors`);
  for (let k = 0; k < c.sector_delta_ms.length; ++k) {
    assert.ok(Math.abs(browserView.sector_delta_ms[k] - c.sector_delta_ms[k]) < 0.001, `${what}: sector ${k + 1} delta ${browserView.sector_delta_ms[k]} vs ${c.sector_delta_ms[k]}`);
    assert.ok(Math.abs(browserView.sector_a_ms[k] - c.sector_a_ms[k]) < 0.001, `${what}: sector ${k + 1} of A`);
  }
  assert.equal(browserView.lap_a_ms - browserView.lap_b_ms, c.lap_a_ms - c.lap_b_ms);
}

test('the second-placed run against the leader, sector by sector, as the core computes it natively', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/races/1');
  await until(page, 'window.pitwallUi && (window.pitwallUi.values.leaderboard || []).length >= 3', 'the demo leaderboard', 120000);

  // The two runs, natively: their traces, the race's track and rules, as any client gets them.
  const board = await (await fetch(server.url + '/api/v1/races/1/leaderboard')).json();
  const [leader, second] = board.entries;
  const a = await save(`/submissions/${second.submission_id}/trace`, 'a.trace');
  const b = await save(`/submissions/${leader.submission_id}/trace`, 'b.trace');
  await save('/races/1/track', 'track.json');
  await save('/races/1', 'race.json');

  await click(page, 'race.compare.2');
  await until(page, `window.pitwallUi.values.analysis && window.pitwallUi.values.analysis.a === ${second.submission_id} &&
                     window.pitwallUi.values.analysis.b === ${leader.submission_id}`, 'the comparison');
  const view = (await ui(page)).values.analysis;
  assertSameSectors(view, nativeAnalysis(a, b), 'the track\'s sectors');
  assert.ok(view.sector_delta_ms.some((d) => d > 0), 'the second-placed run loses time somewhere');
  assert.ok(view.first_drawn_ms > 0);
  const tree = await page.locator('#pw-a11y').ariaSnapshot();
  assert.match(tree, /table "Sectors, A's lap \d+ against B's lap \d+"/);
  const scrollTo = async (name, { check = true } = {}) => {  // the analysis lies below the replays: the wheel scrolls the column down to it
    const r = (await ui(page)).items[name];
    await page.mouse.move(r.x + 20, Math.min(r.y + 10, 780));
    await page.waitForTimeout(100);
    for (let i = 0; i < 4; ++i) {
      const before = (await ui(page)).frame;
      await page.mouse.wheel(0, 100);  // a notch down
      await until(page, `window.pitwallUi.frame >= ${before + 2}`, 'the app to draw after the wheel');
    }
    await page.waitForTimeout(200);
    const moved = (await ui(page)).items[name];
    if (check) assert.ok(moved && moved.y < r.y - 50, `the wheel scrolls down a notch at a time: ${name} ${JSON.stringify(r)} -> ${JSON.stringify(moved)}`);
  };
  await scrollTo('analysis.tables');
  await shot(page, 'analysis-1-compare');

  // Four equal sectors, chosen on the slider (through its accessible range input, as a keyboard would).
  await page.evaluate(() => {
    const range = [...document.querySelectorAll('#pw-a11y input[type=range]')].find((e) => e.closest('label').textContent.startsWith('Sectors'));
    range.value = '4';
    range.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await until(page, 'window.pitwallUi.values.analysis.sector_delta_ms.length === 4', 'four sectors');
  assertSameSectors((await ui(page)).values.analysis, nativeAnalysis(a, b, ['--sectors', '4']), 'four equal sectors');

  // One run in depth: the leader's heat map, laps and actions; its steps as a simtrace CSV.
  await click(page, `analysis.tab.${leader.submission_id}`);
  const runKey = `analysis.run${leader.submission_id}`;
  await until(page, `window.pitwallUi.values[${JSON.stringify(runKey)}] && window.pitwallUi.items[${JSON.stringify(runKey + '.heatmap')}]`, 'the run in depth');
  const run = (await ui(page)).values[runKey];
  assert.ok(run.rows > 100);
  assert.ok(run.steering_counts.reduce((x, y) => x + y, 0) > 100);
  await scrollTo(`analysis.tab.${leader.submission_id}`, { check: false });  // (over the map, the wheel zooms the map)
  await shot(page, 'analysis-2-heatmap');
  const download = page.waitForEvent('download');
  await click(page, `${runKey}.csv`);
  const file = await (await download).path();
  const rows = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'episode,steps,X,Y,yaw,steer,throttle,action,reward,done,all_wheels_on_track,progress,closest_waypoint,track_len,tstamp,episode_status,pause_duration');
  const start = {}, finish = {};
  for (const line of rows.slice(1)) {
    const f = line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    if (f[15] === 'prepare') start[f[0]] = Number(f[14]);
    if (f[15] === 'lap_complete') finish[f[0]] = Number(f[14]);
  }
  const laps = (await (await fetch(`${server.url}/api/v1/submissions/${leader.submission_id}/run`)).json()).laps;
  assert.equal(Object.keys(finish).length, laps.length);
  for (const lap of laps) assert.equal(Math.round((finish[lap.lap - 1] - start[lap.lap - 1]) * 1000), lap.time_ms, `lap ${lap.lap}`);
  assert.deepEqual(errors, []);
  await context.close();
});
