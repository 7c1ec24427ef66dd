// The embeddable leaderboard, as another website uses it: a host page on a
// different loopback origin embeds the widget, the iframe (with its resizer)
// and the badge; a newly ranked run appears without a reload; hostile names
// stay text; a private leaderboard shows through none of them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { env, launch, shot, startServer } from './harness.mjs';

const HOSTILE = '<img src=x onerror=alert(1)>';
let server, browser, host, hostUrl, league, hidden;

async function api(method, path, body, token, raw) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  if (raw) headers['Content-Type'] = 'application/octet-stream';
  const r = await fetch(server.url + '/api/v1' + path, { method, headers, body: raw ? body : body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
}

async function racer(alias) {
  await api('POST', '/racers', { alias, password: 'a long password' });
  const token = (await api('POST', '/sessions', { alias, password: 'a long password' })).body.token;
  await api('POST', '/me/terms', { accept: true }, token);
  return token;
}

async function enter(token, race, starter) {
  const model = (await api('POST', '/models?name=m', readFileSync(join(env.starters, `starter-${starter}.onnx`)), token, true)).body.id;
  const sub = (await api('POST', `/races/${race}/submissions`, { model_id: model }, token)).body.id;
  for (let i = 0; i < 400; ++i) {
    const s = (await api('GET', `/submissions/${sub}`, undefined, token)).body;
    if (s.status === 'COMPLETED' || s.status === 'FAILED') return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('submission did not finish');
}

before(async () => {
  server = await startServer(['--no-demo']);
  const admin = await racer('steward');
  assert.equal((await api('POST', '/admin/claim', { setup_token: server.setupToken }, admin)).status, 200);
  league = (await api('POST', '/races', { name: HOSTILE + ' Cup', track_id: 'pitwall_park', closes_at: '2099-01-01T00:00:00Z' }, admin)).body.id;
  hidden = (await api('POST', '/races', { kind: 'COMMUNITY', name: 'Secret Club', track_id: 'pitwall_park', closes_at: '2099-01-01T00:00:00Z' }, admin)).body.id;
  const evil = await racer(HOSTILE);
  assert.equal((await enter(evil, league, 'park-state')).status, 'COMPLETED');

  // The host: another origin (another port) serving a page that embeds all three forms.
  host = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html><body style="font-family:sans-serif">
      <h1>Club news</h1>
      <script src="${server.url}/widget.js" async></script>
      <pitwall-leaderboard id="widget" race="${league}" limit="5" theme="dark" refresh="1"><a href="${server.url}/races/${league}">Leaderboard</a></pitwall-leaderboard>
      <pitwall-leaderboard id="private" race="${hidden}" refresh="1"></pitwall-leaderboard>
      <iframe id="frame" src="${server.url}/embed/races/${league}/leaderboard?theme=light&limit=5&refresh=1&origin=${encodeURIComponent('http://127.0.0.1:' + req.socket.localPort)}"
              title="leaderboard" style="border:0;width:100%;height:40px"></iframe>
      <script src="${server.url}/embed-resizer.js" async></script>
      <div id="badge"></div>
      <script>
        fetch('${server.url}/api/v1/races/${league}/badge.json', { credentials: 'omit' }).then(r => r.json())
          .then(b => { document.getElementById('badge').textContent = b.label + ': ' + b.message; });
      </script>
    </body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${host.address().port}/`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  host?.close();
  await server?.stop();
});

const widgetRows = (page, id) => page.evaluate((id) => {
  const root = document.getElementById(id).shadowRoot;
  return root ? [...root.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)) : null;
}, id);

test('all three forms render on another origin, live and escaped', async () => {
  const page = await (await browser.newContext({ viewport: { width: 900, height: 1000 } })).newPage();
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(hostUrl);

  // The widget, in its Shadow DOM.
  await page.waitForFunction(() => document.getElementById('widget').shadowRoot?.querySelectorAll('tr').length === 1, null, { timeout: 20000 });
  let rows = await widgetRows(page, 'widget');
  assert.equal(rows[0][1], HOSTILE, 'the hostile alias is shown as text');
  assert.match(rows[0][2], /^\d+\.\d{3} s$/);
  const title = await page.evaluate(() => document.getElementById('widget').shadowRoot.querySelector('h2').textContent);
  assert.equal(title, HOSTILE + ' Cup');
  assert.equal(await page.evaluate(() => document.getElementById('widget').shadowRoot.querySelectorAll('img').length), 0);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);

  // The iframe, sized by the resizer from its (origin-checked) message.
  const frame = page.frameLocator('#frame');
  await page.waitForFunction(() => parseInt(document.getElementById('frame').style.height, 10) > 100, null, { timeout: 20000 });
  const inFrame = await frame.locator('pitwall-leaderboard').evaluate((el) => [...el.shadowRoot.querySelectorAll('td.alias')].map((td) => td.textContent));
  assert.deepEqual(inFrame, [HOSTILE]);
  // ... and shrunk too: a frame made too tall comes back to its content's height.
  const fitted = parseInt(await page.evaluate(() => document.getElementById('frame').style.height), 10);
  await page.evaluate(() => { document.getElementById('frame').style.height = '900px'; });
  await page.evaluate(() => document.getElementById('frame').contentWindow.postMessage({ type: 'pitwall:ask-height' }, '*'));
  await page.waitForFunction((h) => parseInt(document.getElementById('frame').style.height, 10) <= h + 2, fitted, { timeout: 10000 });

  // The badge.
  await page.waitForFunction(() => document.getElementById('badge').textContent.includes('P1'), null, { timeout: 10000 });
  assert.match(await page.textContent('#badge'), new RegExp('^' + HOSTILE.replace(/[()]/g, '\\$&') + ' Cup: P1 ' + HOSTILE.replace(/[()]/g, '\\$&') + ' \\d+\\.\\d{3} s$'));

  // The private leaderboard shows through none of them.
  await page.waitForFunction(() => document.getElementById('private').shadowRoot?.textContent.includes('not public'), null, { timeout: 10000 });
  assert.equal((await fetch(`${server.url}/embed/races/${hidden}/leaderboard`)).status, 404);
  assert.equal((await fetch(`${server.url}/api/v1/races/${hidden}/badge.json`)).status, 404);
  await shot(page, '13-embeds');

  // A newly ranked run appears without a reload, highlighted.
  const rival = await racer('rival');
  assert.equal((await enter(rival, league, 'quarry-steady')).status, 'COMPLETED');
  await page.waitForFunction(() => document.getElementById('widget').shadowRoot.querySelectorAll('tr').length === 2, null, { timeout: 20000 });
  rows = await widgetRows(page, 'widget');
  assert.deepEqual(rows.map((r) => r[1]), [HOSTILE, 'rival']);
  assert.match(rows[1][3], /^\+\d+\.\d{3} s$/, 'the gap to the leader');
  assert.equal(await page.evaluate(() => document.getElementById('widget').shadowRoot.querySelectorAll('tr.changed').length), 1);
  await page.waitForFunction(() => true);
  const frameRows = async () => frame.locator('pitwall-leaderboard').evaluate((el) => el.shadowRoot.querySelectorAll('td.alias').length);
  for (let i = 0; i < 100 && (await frameRows()) !== 2; ++i) await page.waitForTimeout(100);
  assert.equal(await frameRows(), 2);
  await shot(page, '14-embeds-live');
  assert.deepEqual(dialogs, [], 'no script ran from a name');
});

test('without JavaScript the element is a plain link to the race', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(hostUrl);
  const link = await page.getAttribute('#widget a', 'href');
  assert.equal(link, `${server.url}/races/${league}`);
  assert.ok(await page.isVisible('#widget a'));
  await context.close();
});

test('overlay mode for streams: transparent, large type, top N, and SSE if asked', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/embed/races/${league}/leaderboard?mode=overlay&limit=1&live=sse`);
  await page.waitForFunction(() => document.querySelector('pitwall-leaderboard').shadowRoot?.querySelectorAll('tr').length === 1, null, { timeout: 20000 });
  const look = await page.evaluate(() => {
    const el = document.querySelector('pitwall-leaderboard');
    const cs = getComputedStyle(el);
    return { bg: cs.backgroundColor, size: parseFloat(cs.fontSize) };
  });
  assert.equal(look.bg, 'rgba(0, 0, 0, 0)');
  assert.ok(look.size >= 24, `large type (${look.size}px)`);
  await shot(page, '15-overlay');
});
