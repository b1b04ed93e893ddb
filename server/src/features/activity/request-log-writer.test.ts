import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { createRequestLogWriter, type RequestLogEntry } from './request-log.service.js';

// The writer's failure behaviour, with a database that can be told to fail (a real one cannot, on demand).

function setup(opts: { batchSize?: number; maxBuffered?: number } = {}) {
  const lines: { level: number; msg: string; dropped?: number }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(c.toString())), cb()) }));
  const state = { failing: false, statements: [] as unknown[][] };
  const database = {
    runPrepared: async (_name: string, _text: string, values: unknown[]) => {
      if (state.failing) throw new Error('connection refused');
      state.statements.push(JSON.parse(values[0] as string));
      return [];
    },
  } as unknown as Database;
  const writer = createRequestLogWriter({ database, log }, { flushEveryMs: 60_000, ...opts });
  const written = () => state.statements.flat() as { requestId: string; path: string }[];
  return { writer, state, lines, written };
}

const entry = (n: number, over: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  requestId: `r-${n}`, projectId: null, userId: null, method: 'GET', path: `/p/${n}`, status: 200, durationMs: 1.4,
  authType: 'secret_key', ip: '127.0.0.1', userAgent: null, errorCode: null, at: new Date(), ...over,
});

describe('the request log writer', () => {
  it('writes buffered rows in statements of at most batchSize rows', async () => {
    const { writer, state, written } = setup({ batchSize: 3 });
    for (let i = 0; i < 7; i++) writer.record(entry(i));
    await writer.flush();
    expect(state.statements.map((s) => s.length)).toEqual([3, 3, 1]);
    expect(written().map((r) => r.requestId)).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6']);
    await writer.close();
  });

  it('flushes on its own once a batch is full', async () => {
    const { writer, written } = setup({ batchSize: 3 });
    for (let i = 0; i < 3; i++) writer.record(entry(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(written()).toHaveLength(3);
    await writer.close();
  });

  it('drops rows with one error line while the database fails, and says so once it recovers', async () => {
    const { writer, state, lines, written } = setup();
    state.failing = true;
    writer.record(entry(1));
    await writer.flush();
    writer.record(entry(2));
    await writer.flush();
    expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
    state.failing = false;
    writer.record(entry(3));
    await writer.flush();
    expect(written().map((r) => r.requestId)).toEqual(['r-3']);
    expect(lines.find((l) => l.level === 40)?.dropped).toBe(2);
    await writer.close();
  });

  it('never buffers more than maxBuffered rows', async () => {
    const { writer, lines, written } = setup({ maxBuffered: 5, batchSize: 100 });
    for (let i = 0; i < 8; i++) writer.record(entry(i));
    await writer.close();
    expect(written()).toHaveLength(5);
    expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
  });

  it('writes what is buffered on close, redacting key-shaped text and NUL from client-supplied strings', async () => {
    const { writer, written } = setup();
    writer.record(entry(1, { path: `/contacts/sk_${'a'.repeat(40)}\u0000`, userAgent: 'curl' }));
    await writer.close();
    expect(written()[0].path).not.toContain('aaaa');
    expect(written()[0].path).not.toContain('\u0000');
    writer.record(entry(2));
    await writer.flush();
    expect(written()).toHaveLength(1);
  });
});
