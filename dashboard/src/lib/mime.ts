// A small MIME reader for the Dev Inbox: headers (RFC 2047 words decoded), the first text/plain
// and text/html parts (base64 / quoted-printable, any charset TextDecoder knows), attachment names.

export interface ParsedMail {
  headers: [string, string][];
  text: string | null;
  html: string | null;
  attachments: { filename: string; contentType: string }[];
}

interface ContentType {
  type: string;
  params: Record<string, string>;
}

function decodeBytes(bytes: Uint8Array, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase() || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function base64Bytes(data: string): Uint8Array {
  try {
    const bin = atob(data.replace(/[^A-Za-z0-9+/=]/g, ''));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

function quotedPrintableBytes(data: string, header = false): Uint8Array {
  const src = header ? data.replace(/_/g, ' ') : data.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = ch.charCodeAt(0);
      if (code < 0x80) out.push(code);
      else out.push(...new TextEncoder().encode(ch));
    }
  }
  return Uint8Array.from(out);
}

/** Decodes RFC 2047 encoded words (=?charset?B|Q?text?=); whitespace between adjacent words is dropped. */
export function decodeHeaderValue(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) =>
      decodeBytes(enc.toUpperCase() === 'B' ? base64Bytes(text) : quotedPrintableBytes(text, true), charset.split('*')[0]),
    );
}

function splitHeadBody(raw: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function parseHeaders(head: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1][1] += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return out;
}

function header(headers: [string, string][], name: string): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name)?.[1];
}

function parseContentType(value: string | undefined): ContentType {
  const [type, ...rest] = (value ?? 'text/plain').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

function decodeBody(body: string, encoding: string | undefined, charset: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return decodeBytes(base64Bytes(body), charset);
  if (enc === 'quoted-printable') return decodeBytes(quotedPrintableBytes(body), charset);
  return body;
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  let current: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith(`${delimiter}--`)) {
      if (current) parts.push(current.join('\r\n'));
      return parts;
    }
    if (line.startsWith(delimiter) && line.slice(delimiter.length).trim() === '') {
      if (current) parts.push(current.join('\r\n'));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function walk(raw: string, into: ParsedMail, depth: number): [string, string][] {
  const { head, body } = splitHeadBody(raw);
  const headers = parseHeaders(head);
  const ct = parseContentType(header(headers, 'content-type'));
  const disposition = (header(headers, 'content-disposition') ?? '').toLowerCase();
  if (ct.type.startsWith('multipart/') && ct.params.boundary && depth < 10) {
    for (const part of splitMultipart(body, ct.params.boundary)) walk(part, into, depth + 1);
    return headers;
  }
  const filename = parseContentType(`x;${header(headers, 'content-disposition')?.split(';').slice(1).join(';') ?? ''}`).params.filename ?? ct.params.name;
  if (disposition.startsWith('attachment') || (filename && !ct.type.startsWith('text/'))) {
    into.attachments.push({ filename: decodeHeaderValue(filename ?? 'attachment'), contentType: ct.type });
    return headers;
  }
  const decoded = decodeBody(body, header(headers, 'content-transfer-encoding'), ct.params.charset);
  if (ct.type === 'text/html' && into.html === null) into.html = decoded;
  else if (ct.type === 'text/plain' && into.text === null) into.text = decoded;
  return headers;
}

export function parseMime(raw: string): ParsedMail {
  const mail: ParsedMail = { headers: [], text: null, html: null, attachments: [] };
  const headers = walk(raw, mail, 0);
  mail.headers = headers.map(([k, v]) => [k, decodeHeaderValue(v)]);
  return mail;
}
