import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './context.js';
import { OPENAPI_FILE } from './openapi-document.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

it('serves one OpenAPI 3.1 document describing the public routes', async () => {
  const res = await t.request('GET', '/openapi.json', { key: null });
  expect(res.status).toBe(200);
  expect(res.json.openapi).toBe('3.1.0');
  expect(Object.keys(res.json.paths)).toEqual(expect.arrayContaining(['/v1/send', '/v1/track', '/emails/{id}']));
  expect(res.json.paths['/v1/send'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['to']));
  expect(Object.keys(res.json.paths).some((p) => p.startsWith('/admin'))).toBe(false);
});

it('matches the committed sdk/openapi.json (run `npm run openapi` after changing a route)', async () => {
  const res = await t.request('GET', '/openapi.json', { key: null });
  const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
  expect(res.json).toEqual(committed);
});
