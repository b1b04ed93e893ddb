import { Liquid } from 'liquidjs';

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

/** `{{ var ?? "fallback" }}` (Plunk's syntax) → Liquid's `default` filter. */
export function preprocess(template: string): string {
  return template.replace(
    /\{\{\s*([^{}]+?)\s*\?\?\s*("[^"]*"|'[^']*'|[^{}|]+?)\s*\}\}/g,
    (_m, expr: string, fallback: string) => {
      const literal = /^["']/.test(fallback) ? fallback : JSON.stringify(fallback.trim());
      return `{{ ${expr} | default: ${literal} }}`;
    },
  );
}

export class RenderError extends Error {}

async function renderWith(engine: Liquid, template: string, data: Record<string, unknown>, field: string) {
  try {
    return await engine.parseAndRender(preprocess(template), data);
  } catch (err) {
    throw new RenderError(`Could not render ${field}: ${(err as Error).message}`);
  }
}

export const renderHtml = (t: string, d: Record<string, unknown>) => renderWith(html, t, d, 'body');
export const renderSubject = (t: string, d: Record<string, unknown>) => renderWith(plain, t, d, 'subject');
