// The API description clients generate code from: the document the server serves at
// /api/v1/openapi.json validates as OpenAPI with a third-party validator
// (@apidevtools/swagger-parser, pinned in package.json; a YAML flow mapping with a bare comma once
// made a 200 response invalid), and real answers of the demo league match the schemas it declares
// for them (ajv).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import { startServer } from './harness.mjs';

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
