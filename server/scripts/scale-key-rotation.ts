import { randomBytes } from 'node:crypto';
import { redact } from '../../bench/lib.js';

// Key rotation across API processes: a user rotates a project's keys through API process 1 (the
// dashboard's route, with a session); API process 2 must refuse the old secret key on its very next
// request and accept the new one. Keys never reach the output.

interface Probe {
  status: number;
  code: string | null;
}

async function probe(base: string, key: string): Promise<Probe> {
  const res = await fetch(`${base}/contacts?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: res.status, code: body.error?.code ?? null };
}

async function sessionCall(base: string, session: Record<string, string>, method: string, url: string, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...session, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${redact(text.slice(0, 300))}`);
  return JSON.parse(text) as { id: string; secret: string };
}

/** Signs up (the first account of the instance) on `apis[0]` and returns the headers of its session. */
async function signUp(base: string, origin: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: 'owner@scale-test.example', password: randomBytes(16).toString('hex') }),
  });
  if (res.status !== 201) throw new Error(`signup answered ${res.status}: ${redact((await res.text()).slice(0, 300))}`);
  const cookies = Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0].split('=') as [string, string]));
  if (!cookies.mw_session || !cookies.mw_csrf) throw new Error('signup set no session cookies');
  return { origin, cookie: `mw_session=${cookies.mw_session}; mw_csrf=${cookies.mw_csrf}`, 'x-csrf-token': cookies.mw_csrf };
}

export async function checkKeyRotation(apis: [string, string], publicUrl: string): Promise<{ ok: boolean; lines: string[] }> {
  const session = await signUp(apis[0], new URL(publicUrl).origin);
  const project = await sessionCall(apis[0], session, 'POST', '/users/@me/projects', { name: 'Key rotation' });
  const oldKey = project.secret;
  // Used on both processes first, so any per-process memory of the key would be warm.
  const warm = [await probe(apis[1], oldKey), await probe(apis[0], oldKey), await probe(apis[1], oldKey)];
  const rotated = await sessionCall(apis[0], session, 'POST', `/users/@me/projects/${project.id}/regenerate-keys`);
  const newKey = rotated.secret;
  const oldOn2 = await probe(apis[1], oldKey);
  const newOn2 = await probe(apis[1], newKey);
  const oldOn1 = await probe(apis[0], oldKey);
  const checks = [
    { what: 'old secret key before rotation, API 2 and API 1', ok: warm.every((p) => p.status === 200), got: warm.map((p) => p.status).join('/') },
    { what: 'old secret key on API 2, first request after rotating on API 1', ok: oldOn2.status === 401 && oldOn2.code === 'INVALID_API_KEY', got: `${oldOn2.status} ${oldOn2.code ?? ''}` },
    { what: 'new secret key on API 2', ok: newOn2.status === 200, got: String(newOn2.status) },
    { what: 'old secret key on API 1', ok: oldOn1.status === 401 && oldOn1.code === 'INVALID_API_KEY', got: `${oldOn1.status} ${oldOn1.code ?? ''}` },
  ];
  return {
    ok: checks.every((c) => c.ok),
    lines: checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.got.trim()}`),
  };
}
