// The browser app end to end: a newcomer registers, uploads a starter model,
// runs a trial in the browser, submits it, finds themselves on the leaderboard,
// and sees the browser agree with the server lap for lap; an organiser creates
// a community race and a second racer, in another browser context, opens the
// invitation link and joins. Every screen is saved as a screenshot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { click, env, launch, register, shot, startServer, type, ui, until, upload } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();  // with the demo race, seeded on first start
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a newcomer races a starter model and the browser agrees with the server', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/');
  await until(page, 'window.pitwallUi && window.pitwallUi.values["races.league"] && window.pitwallUi.values["races.league"].length > 0', 'the race list');
  await shot(page, '01-races');

  // Register.
  await click(page, 'nav.Account');
  await type(page, 'account.alias', 'newcomer');
  await type(page, 'account.password', 'a long password');
  await shot(page, '02-account');
  await click(page, 'account.register');
  await until(page, 'window.pitwallUi.signed_in', 'signing in');

  // Upload a starter model through the file picker.
  await upload(page, join(env.starters, 'starter-park-state.onnx'));
  await until(page, 'window.pitwallUi.values["garage.upload"] && window.pitwallUi.values["garage.upload"].state === "accepted"', 'the gate to accept the model');
  await until(page, '(window.pitwallUi.values["garage.models"] || []).includes("starter-park-state")', 'the model in the garage');
  await shot(page, '03-garage');

  // A refused upload shows the gate's reason plainly.
  await upload(page, { name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
  await until(page, 'window.pitwallUi.values["garage.upload"] && window.pitwallUi.values["garage.upload"].state === "refused"', 'the refusal');
  assert.match((await ui(page)).values['garage.upload'].problems[0], /not an ONNX model/);
  await shot(page, '04-garage-refused');

  // Try it on track, in the browser.
  await click(page, 'garage.trymodel');
  await click(page, 'garage.trymodel.starter-park-state');
  await click(page, 'garage.run');
  await until(page, 'window.pitwallUi.values["trial.garage"] && window.pitwallUi.values["trial.garage"].phase === "done"', 'the browser trial', 60000);
  const trial = (await ui(page)).values['trial.garage'];
  assert.equal(trial.laps.length, 3);
  assert.ok(trial.laps.every((l) => l.status === 'complete'), JSON.stringify(trial.laps));
  await click(page, 'garage.speed16');
  await page.waitForTimeout(600);
  await shot(page, '05-trial');

  // Enter the demo race, accepting the racing terms on the way.
  await click(page, 'nav.Races');
  await click(page, 'race.Pitwall Demo Cup');
  await until(page, 'window.pitwallUi.screen === "race" && window.pitwallUi.values["race.name"] === "Pitwall Demo Cup"', 'the race screen');
  await click(page, 'race.model');
  await click(page, 'race.model.starter-park-state');
  await click(page, 'race.submit');
  await shot(page, '06-terms');
  await click(page, 'terms.accept');
  await until(page, '(window.pitwallUi.values.submissions || []).some((s) => s.status === "COMPLETED")', 'the evaluation', 60000);
  await until(page, '(window.pitwallUi.values.leaderboard || []).includes("newcomer")', 'the leaderboard to show the newcomer', 30000);
  await shot(page, '07-race');

  // The server's laps beside the browser's own run of the same model.
  const sub = (await ui(page)).values.submissions.find((s) => s.status === 'COMPLETED');
  await click(page, `race.check.${sub.id}`);
  await until(page, 'window.pitwallUi.values.compare', 'the comparison', 60000);
  const compare = (await ui(page)).values.compare;
  assert.equal(compare.browser_laps, compare.server_laps);
  assert.equal(compare.agree, true, JSON.stringify(compare));
  assert.ok(compare.max_diff_ms <= 67, `lap times within one control step (${compare.max_diff_ms} ms)`);
  await shot(page, '08-compare');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an organiser creates a community race and a second racer joins by its link', async () => {
  const orgContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const org = await orgContext.newPage();
  await register(org, server.url, 'organiser');
  await click(org, 'nav.Organiser');
  await type(org, 'organiser.name', 'Thursday Club');
  await type(org, 'organiser.description', 'Bring your fastest model');
  await click(org, 'organiser.create');
  await until(org, 'window.pitwallUi.values["organiser.link"]', 'the invitation link');
  const link = (await ui(org)).values['organiser.link'];
  assert.match(link, /\/join\/[A-Za-z0-9_-]{22}$/);
  await click(org, 'organiser.copy');
  await until(org, `window.pitwallClipboard === ${JSON.stringify(link)}`, 'the link copied');
  await shot(org, '09-organiser');

  // Another racer, another browser context, opens the link.
  const racerContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const racer = await racerContext.newPage();
  await racer.goto(link);
  await until(racer, 'window.pitwallUi && window.pitwallUi.values["join.race"] === "Thursday Club"', 'the invitation');
  await shot(racer, '10-join');
  await type(racer, 'join.alias', 'second racer');
  await type(racer, 'join.password', 'another long password');
  await click(racer, 'join.register');
  await until(racer, 'window.pitwallUi.screen === "race" && window.pitwallUi.values["race.name"] === "Thursday Club"', 'landing on the race');
  assert.ok(!racer.url().includes('/join/'), 'the link is gone from the address bar');
  await shot(racer, '11-joined');

  // The organiser comes back later: the race shows the same link, to copy again, and who joined.
  await org.goto(server.url + '/races');
  await click(org, 'nav.Organiser');
  await click(org, 'organiser.race.Thursday Club');
  await until(org, '(window.pitwallUi.values["organiser.participants"] || []).includes("second racer")', 'the participant list');
  assert.equal((await ui(org)).values['organiser.uses'], 1);
  await until(org, `window.pitwallUi.values["organiser.link"] === ${JSON.stringify(link)}`, 'the same link again');
  await org.evaluate(() => { window.pitwallClipboard = null; });
  await click(org, 'organiser.copy');
  await until(org, `window.pitwallClipboard === ${JSON.stringify(link)}`, 'the link copied');
  await until(org, 'window.pitwallUi.values["organiser.copy.copied"] === true', 'the Copied feedback');
  await shot(org, '12-participants');

  // Resetting asks first, away from the pointer; keeping the old link keeps it.
  await click(org, 'organiser.reset');
  await until(org, 'window.pitwallUi.items["organiser.reset.confirm.no"]', 'the confirmation');
  const pointer = (await ui(org)).items['organiser.reset'];
  for (const b of ['organiser.reset.confirm.no', 'organiser.reset.confirm.yes']) {
    const r = (await ui(org)).items[b];
    const under = pointer.x + pointer.w / 2 >= r.x && pointer.x + pointer.w / 2 <= r.x + r.w && pointer.y + pointer.h / 2 >= r.y && pointer.y + pointer.h / 2 <= r.y + r.h;
    assert.ok(!under, `${b} opened under the pointer`);
  }
  await shot(org, '12b-reset-confirm');
  await click(org, 'organiser.reset.confirm.no');
  await until(org, '!window.pitwallUi.items["organiser.reset.confirm.no"]', 'the confirmation to close');
  assert.equal((await ui(org)).values['organiser.link'], link);

  // The leaderboard can be made public from the app.
  assert.equal((await ui(org)).values['organiser.visibility'], 'participants');
  await click(org, 'organiser.visibility');
  await until(org, 'window.pitwallUi.values["organiser.visibility"] === "public"', 'the leaderboard made public');
  await orgContext.close();
  await racerContext.close();
});

test('anyone watches the demo leader\'s run, replayed from its trace and verified, and a ghost beside it', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(server.url + '/races/1');
  await until(page, '(window.pitwallUi.values.leaderboard || []).length >= 3', 'the demo leaderboard');
  await click(page, 'race.watch.1');
  await until(page, '(window.pitwallUi.values.watch || []).length === 1 && window.pitwallUi.values.watch[0].phase === "ready"', 'the replay');
  const watched = (await ui(page)).values.watch[0];
  assert.equal(watched.verified, true, JSON.stringify(watched));
  assert.equal(watched.alias, 'demo-rapid');
  assert.equal(watched.laps, 3);
  await click(page, 'watch.speed4');
  await page.waitForTimeout(1500);
  await shot(page, '16-watch');

  // Ghost mode: the third-placed run beside the leader's.
  await click(page, 'race.ghost.3');
  await until(page, '(window.pitwallUi.values.watch || []).length === 2 && window.pitwallUi.values.watch.every((w) => w.phase === "ready")', 'two runs');
  assert.ok((await ui(page)).values.watch.every((w) => w.verified), JSON.stringify((await ui(page)).values.watch));
  await page.waitForTimeout(1500);
  await shot(page, '17-ghost');

  // The whole leaderboard as CSV.
  const download = page.waitForEvent('download');
  await click(page, 'race.csv');
  const file = await download;
  assert.equal(file.suggestedFilename(), 'race-1-leaderboard.csv');
  const csv = await (await import('node:fs/promises')).readFile(await file.path(), 'utf8');
  assert.match(csv, /^rank,alias,ranking_ms/);
  assert.match(csv, /\n1,demo-rapid,\d+,/);
  await context.close();
});
