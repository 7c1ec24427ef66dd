// The API description clients generate code from: the document the server serves at
// /api/v1/openapi.json validates as OpenAPI with a third-party validator
// (@apidevtools/swagger-parser, pinned in package.json), and its paths are the server's.
// (A YAML flow mapping with a bare comma once made a 200 response invalid.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startServer } from './harness.mjs';

let server;
before(async () => { server = await startServer(['--no-demo']); });
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
