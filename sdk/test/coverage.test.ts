import { readFileSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generate, OPENAPI_PATH, SCHEMA_DIR } from '../scripts/generate.js';
import { Mailwright, OPERATIONS } from '../src/index.js';

// Static checks: the generated types match openapi.json, every key-authenticated operation has a
// named method, and the runtime code stays portable (browsers and Node).

const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));

function namedOperations(node: unknown, path: string[] = [], found = new Map<string, string>()): Map<string, string> {
  for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
    const op = (value as { operation?: string } | null)?.operation;
    if (typeof value === 'function' && op) {
      expect(found.has(op), `${op} is bound twice (${found.get(op)} and ${[...path, name].join('.')})`).toBe(false);
      found.set(op, [...path, name].join('.'));
    } else if (value && typeof value === 'object') namedOperations(value, [...path, name], found);
  }
  return found;
}

it('src/schema/ is what scripts/generate.ts makes of openapi.json (run `npm run generate -w sdk`)', () => {
  const files = generate(doc);
  expect(readdirSync(SCHEMA_DIR).sort()).toEqual([...files.keys()].sort());
  for (const [name, text] of files) expect(readFileSync(SCHEMA_DIR + name, 'utf8'), name).toBe(text);
});

it('every key-authenticated operation in openapi.json has a named method', () => {
  const expected: string[] = [];
  for (const [path, item] of Object.entries<Record<string, { security?: unknown[] }>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === 'options') continue; // the browser's CORS preflight, not an operation
      const security = op.security ?? doc.security;
      if (security.length === 0) continue; // dashboard-session routes (accounts, projects, members, billing)
      expected.push(`${method.toUpperCase()} ${path}`);
    }
  }
  const named = namedOperations(new Mailwright('sk_unused'));
  const missing = expected.filter((op) => !named.has(op));
  expect(missing, 'operations without a named method: add them to src/client.ts').toEqual([]);
  expect([...named.keys()].filter((op) => !expected.includes(op))).toEqual([]);
  expect(expected.length).toBeGreaterThan(100);
  for (const op of named.keys()) expect(OPERATIONS).toHaveProperty([op]);
});

it('the runtime code imports nothing but its own modules (no Node built-ins)', () => {
  const dir = new URL('../src/', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => !i.startsWith('./')), file).toEqual([]);
    expect(text, file).not.toMatch(/\bprocess\.|\bBuffer\b|\brequire\(/);
  }
});

it('the README shows examples/send.mjs as it is', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/send.mjs', import.meta.url), 'utf8').replace(/^(\/\/.*\n)+/, '');
  expect(readme).toContain('```js\n' + example + '```');
});
