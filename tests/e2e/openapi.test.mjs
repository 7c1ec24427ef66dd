// The API description clients generate code from: the document the server serves at
// /api/v1/openapi.json validates as OpenAPI with a third-party validator
// (@apidevtools/swagger-parser, pinned in package.json; a YAML flow mapping with a bare comma once
// made a 200 response invalid), and real answers of the demo league match the schemas it declares
// for them (ajv).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, startServer } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });  // the demo league: races, a leaderboard, runs
after(async () => { await server?.stop(); });

test('the served OpenAPI document validates', async () => {
  const r = await fetch(server.url + '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  const doc = await r.json();
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.match(api.openapi, /^3\./);
  assert.ok(Object.keys(api.paths).length >= 30, `only ${Object.keys(api.paths).length} paths`);
  // Every response is a response object (a description, maybe content), not a mapping broken apart.
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || !op.responses) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        const keys = Object.keys(response).filter((k) => !['description', 'content', 'headers', 'links', '$ref'].includes(k));
        assert.deepEqual(keys, [], `${method.toUpperCase()} ${path} ${status}`);
      }
    }
  }
});

test('a broken document is refused by the same validator', async () => {
  const doc = await (await fetch(server.url + '/api/v1/openapi.json')).json();
  const broken = structuredClone(doc);
  broken.paths['/admin/claim'].post.responses['200'] = { description: 'The racer', 'now an admin': null };
  await assert.rejects(SwaggerParser.validate(broken), /additional properties|must match exactly one schema/);
});

/// OpenAPI 3.0's schema dialect as JSON Schema: `nullable` becomes a type that admits null.
function jsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'nullable' && k !== 'example') out[k] = jsonSchema(v);
  if (schema.nullable === true && typeof schema.type === 'string') out.type = [schema.type, 'null'];
  return out;
}

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv;
}

test('real answers match the schemas the document declares for them', async () => {
  const doc = await SwaggerParser.dereference(await (await fetch(server.url + '/api/v1/openapi.json')).json());
  let board;
  for (let i = 0; i < 600; ++i) {  // the demo runs are evaluated as the server starts
    board = await (await fetch(server.url + '/api/v1/races/1/leaderboard')).json();
    if (board.entries.length >= 3) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(board.entries.length >= 3, 'the demo leaderboard');
  const ajv = validator();
  const checks = [
    ['/races', '/races'],
    ['/races/{race_id}', '/races/1'],
    ['/races/{race_id}/leaderboard', '/races/1/leaderboard'],
    ['/submissions/{submission_id}/run', `/submissions/${board.entries[0].submission_id}/run`],
    ['/tracks', '/tracks'],
  ];
  for (const [template, path] of checks) {
    const declared = doc.paths[template]?.get?.responses?.['200']?.content?.['application/json']?.schema;
    assert.ok(declared, `GET ${template}: no schema for 200`);
    const r = await fetch(server.url + '/api/v1' + path);
    assert.equal(r.status, 200, path);
    const body = await r.json();
    const validate = ajv.compile(jsonSchema(declared));
    assert.ok(validate(body), `GET ${path}: ${ajv.errorsText(validate.errors)}`);
  }
  // The check can fail: an entry with a field the codec does not write, or a race without its rules.
  const entry = ajv.compile(jsonSchema(doc.components.schemas.LeaderboardEntry));
  assert.equal(entry({ ...board.entries[0], bonus: 1 }), false);
  const race = await (await fetch(server.url + '/api/v1/races/1')).json();
  delete race.rules;
  assert.equal(ajv.compile(jsonSchema(doc.components.schemas.Race))(race), false);
});

// A racer's and an organiser's whole journey over the API: every JSON answer is checked against the
// schema the document declares for its operation and status, and every operation that answers JSON
// with a 2xx declares one.
test('every JSON answer of a racer and an organiser matches its declared schema', async () => {
  const doc = await SwaggerParser.dereference(await (await fetch(server.url + '/api/v1/openapi.json')).json());
  const ajv = validator();
  const checked = new Set();
  const call = async (method, template, path, { token, body, raw, expect } = {}) => {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (raw !== undefined) headers['Content-Type'] = 'application/octet-stream';
    const r = await fetch(server.url + '/api/v1' + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await r.text();
    if (expect) assert.equal(r.status, expect, `${method} ${path}: ${text}`);
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is not in the document`);
    const declared = op.responses?.[String(r.status)];
    assert.ok(declared, `${method} ${template} answered ${r.status}, which the document does not declare`);
    if (!(r.headers.get('content-type') || '').startsWith('application/json')) return text;
    const schema = declared.content?.['application/json']?.schema;
    assert.ok(schema, `${method} ${template} ${r.status}: a JSON answer without a schema`);
    const json = JSON.parse(text);
    const validate = ajv.compile(jsonSchema(schema));
    assert.ok(validate(json), `${method} ${path} ${r.status}: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 400)}`);
    checked.add(`${method} ${template}`);
    return json;
  };
  const admin = await call('POST', '/racers', '/racers', { body: { alias: 'schema-admin', password: 'a long password' }, expect: 201 });
  assert.equal(admin.alias, 'schema-admin');
  const adminToken = (await call('POST', '/sessions', '/sessions', { body: { alias: 'schema-admin', password: 'a long password' }, expect: 201 })).token;
  await call('POST', '/admin/claim', '/admin/claim', { token: adminToken, body: { setup_token: server.setupToken }, expect: 200 });
  await call('GET', '/me', '/me', { token: adminToken, expect: 200 });
  await call('GET', '/terms', '/terms', { expect: 200 });
  await call('POST', '/me/terms', '/me/terms', { token: adminToken, body: { accept: true }, expect: 200 });
  const league = await call('POST', '/races', '/races', { token: adminToken, expect: 201,
    body: { name: 'Schema Cup', track_id: 'pitwall_park', closes_at: '2099-01-01T00:00:00Z', laps: 3, min_laps: 1 } });
  await call('PATCH', '/races/{race_id}', `/races/${league.id}`, { token: adminToken, body: { description: 'checked' }, expect: 200 });

  await call('POST', '/racers', '/racers', { body: { alias: 'schema-racer', password: 'a long password' }, expect: 201 });
  const token = (await call('POST', '/sessions', '/sessions', { body: { alias: 'schema-racer', password: 'a long password' }, expect: 201 })).token;
  await call('POST', '/me/terms', '/me/terms', { token, body: { accept: true }, expect: 200 });
  const model = await call('POST', '/models', '/models?name=starter', { token, expect: 201,
    raw: readFileSync(join(env.starters, 'starter-park-state.onnx')) });
  await call('GET', '/models', '/models', { token, expect: 200 });
  await call('GET', '/models/{model_id}', `/models/${model.id}`, { token, expect: 200 });
  await call('PATCH', '/models/{model_id}', `/models/${model.id}`, { token, body: { name: 'renamed' }, expect: 200 });
  const queued = await call('POST', '/races/{race_id}/submissions', `/races/${league.id}/submissions`, { token, body: { model_id: model.id }, expect: 202 });
  let sub = queued;
  for (let i = 0; i < 400 && !['COMPLETED', 'FAILED'].includes(sub.status); ++i) {
    sub = await call('GET', '/submissions/{submission_id}', `/submissions/${queued.id}`, { token, expect: 200 });
    if (sub.status === 'QUEUED' || sub.status === 'EVALUATING') await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(sub.status, 'COMPLETED', JSON.stringify(sub));
  await call('GET', '/races/{race_id}/submissions', `/races/${league.id}/submissions`, { token, expect: 200 });
  await call('GET', '/races/{race_id}/badge.json', `/races/${league.id}/badge.json`, { expect: 200 });
  await call('GET', '/health', '/health', { expect: 200 });

  // A community race: its invitation, joining through it, the organiser's view.
  const community = await call('POST', '/races', '/races', { token: adminToken, expect: 201,
    body: { kind: 'COMMUNITY', name: 'Schema Club', track_id: 'pitwall_park', closes_at: '2099-01-01T00:00:00Z', invitation: { max_uses: 5 } } });
  assert.ok(community.invitation?.token, 'a new community race comes with its link');
  await call('GET', '/races/{race_id}/invitation', `/races/${community.id}/invitation`, { token: adminToken, expect: 200 });
  const link = await call('POST', '/races/{race_id}/invitation', `/races/${community.id}/invitation`, { token: adminToken, body: {}, expect: 201 });
  await call('GET', '/invitations/{token}', `/invitations/${link.token}`, { expect: 200 });
  await call('POST', '/invitations/{token}/redeem', `/invitations/${link.token}/redeem`, { token, expect: 200 });
  await call('GET', '/me/races', '/me/races', { token, expect: 200 });
  await call('GET', '/races/{race_id}/participants', `/races/${community.id}/participants`, { token: adminToken, expect: 200 });
  await call('POST', '/me/password', '/me/password', { token, body: { current_password: 'a long password', new_password: 'another long password' }, expect: 200 });
  await call('DELETE', '/sessions', '/sessions', { token, expect: 200 });

  // Every operation that answers JSON with a 2xx declares a schema for it, checked here or not.
  for (const [template, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      if (!op?.responses) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('2')) continue;
        const described = response.description || '';
        const json = response.content?.['application/json'];
        if (json) assert.ok(json.schema, `${method.toUpperCase()} ${template} ${status}: JSON without a schema`);
        else assert.doesNotMatch(described, /^\{/, `${method.toUpperCase()} ${template} ${status}: a JSON shape written in prose`);
      }
    }
  assert.ok(checked.size >= 25, `only ${checked.size} operations were checked: ${[...checked].join(', ')}`);
});
