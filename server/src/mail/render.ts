import { Liquid, Tag, type TagToken, type TopLevelToken } from 'liquidjs';
import { contactToken } from '../core/contact-token.js';

// `include`/`render`/`layout` must never read server files: give Liquid a file system with nothing in it.
const noFiles = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file: string) => {
    throw new Error(`file access is not allowed in templates (${file})`);
  },
  readFileSync: (file: string): string => {
    throw new Error(`file access is not allowed in templates (${file})`);
  },
  resolve: (_root: string, file: string) => file,
  contains: () => false,
  dirname: () => '',
  sep: '/',
};

// HTML escaping on by default (liquidjs does not escape unless told) and bounded work per render.
const limits = { jsTruthy: true, fs: noFiles as never, renderLimit: 2000, parseLimit: 1_000_000, memoryLimit: 64_000_000 };
const html = new Liquid({ ...limits, outputEscape: 'escape' });
const plain = new Liquid(limits);

const lineBreaks = (s: string) => s.split('\n').length - 1;

/**
 * `{{ var ?? "fallback" }}` (Plunk's syntax) → Liquid's `default` filter. Line breaks the rewrite
 * drops are put back inside the tag, so line numbers in parse errors still match the source.
 */
export function preprocess(template: string): string {
  return template.replace(
    /\{\{\s*([^{}]+?)\s*\?\?\s*("[^"]*"|'[^']*'|[^{}|]+?)\s*\}\}/g,
    (match, expr: string, fallback: string) => {
      const literal = /^["']/.test(fallback) ? fallback : JSON.stringify(fallback.trim());
      const out = `{{ ${expr} | default: ${literal}`;
      return `${out}${'\n'.repeat(Math.max(0, lineBreaks(match) - lineBreaks(out)))} }}`;
    },
  );
}

// Write-time checks are stricter than rendering: unknown filters and file tags are errors, not skips.
const strict = new Liquid({ ...limits, strictFilters: true });
for (const name of ['include', 'render', 'layout']) {
  strict.registerTag(
    name,
    class extends Tag {
      constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
        super(token, remain, liquid);
        throw new Error(`the "${name}" tag is not allowed in templates`);
      }
      render() {}
    },
  );
}

export interface TemplateProblem {
  message: string;
  line?: number;
  column?: number;
}

/** Parses a template as the worker will (after `??` preprocessing); returns the first problem, if any. */
export function validateTemplate(source: string): TemplateProblem | null {
  try {
    strict.parse(preprocess(source));
    return null;
  } catch (err) {
    const e = err as Error & { token?: { getPosition?: () => [number, number] } };
    const [line, column] = e.token?.getPosition?.() ?? [];
    const reason = e.message.replace(/, line:\d+, col:\d+$/, '');
    return { message: line ? `${reason} (line ${line}, column ${column})` : reason, line, column };
  }
}

/**
 * Links to the contact's hosted pages (features/hosted-pages), available to every template. Each carries
 * the contact's signed token (core/contact-token.ts), never the raw id; `?e=` names the email the link
 * came in, so an unsubscribe is attributed to it (the server checks that email belongs to the contact).
 */
export function contactPageUrls(publicUrl: string, masterKey: Buffer, contactId: string, emailId?: string) {
  const token = contactToken(masterKey, contactId);
  const e = emailId ? `?e=${encodeURIComponent(emailId)}` : '';
  return {
    unsubscribeUrl: `${publicUrl}/unsubscribe/${token}${e}`,
    subscribeUrl: `${publicUrl}/subscribe/${token}`,
    manageUrl: `${publicUrl}/manage/${token}${e}`,
  };
}

export class RenderError extends Error {}

// A campaign renders the same subject and body for every recipient: parse each source once. Bounded in
// entries and in source size, so a stream of distinct large templates cannot grow memory without limit.
const PARSED_CACHE_ENTRIES = 200;
const PARSED_CACHE_MAX_SOURCE = 256 * 1024;
const parsedCache = new Map<Liquid, Map<string, ReturnType<Liquid['parse']>>>();

function parseCached(engine: Liquid, template: string): ReturnType<Liquid['parse']> {
  let cache = parsedCache.get(engine);
  if (!cache) parsedCache.set(engine, (cache = new Map()));
  const hit = cache.get(template);
  if (hit) return hit;
  const parsed = engine.parse(preprocess(template));
  if (template.length <= PARSED_CACHE_MAX_SOURCE) {
    if (cache.size >= PARSED_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(template, parsed);
  }
  return parsed;
}

async function renderWith(engine: Liquid, template: string, data: Record<string, unknown>, field: string) {
  try {
    return await engine.render(parseCached(engine, template), data);
  } catch (err) {
    throw new RenderError(`Could not render ${field}: ${(err as Error).message}`);
  }
}

export const renderHtml = (t: string, d: Record<string, unknown>) => renderWith(html, t, d, 'body');
export const renderSubject = (t: string, d: Record<string, unknown>) => renderWith(plain, t, d, 'subject');
