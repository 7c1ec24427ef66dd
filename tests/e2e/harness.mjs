// End-to-end harness: a real `pitwall serve` on loopback (fresh data folder)
// and Debian's Chromium driven by playwright-core. The app draws on a canvas;
// it publishes where its widgets are (window.pitwallUi), and the tests click
// and type there with the mouse and keyboard, as a person does.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const env = {
  binary: process.env.PITWALL_BINARY,
  publicDir: process.env.PITWALL_PUBLIC_DIR,
  appDir: process.env.PITWALL_APP_DIR,
  starters: process.env.PITWALL_STARTER_DIR,
  screens: process.env.PITWALL_SCREENS_DIR || join(tmpdir(), 'pitwall-screens'),
};

export async function startServer(extra = []) {
  const data = mkdtempSync(join(tmpdir(), 'pitwall-e2e-'));
  const child = spawn(env.binary, ['serve', '--port', '0', '--data', data, '--public', env.publicDir, '--app', env.appDir, '--workers', '2', ...extra],
                      { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start:\n' + out)), 90000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/serving on http:\/\/127\.0\.0\.1:(\d+) /);  // the space: the whole port has arrived
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
  });
  const token = (out.match(/"setup_token": "([A-Za-z0-9_-]+)"/) || [])[1];
  return {
    url: `http://127.0.0.1:${port}`,
    setupToken: token,  // makes one signed-in racer the admin (POST /api/v1/admin/claim)
    async stop() { child.kill('SIGTERM'); await new Promise((r) => child.on('close', r)); rmSync(data, { recursive: true, force: true }); },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

export async function ui(page) { return page.evaluate(() => window.pitwallUi); }

/// Waits until the app's probe satisfies `predicate`, an expression over
/// `window.pitwallUi` (and `window.pitwallClipboard`). It is evaluated here in
/// node on a copy of the probe: the app's Content-Security-Policy forbids
/// evaluating strings in the page, as it should.
export async function until(page, predicate, what, timeout = 30000) {
  const test = new Function('window', `return (${predicate});`);
  const deadline = Date.now() + timeout;
  let probe = null;
  for (;;) {
    probe = await page.evaluate(() => ({ pitwallUi: window.pitwallUi ?? null, pitwallClipboard: window.pitwallClipboard ?? null }))
      .catch(() => null);
    try {
      if (probe && test(probe)) return;
    } catch (e) {
      // the probe is not there yet
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; the app shows: ${JSON.stringify(probe?.pitwallUi ?? null).slice(0, 2000)}`);
}

/// Clicks the middle of the named widget with the mouse, once the screen has
/// settled (no request in flight, the widget where it was a moment ago): a
/// person waits for the page to stop moving too.
export async function click(page, name, timeout = 20000) {
  const key = JSON.stringify(name);
  const deadline = Date.now() + timeout;
  let r = null;
  for (;;) {
    await until(page, `window.pitwallUi && window.pitwallUi.items[${key}] && window.pitwallUi.pending === 0`, `the widget "${name}"`,
                Math.max(1000, deadline - Date.now()));
    const a = (await ui(page)).items[name];
    await page.waitForTimeout(150);
    const b = (await ui(page)).items[name];
    if (b && a.x === b.x && a.y === b.y && (await ui(page)).pending === 0) { r = b; break; }
    if (Date.now() > deadline) throw new Error(`the widget "${name}" kept moving`);
  }
  // Over the widget first, then the press: ImGui wants a hovered frame before a click on tabs and
  // other items that allow overlap (as a hand moves, then presses).
  let before = (await ui(page)).frame;
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
  await afterInput(page, before);
  before = (await ui(page)).frame;
  await page.mouse.down();
  await page.mouse.up();
  await afterInput(page, before);
}

/// Waits until the app has drawn a few frames since `before` (the frame counter of its probe): by then
/// ImGui has acted on the input. The app draws only when something happens, and a loaded machine may
/// take a while to draw, so a fixed pause is not enough.
export async function afterInput(page, before) {
  await until(page, `window.pitwallUi && window.pitwallUi.frame >= ${before + 3}`, 'the app to draw after the input', 15000);
  await page.waitForTimeout(30);
}

/// Clicks into a text field and types, key by key.
export async function type(page, name, text) {
  await click(page, name);
  await page.keyboard.type(text, { delay: 15 });
  await page.waitForTimeout(80);
}

export async function shot(page, name) {
  mkdirSync(env.screens, { recursive: true });
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(env.screens, `${name}.png`) });
}

/// Opens the app's Account screen in `page` and registers `alias`, typing as a person does.
export async function register(page, url, alias, password = 'a long password') {
  await page.goto(url + '/account');
  await type(page, 'account.alias', alias);
  await type(page, 'account.password', password);
  await click(page, 'account.register');
  await until(page, 'window.pitwallUi.signed_in', `${alias} signing in`);
}

/// Uploads a model file through the Garage's file picker.
export async function upload(page, file) {
  await click(page, 'nav.Garage');
  const chooser = page.waitForEvent('filechooser');
  await click(page, 'garage.upload');
  await (await chooser).setFiles(file);
}
