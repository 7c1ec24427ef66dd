// Keyboard and screen reader: the accessible mirror's controls operate the app. Tab enters the
// controls in reading order (buttons, selects, sliders, the real text fields), a ring on the canvas
// shows where the keyboard is, and Enter, Space and the arrows act through the same code a pointer
// drives. A racer registers, finds the demo race and submits with the keyboard alone; on a phone, a laptop
// and a big screen every control of the racer's and the organiser's screens can be brought into view and
// then lies wholly on the screen (on a phone, the race and the club's page reach below the fold).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, launch, shot, startServer, ui, until } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = body instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(server.url + '/api/v1' + path, {
    method, headers, body: body === undefined ? undefined : (body instanceof Uint8Array ? body : JSON.stringify(body)),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/// What the focused element is called (a button's text, a field's or a labelled control's name).
const focusedName = (page) => page.evaluate(() => {
  const a = document.activeElement;
  if (!a || a === document.body) return '';
  const label = a.closest('label');
  return (a.getAttribute('aria-label') || (label ? label.firstChild.textContent : a.textContent) || '').trim();
});

/// Presses Tab until the control called `name` has the focus (at most two rounds of the screen).
async function tabTo(page, name) {
  const seen = [];
  for (let i = 0; i < 80; ++i) {
    await page.keyboard.press('Tab');
    const now = await focusedName(page);
    if (now === name) return;
    seen.push(now);
  }
  assert.fail(`Tab never reached "${name}"; it went through: ${seen.join(' | ')}`);
}

/// The app's focus ring is drawn around the focused control, and that control is wholly in view.
async function ringOn(page, item) {
  await until(page, `window.pitwallUi.values["a11y.focus"] && window.pitwallUi.values["a11y.focus"].in_view &&
                     (${JSON.stringify(item)} === null || (window.pitwallUi.items[${JSON.stringify(item)}] &&
                      Math.abs(window.pitwallUi.values["a11y.focus"].x - window.pitwallUi.items[${JSON.stringify(item)}].x) < 1 &&
                      Math.abs(window.pitwallUi.values["a11y.focus"].y - window.pitwallUi.items[${JSON.stringify(item)}].y) < 1))`,
              `the focus ring on ${item}`);
}

test('with the keyboard alone a racer registers, opens the demo race and submits', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '/');
  await until(page, 'window.pitwallUi && (window.pitwallUi.values["races.league"] || []).length > 0', 'the race list');

  // The controls are in the accessibility tree, by name and role.
  const tree = await page.locator('#pw-a11y').ariaSnapshot();
  for (const name of ['Races', 'Garage', 'Organiser', 'Account']) assert.match(tree, new RegExp(`button "${name}"`));
  assert.match(tree, /button "Pitwall Demo Cup/, 'a race in the list is a control');

  // Tab from the page enters the controls; the ring shows where on the canvas.
  await page.keyboard.press('Tab');
  assert.equal(await focusedName(page), 'Races');
  await ringOn(page, 'nav.Races');
  await shot(page, 'keyboard-1-focus-ring');

  // Account, by keyboard: Enter on the tab, then the real fields and the Register button.
  await tabTo(page, 'Account');
  await ringOn(page, 'nav.Account');
  await page.keyboard.press('Enter');
  await until(page, 'window.pitwallUi.screen === "account" && window.pitwallUi.items["account.alias"]', 'the Account screen');
  await tabTo(page, 'Alias');
  await page.keyboard.type('keys-only', { delay: 10 });
  await page.keyboard.press('Tab');
  assert.equal(await focusedName(page), 'Password', 'Tab goes from the alias to the password');
  await page.keyboard.type('a long password', { delay: 10 });
  await tabTo(page, 'Register');
  await page.keyboard.press('Enter');
  await until(page, 'window.pitwallUi.signed_in', 'registering by keyboard');

  // A model and the racing terms through the API; the race is found and opened by keyboard.
  const token = await page.evaluate(() => localStorage.getItem('pitwall.token'));
  const model = readFileSync(join(env.starters, 'starter-park-state.onnx'));
  assert.equal((await api('POST', '/models?name=park', new Uint8Array(model), token)).status, 201);
  assert.equal((await api('POST', '/me/terms', { accept: true }, token)).status, 200);
  await page.reload();
  await until(page, 'window.pitwallUi && window.pitwallUi.signed_in', 'the app again');
  await tabTo(page, 'Races');
  await page.keyboard.press('Enter');
  await until(page, '(window.pitwallUi.values["races.league"] || []).length > 0', 'the race list');
  const raceButton = await page.evaluate(() => [...document.querySelectorAll('#pw-a11y button')].map((b) => b.textContent).find((t) => t.startsWith('Pitwall Demo Cup')));
  assert.ok(raceButton, 'the demo race is a button');
  await tabTo(page, raceButton);
  await page.keyboard.press('Enter');
  await until(page, 'window.pitwallUi.screen === "race" && window.pitwallUi.values["race.name"] === "Pitwall Demo Cup"', 'the demo race');

  // The model picker is a select: an arrow chooses the first model; Submit is a button.
  await tabTo(page, 'Model to submit');
  await ringOn(page, 'race.model');
  await page.keyboard.press('ArrowDown');
  await until(page, 'window.pitwallUi.items["race.submit"]', 'Submit');
  assert.equal(await page.evaluate(() => document.activeElement.selectedOptions[0].textContent), 'park');
  await tabTo(page, 'Submit');
  await ringOn(page, 'race.submit');
  await shot(page, 'keyboard-2-submit');
  await page.keyboard.press('Enter');
  await until(page, '(window.pitwallUi.values.submissions || []).length === 1', 'the submission');
  const mine = await api('GET', '/races/1/submissions', undefined, token);
  assert.equal((mine.body.submissions ?? mine.body).length, 1, 'the server has the submission');

  // Shift+Tab goes back; Escape-free: focus leaving the controls takes the ring away.
  await page.keyboard.press('Shift+Tab');
  assert.notEqual(await focusedName(page), 'Submit');
  await page.evaluate(() => document.activeElement.blur());
  await until(page, '!window.pitwallUi.values["a11y.focus"]', 'the ring to go with the focus');
  assert.deepEqual(errors, []);
  await context.close();
});

const devices = [
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  { name: 'laptop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 },
  { name: 'desktop', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 },
];
for (const device of devices) test(`on a ${device.name} every control can be brought into view, wholly on the screen`, async () => {
  const { width, height } = device.viewport;
  const context = await browser.newContext(device);
  const page = await context.newPage();
  assert.equal((await api('POST', '/racers', { alias: `reach-${device.name}`, password: 'a long password' })).status, 201);
  const session = await api('POST', '/sessions', { alias: `reach-${device.name}`, password: 'a long password' });
  assert.equal(session.status, 201, JSON.stringify(session.body));
  const token = session.body.token;
  const model = readFileSync(join(env.starters, 'starter-park-state.onnx'));
  assert.equal((await api('POST', '/models?name=park', new Uint8Array(model), token)).status, 201);
  const club = await api('POST', '/races', { kind: 'COMMUNITY', name: `Club ${device.name}`, track_id: 'pitwall_park',
                                            closes_at: new Date(Date.now() + 7 * 864e5).toISOString().replace(/\.\d+Z$/, 'Z') }, token);
  assert.equal(club.status, 201);
  await page.goto(server.url + '/');
  await page.evaluate((t) => localStorage.setItem('pitwall.token', t), token);

  const screens = [
    ['races', '/', 'window.pitwallUi.screen === "races" && (window.pitwallUi.values["races.league"] || []).length > 0'],
    ['race', '/races/1', '(window.pitwallUi.values.leaderboard || []).length >= 3'],
    ['garage', '/garage', '(window.pitwallUi.values["garage.models"] || []).includes("park")'],
    ['organiser', '/organiser', 'window.pitwallUi.screen === "organiser" && window.pitwallUi.signed_in'],
  ];
  for (const [name, path, ready] of screens) {
    await page.goto(server.url + path);
    await until(page, `window.pitwallUi && ${ready} && window.pitwallUi.pending === 0`, `the ${name} screen`);
    if (name === 'organiser') {  // the club's own page: a mirror button activated as a screen reader does
      await page.evaluate((n) => [...document.querySelectorAll('#pw-a11y button')].find((b) => b.textContent.startsWith(n)).click(), club.body.name);
      await until(page, `window.pitwallUi.values["organiser.link"] === ${JSON.stringify(server.url + club.body.invitation.url)} && window.pitwallUi.pending === 0`,
                  'the club, opened from the mirror');
    }
    const controls = await page.evaluate(() => [...document.querySelectorAll('#pw-a11y [data-pw-control]')].map((e) => e.dataset.pwControl));
    assert.ok(controls.length >= 5, `${name}: only ${controls.length} controls in the mirror`);
    let deepest = 0;  // how far the app scrolled its view to bring a control into it
    for (const id of controls) {
      const start = await page.evaluate((i) => {
        const e = document.querySelector(`#pw-a11y [data-pw-control="${i}"]`);
        const name = (e.closest('label') ? e.closest('label').firstChild.textContent : e.textContent).trim();
        e.focus();
        return name;
      }, id);
      await until(page, `window.pitwallUi.values["a11y.focus"] && window.pitwallUi.values["a11y.focus"].id === ${id} &&
                         window.pitwallUi.values["a11y.focus"].in_view`, `${name}: "${start}" in view`);
      const probe = await ui(page);
      const r = probe.values['a11y.focus'];
      assert.ok(r.x >= -0.5 && r.x + r.w <= width + 0.5 && r.y >= -0.5 && r.y + r.h <= height + 0.5, `${name}: "${start}" is not wholly on screen: ${JSON.stringify(r)}`);
      assert.equal(await page.evaluate(() => document.scrollingElement.scrollTop), 0, 'the page itself does not scroll; the app scrolls its view');
      deepest = Math.max(deepest, probe.scroll);
    }
    await shot(page, `keyboard-${device.name}-${name}-last-control`);
    if (device.name === 'phone' && (name === 'race' || name === 'organiser')) assert.ok(deepest > 0, `${name}: a phone shows it all at once? (the test means to reach controls below the fold)`);
  }
  await context.close();
});
