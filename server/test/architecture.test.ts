import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layering rules of ARCHITECTURE.md, checked on every run so they hold as the code grows.

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'migrations' ? [] : sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

const files = sourceFiles().map((file) => ({ file: path.relative(SRC, file), text: readFileSync(file, 'utf8') }));
const importsOf = (text: string) => [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
const resolve = (file: string, spec: string) => (spec.startsWith('.') ? path.normalize(path.join(path.dirname(file), spec)) : spec);

describe('architecture', () => {
  it('reads process.env only in config.ts', () => {
    const offenders = files.filter((f) => f.file !== 'config.ts' && f.text.includes('process.env')).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('keeps database calls in *.queries.ts inside features', () => {
    const offenders = files
      .filter((f) => f.file.startsWith('features/') && !f.file.endsWith('.queries.ts'))
      .filter((f) => /\b(db|tx)\.(select|insert|update|delete|execute)\(/.test(f.text))
      .map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('keeps services free of HTTP concerns', () => {
    const offenders = files
      .filter((f) => f.file.endsWith('.service.ts'))
      .filter((f) => importsOf(f.text).some((s) => s === 'fastify' || s.startsWith('fastify') || resolve(f.file, s).startsWith('http/')))
      .map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('lets features reach each other only through services, never through queries', () => {
    const offenders = files.flatMap((f) => {
      const own = f.file.split('/').slice(0, 2).join('/');
      return importsOf(f.text)
        .map((s) => resolve(f.file, s))
        .filter((target) => target.startsWith('features/') && target.endsWith('.queries.js') && !target.startsWith(own + '/'))
        .map((target) => `${f.file} → ${target}`);
    });
    expect(offenders).toEqual([]);
  });

  it('keeps core/ self-contained and db/ independent of features', () => {
    const offenders = files.flatMap((f) =>
      importsOf(f.text)
        .map((s) => resolve(f.file, s))
        .filter((t) => (f.file.startsWith('core/') && t.includes('/') && !t.startsWith('core/') && t.endsWith('.js')) || (f.file.startsWith('db/') && t.startsWith('features/')))
        .map((t) => `${f.file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps source files small', () => {
    const big = files.filter((f) => f.text.split('\n').length > 300).map((f) => f.file);
    expect(big).toEqual([]);
  });
});
