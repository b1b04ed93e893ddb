// An attribute-level HTML scanner for the two edits tracking makes: rewriting `<a href>`/`<area href>`
// and inserting the open pixel. It follows the HTML tokenizer's rules for tags (quoted, unquoted and
// valueless attributes, `/` between attributes, first duplicate attribute wins), skips comments,
// doctypes and raw-text elements (script, style, title, textarea…), and copies everything it does not
// change byte for byte. Attribute values are entity-decoded before the caller sees them.

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
const LINK_TAGS = new Set(['a', 'area']);
const SPACE = /[\t\n\f\r ]/;

interface Attr {
  name: string;
  /** The value's span in the source, quotes included; null for a valueless attribute. */
  start: number;
  end: number;
  value: string | null;
}

interface Tag {
  name: string;
  attrs: Attr[];
  /** Index just past the tag's `>` (or the end of input). */
  end: number;
}

function parseTag(html: string, lt: number): Tag {
  let i = lt + 1;
  if (html[i] === '/') i++;
  const nameStart = i;
  while (i < html.length && !SPACE.test(html[i]) && html[i] !== '/' && html[i] !== '>') i++;
  const tag: Tag = { name: html.slice(nameStart, i).toLowerCase(), attrs: [], end: html.length };
  for (;;) {
    while (i < html.length && (SPACE.test(html[i]) || html[i] === '/')) i++;
    if (i >= html.length) return tag;
    if (html[i] === '>') {
      tag.end = i + 1;
      return tag;
    }
    const attrStart = i++; // a leading "=" belongs to the name
    while (i < html.length && !SPACE.test(html[i]) && !'/>='.includes(html[i])) i++;
    const name = html.slice(attrStart, i).toLowerCase();
    while (i < html.length && SPACE.test(html[i])) i++;
    if (html[i] !== '=') {
      tag.attrs.push({ name, start: i, end: i, value: null });
      continue;
    }
    i++;
    while (i < html.length && SPACE.test(html[i])) i++;
    const quote = html[i];
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, i + 1);
      const end = close === -1 ? html.length : close + 1;
      tag.attrs.push({ name, start: i, end, value: html.slice(i + 1, close === -1 ? html.length : close) });
      i = end;
    } else {
      const start = i;
      while (i < html.length && !SPACE.test(html[i]) && html[i] !== '>') i++;
      tag.attrs.push({ name, start, end: i, value: html.slice(start, i) });
    }
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
// Entities a browser still decodes without the semicolon, unless a letter, digit or "=" follows.
const LEGACY = /^(amp|lt|gt|quot|nbsp)(?![A-Za-z0-9=])/;

/** Decodes character references the way a browser does inside an attribute value (common names only). */
export function decodeAttribute(value: string): string {
  return value.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)/g, (match, ref: string, offset: number) => {
    if (ref[0] === '#') {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      const code = parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    if (ref.endsWith(';') && NAMED[ref.slice(0, -1)] !== undefined) return NAMED[ref.slice(0, -1)];
    const legacy = LEGACY.exec(value.slice(offset + 1));
    return legacy ? NAMED[legacy[1]] + ref.slice(legacy[1].length) : match;
  });
}

export const escapeAttribute = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Index of the raw-text element's end tag (`</name` followed by space, `/` or `>`), or the end of input. */
function rawTextEnd(html: string, from: number, name: string): number {
  const re = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi');
  re.lastIndex = from;
  return re.exec(html)?.index ?? html.length;
}

/**
 * Calls `rewrite` with every link's decoded, trimmed href; a returned string replaces the attribute
 * value (double-quoted, escaped), null leaves the source untouched.
 */
export function rewriteLinks(html: string, rewrite: (href: string) => string | null): string {
  let out = '';
  let copied = 0;
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    const next = html[lt + 1] ?? '';
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close === -1 ? html.length : close + 3;
    } else if (next === '!' || next === '?' || (next === '/' && !/[A-Za-z]/.test(html[lt + 2] ?? ''))) {
      const close = html.indexOf('>', lt);
      i = close === -1 ? html.length : close + 1;
    } else if (/[A-Za-z/]/.test(next)) {
      const tag = parseTag(html, lt);
      i = tag.end;
      if (next === '/') continue;
      const href = LINK_TAGS.has(tag.name) ? tag.attrs.find((a) => a.name === 'href') : undefined;
      if (href?.value != null) {
        const replacement = rewrite(decodeAttribute(href.value).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, ''));
        if (replacement !== null) {
          out += `${html.slice(copied, href.start)}"${escapeAttribute(replacement)}"`;
          copied = href.end;
        }
      }
      if (RAW_TEXT.has(tag.name)) i = rawTextEnd(html, i, tag.name);
    } else {
      i = lt + 1;
    }
  }
  return out + html.slice(copied);
}

/** Puts `fragment` just before the last `</body>`, or at the end when there is none. */
export function insertBeforeBodyEnd(html: string, fragment: string): string {
  const at = html.toLowerCase().lastIndexOf('</body');
  return at === -1 ? html + fragment : html.slice(0, at) + fragment + html.slice(at);
}
