// The app in a person's hands, on a phone (390x844, touch), a laptop (1280x800) and a big screen
// (1920x1080), each at deviceScaleFactor 2: drawn at device pixels, every control on screen and
// unclipped (from the app's own layout data), text pasted into real DOM fields, Enter signing in,
// the leaderboard in the accessibility tree as a table, the title following the screen, and a
// double press on Submit entering once. Screenshots of each device land in e2e-screens/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterInput, env, launch, shot, startServer, ui, until } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const devices = [
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  { name: 'laptop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 },
  { name: 'desktop', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 },
];

async function api(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = typeof body === 'string' || body instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(server.url + '/api/v1' + path, {
    method, headers, body: body === undefined ? undefined : (headers['Content-Type'] === 'application/json' ? JSON.stringify(body) : body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/// Every widget the app drew lies wholly inside the viewport's width (nothing runs off the side), and
/// starts on the page (what is below the fold is reached by scrolling).
function assertOnScreen(probe, viewport, what) {
  assert.ok(Object.keys(probe.items).length > 0, `${what}: no widgets`);
  for (const [name, r] of Object.entries(probe.items)) {
    assert.ok(r.x >= -0.5 && r.x + r.w <= viewport.width + 0.5, `${what}: "${name}" is cut off at the side (${JSON.stringify(r)})`);
    assert.ok(r.y >= -0.5 && r.y < viewport.height, `${what}: "${name}" is off the page (${JSON.stringify(r)})`);
  }
}

for (const device of devices) {
  test(`on a ${device.name} (${device.viewport.width}x${device.viewport.height} at 2x)`, async () => {
    const context = await browser.newContext({ ...device, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const press = async (name, { twice = false } = {}) => {
      await until(page, `window.pitwallUi && window.pitwallUi.items[${JSON.stringify(name)}] && window.pitwallUi.pending === 0`, `the widget "${name}"`);
      await page.waitForTimeout(200);
      const r = (await ui(page)).items[name];
      const x = r.x + r.w / 2, y = r.y + r.h / 2;
      const before = (await ui(page)).frame;
      for (let i = 0; i < (twice ? 2 : 1); ++i) {
        if (device.hasTouch) await page.touchscreen.tap(x, y);
        else await page.mouse.click(x, y);
        if (twice) await page.waitForTimeout(60);
      }
      await afterInput(page, before);
    };
    const paste = async (field, text) => {
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await press(field);
      await page.keyboard.press('Control+V');
      await page.waitForTimeout(100);
    };

    // Sharp: one canvas pixel per device pixel, the UI scaled to match.
    await page.goto(server.url + '/');
    await until(page, 'window.pitwallUi && (window.pitwallUi.values["races.league"] || []).length > 0', 'the race list');
    const canvas = await page.evaluate(() => ({ w: document.getElementById('canvas').width, css: innerWidth }));
    assert.equal(canvas.w, canvas.css * 2);
    assert.equal((await ui(page)).px_per_css, 2);
    assert.equal(await page.title(), 'Races · Pitwall');
    assertOnScreen(await ui(page), device.viewport, 'races');
    if (device.hasTouch) assert.ok((await ui(page)).items['nav.Races'].h >= 44, 'a finger-sized tab');
    await shot(page, `devices-${device.name}-1-races`);

    // Register by pasting into the real form (what a password manager fills), then sign out and in with Enter.
    const alias = `racer-${device.name}`;
    await press('nav.Account');
    await until(page, 'window.pitwallUi.items["account.alias"]', 'the sign-in form');
    const form = await page.evaluate(() => {
      const a = document.querySelector('form input[autocomplete="username"]');
      const p = document.querySelector('form input[type="password"][autocomplete="current-password"]');
      return { alias: !!a, password: !!p, sameForm: !!a && !!p && a.form === p.form };
    });
    assert.deepEqual(form, { alias: true, password: true, sameForm: true });
    await paste('account.alias', alias);
    await paste('account.password', 'a long password');
    assert.equal(await page.inputValue('input[autocomplete="username"]'), alias);
    assertOnScreen(await ui(page), device.viewport, 'account');
    await shot(page, `devices-${device.name}-2-account`);
    await press('account.register');
    await until(page, 'window.pitwallUi.signed_in', 'registering');
    // What a racer typed into a screen is forgotten at sign-out (the next person on this browser sees none of it).
    const raceName = '[id="pw-field-organiser.name"]';
    if (device.name === 'laptop') {
      await press('nav.Organiser');
      await paste('organiser.name', 'Our secret cup');
      assert.equal(await page.inputValue(raceName), 'Our secret cup');
    }
    await press('nav.Account');
    await press('account.signout');
    await until(page, '!window.pitwallUi.signed_in && window.pitwallUi.items["account.alias"]', 'signing out');
    assert.equal(await page.inputValue('input[type="password"]'), '', 'the password does not stay filled in after sign-out');
    await paste('account.alias', alias);
    if (!device.hasTouch) {  // Tab moves to the password field, as in any form
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('autocomplete')), 'current-password');
      await page.evaluate((t) => navigator.clipboard.writeText(t), 'a long password');
      await page.keyboard.press('Control+V');
    } else {
      await paste('account.password', 'a long password');
    }
    await page.keyboard.press('Enter');
    await until(page, 'window.pitwallUi.signed_in', 'Enter signing in');
    if (device.name === 'laptop') {
      await press('nav.Organiser');
      await until(page, 'window.pitwallUi.items["organiser.name"]', 'the organiser form');
      await page.waitForSelector(raceName);
      assert.equal(await page.inputValue(raceName), '', 'the race name typed before sign-out is gone');
    }

    // A model and the terms, through the API (the garage's upload is tested elsewhere), then the race.
    const token = await page.evaluate(() => localStorage.getItem('pitwall.token'));
    const model = readFileSync(join(env.starters, 'starter-park-state.onnx'));
    assert.equal((await api('POST', '/models?name=park', new Uint8Array(model), token)).status, 201);
    assert.equal((await api('POST', '/me/terms', { accept: true }, token)).status, 200);
    await page.goto(server.url + '/races/1');
    await until(page, 'window.pitwallUi && window.pitwallUi.values["race.name"] === "Pitwall Demo Cup" && (window.pitwallUi.values.leaderboard || []).length >= 3',
                'the demo race');
    assert.equal(await page.title(), 'Pitwall Demo Cup · Pitwall');
    const tree = await page.locator('#pw-a11y').ariaSnapshot();
    assert.match(tree, /table "Leaderboard"/);
    assert.match(tree, /row "1 demo-rapid [0-9.]+ s/);
    assert.match(tree, /heading "Pitwall Demo Cup"/);

    // A pinch on the track zooms it (and offers Reset view), on a touch screen.
    if (device.hasTouch) {
      const t = (await ui(page)).items['race.track'];
      const cx = t.x + t.w / 2, cy = t.y + t.h / 2;
      const cdp = await context.newCDPSession(page);
      const touch = (type, d) => cdp.send('Input.dispatchTouchEvent', {
        type, touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }] });
      await touch('touchStart', 20);
      for (let d = 30; d <= 120; d += 15) {
        await touch('touchMove', d);
        await page.waitForTimeout(30);
      }
      await touch('touchEnd', 0);
      await until(page, 'window.pitwallUi.items["race.resetview"]', 'the pinch to zoom the track');
      await press('race.resetview');
      await until(page, '!window.pitwallUi.items["race.resetview"]', 'the view reset');
    }

    // One press is one entry, however fast the second press comes.
    await press('race.model');
    await press('race.model.park');
    await press('race.submit', { twice: true });
    await until(page, '(window.pitwallUi.values.submissions || []).length >= 1', 'the submission');
    await page.waitForTimeout(2500);
    assert.equal((await ui(page)).values.submissions.length, 1, 'a double press made one submission');
    const mine = await api('GET', '/races/1/submissions', undefined, token);
    assert.equal(mine.status, 200);
    assert.equal((mine.body.submissions ?? mine.body).length, 1, 'the server counted one entry');
    await until(page, '(window.pitwallUi.values.submissions || []).some((s) => s.status === "COMPLETED")', 'the evaluation', 60000);
    assertOnScreen(await ui(page), device.viewport, 'race');
    await shot(page, `devices-${device.name}-3-race`);

    // An invitation link pasted into the races screen's field opens the invitation.
    const created = await api('POST', '/races', { kind: 'COMMUNITY', name: `Club ${device.name}`, track_id: 'pitwall_park',
                                                  closes_at: new Date(Date.now() + 7 * 864e5).toISOString().replace(/\.\d+Z$/, 'Z') }, token);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await press('nav.Races');
    await paste('races.joinlink', created.body.invitation.url);
    await page.keyboard.press('Enter');
    await until(page, `window.pitwallUi.screen === "join" && window.pitwallUi.values["join.race"] === "Club ${device.name}"`, 'the invitation');
    await shot(page, `devices-${device.name}-4-join`);

    // The garage and the organiser's race, laid out for this screen too.
    await press('nav.Garage');
    await until(page, '(window.pitwallUi.values["garage.models"] || []).includes("park")', 'the garage');
    assertOnScreen(await ui(page), device.viewport, 'garage');
    await shot(page, `devices-${device.name}-5-garage`);
    await press('nav.Organiser');
    await press(`organiser.race.Club ${device.name}`);
    await until(page, `window.pitwallUi.values["organiser.link"] === ${JSON.stringify(server.url + created.body.invitation.url)}`, 'the organiser\'s link');
    assertOnScreen(await ui(page), device.viewport, 'organiser');
    await shot(page, `devices-${device.name}-6-organiser`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('without JavaScript the page shows the races and a leaderboard, and unknown pages are pages', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url + '/');
  assert.equal(await page.isVisible('#status'), false, 'no endless "Loading" without JavaScript');
  assert.equal(await page.textContent('.nojs a[href="/races/1"]'), 'Pitwall Demo Cup');
  await page.click('.nojs a[href="/races/1"]');
  assert.match(page.url(), /\/races\/1$/);
  const rows = await page.$$eval('.nojs table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.ok(rows.length >= 3, JSON.stringify(rows));
  assert.equal(rows[0][1], 'demo-rapid');
  assert.match(rows[0][2], /^\d+\.\d{3} s$/);
  assert.equal(await page.getAttribute('link[rel="icon"]', 'href'), '/favicon.svg');
  await shot(page, 'devices-nojs-race');
  const missing = await page.goto(server.url + '/no/such/page');
  assert.equal(missing.status(), 404);
  assert.match(missing.headers()['content-type'], /^text\/html/);
  assert.match(await page.textContent('h1'), /Nothing here/);
  assert.equal((await fetch(server.url + '/favicon.svg')).status, 200);
  await context.close();
});
