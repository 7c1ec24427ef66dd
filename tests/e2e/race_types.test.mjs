// Race types in the browser: a head-to-bot league race (made over the API), a LIDAR starter
// model's run evaluated by the server among the bots, and anyone watching it: the browser replays
// the trace with the same core, the bots move exactly as they did in the server's run (the replay's
// laps, crashes included, equal the server's), and they are drawn on the track. The organiser's form
// previews a course before the race exists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { click, env, launch, register, shot, startServer, ui, until } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer(['--no-demo']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(method, path, token, body, type = 'application/json') {
  const headers = { 'Content-Type': type };
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch(server.url + '/api/v1' + path, { method, headers, body: type === 'application/json' && body ? JSON.stringify(body) : body });
  const text = await r.text();
  return { status: r.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

test('anyone watches a head-to-bot run replayed with its bots, verified against the server', async () => {
  // An organiser and a racer, over the API.
  assert.equal((await api('POST', '/racers', null, { alias: 'bot-organiser', password: 'a long password' })).status, 201);
  const token = (await api('POST', '/sessions', null, { alias: 'bot-organiser', password: 'a long password' })).body.token;
  await api('POST', '/me/terms', token, { accept: true });
  assert.equal((await api('POST', '/admin/claim', token, { setup_token: server.setupToken })).status, 200);  // league races are the admin's
  const created = await api('POST', '/races', token, {
    kind: 'LEAGUE', name: 'Bots in the Park', track_id: 'pitwall_park', closes_at: '2099-01-01T00:00:00Z',
    race_type: 'HEAD_TO_BOT', collision_penalty_ms: 1000,
    bots: [{ speed_mps: 0.8 }, { speed_mps: 1.2, lane: 'LEFT', lane_changes: true, lane_change_interval_s: 4 }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const raceId = created.body.id;
  const model = await api('POST', '/models?name=harbour-bots', token, readFileSync(join(env.starters, 'starter-harbour-bots.onnx')), 'application/octet-stream');
  assert.equal(model.status, 201, JSON.stringify(model.body));
  const entered = await api('POST', `/races/${raceId}/submissions`, token, { model_id: model.body.id });
  assert.equal(entered.status, 202, JSON.stringify(entered.body));  // accepted, queued
  let done;
  for (let i = 0; i < 600; ++i) {
    done = (await api('GET', `/submissions/${entered.body.id}`, token)).body;
    if (done.status === 'COMPLETED' || done.status === 'FAILED') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(done.status, 'COMPLETED', JSON.stringify(done));

  // Anyone watches it.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/races/${raceId}`);
  await until(page, '(window.pitwallUi.values.leaderboard || []).length === 1', 'the leaderboard');
  await click(page, 'race.watch.1');
  await until(page, '(window.pitwallUi.values.watch || []).length === 1 && window.pitwallUi.values.watch[0].phase === "ready"', 'the replay');
  const first = (await ui(page)).values.watch[0];
  assert.equal(first.verified, true, JSON.stringify(first));
  assert.equal(first.race_type, 'HEAD_TO_BOT');
  assert.equal(first.laps, 3);
  assert.equal(first.crashes, done.result.crash_count, 'the replay crashes where the server\'s run did');
  assert.deepEqual(first.objects.map((o) => o.kind), ['bot', 'bot']);
  // The bots drive on as the replay plays.
  await click(page, 'watch.speed4');
  await page.waitForTimeout(1500);
  const later = (await ui(page)).values.watch[0];
  assert.ok(later.objects.some((o, k) => o.x !== first.objects[k].x || o.y !== first.objects[k].y), JSON.stringify([first.objects, later.objects]));
  await shot(page, '30-head-to-bot-replay');
  assert.deepEqual(errors, []);

  // The public leaderboard page names the race type and adds the crashes column.
  await page.goto(`${server.url}/leaderboard.html`);
  await page.waitForSelector('.race table td');
  const table = await page.evaluate(() => ({
    meta: document.querySelector('.race .meta').textContent,
    head: [...document.querySelectorAll('.race th')].map((th) => th.textContent),
    row: [...document.querySelectorAll('.race tr:nth-child(2) td')].map((td) => td.textContent),
  }));
  assert.match(table.meta, /HEAD_TO_BOT/);
  const crashesAt = table.head.indexOf('Crashes');
  assert.ok(crashesAt > 0, JSON.stringify(table));
  assert.equal(table.row[crashesAt], String(done.result.crash_count));
  await context.close();
});

test('an organiser previews a course on the track before creating the race', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await register(page, server.url, 'course-setter');
  await click(page, 'nav.Organiser');
  await click(page, 'organiser.race_type');
  await click(page, 'organiser.race_type.OBJECT_AVOIDANCE');
  await until(page, '(window.pitwallUi.values["organiser.course"] || []).length === 3', 'three boxes in the preview');
  const before = (await ui(page)).values['organiser.course'];
  assert.ok(before.every((o) => o.kind === 'box'));
  await click(page, 'organiser.reseed');
  await until(page, `JSON.stringify(window.pitwallUi.values["organiser.course"]) !== ${JSON.stringify(JSON.stringify(before))}`, 'boxes placed again');
  await shot(page, '31-course-preview');
  await context.close();
});
