import { describe, expect, it } from 'vitest';
import { decodeAttribute, insertBeforeBodyEnd, rewriteLinks } from './html-links.js';

// The scanner behind click tracking: which hrefs it sees, what it leaves alone, byte for byte.

const seen = (html: string) => {
  const hrefs: string[] = [];
  rewriteLinks(html, (h) => (hrefs.push(h), null));
  return hrefs;
};
const mark = (html: string) => rewriteLinks(html, (h) => `T(${h})`);

describe('rewriteLinks', () => {
  it('rewrites double-quoted, single-quoted and unquoted hrefs and keeps every other byte', () => {
    const html = `<p class=x>Hi</p><a  class="btn" href="https://a.test/1" target=_blank>A</a> <a href='https://b.test/2'>B</a> <a href=https://c.test/3>C</a>`;
    expect(mark(html)).toBe(
      `<p class=x>Hi</p><a  class="btn" href="T(https://a.test/1)" target=_blank>A</a> <a href="T(https://b.test/2)">B</a> <a href="T(https://c.test/3)">C</a>`,
    );
  });

  it('returns the input unchanged when nothing is rewritten', () => {
    const html = `<!doctype html><html><body><a href="https://x.test">x</a><img src="a.png"></body></html>`;
    expect(rewriteLinks(html, () => null)).toBe(html);
  });

  it('finds hrefs in any case, after "/" separators, spaces around "=", and `>` inside other quoted values', () => {
    expect(seen(`<A HREF="https://upper.test">`)).toEqual(['https://upper.test']);
    expect(seen(`<a/href="https://slash.test">`)).toEqual(['https://slash.test']);
    expect(seen(`<a href = "https://spaced.test" >`)).toEqual(['https://spaced.test']);
    expect(seen(`<a title="a > b" href="https://after.test">`)).toEqual(['https://after.test']);
    expect(seen(`<a title='it"s' href="https://quote.test">`)).toEqual(['https://quote.test']);
    expect(seen(`<area shape=rect href="https://area.test">`)).toEqual(['https://area.test']);
  });

  it('uses the first href when one is repeated, as browsers do', () => {
    expect(mark(`<a href="https://first.test" href="https://second.test">`)).toBe(`<a href="T(https://first.test)" href="https://second.test">`);
  });

  it('ignores look-alikes: other tags, other attributes, valueless href', () => {
    expect(seen(`<link href="https://css.test"><abbr href="https://abbr.test"><a data-href="https://data.test" xhref="https://x.test"><a href>`)).toEqual([]);
  });

  it('skips comments, script, style, title and textarea content', () => {
    const html = [
      `<!-- <a href="https://comment.test"> -->`,
      `<script>var s = '<a href="https://script.test">';</script>`,
      `<style>a[href="https://style.test"]{}</style>`,
      `<title><a href="https://title.test"></title>`,
      `<textarea><a href="https://textarea.test"></textarea>`,
      `<a href="https://real.test">ok</a>`,
    ].join('');
    expect(seen(html)).toEqual(['https://real.test']);
    expect(mark(html)).toContain('<!-- <a href="https://comment.test"> -->');
  });

  it('decodes entities in the value and trims surrounding whitespace before handing it over', () => {
    expect(seen(`<a href="https://e.test/?a=1&amp;b=2&#38;c=3&#x26;d=4">`)).toEqual(['https://e.test/?a=1&b=2&c=3&d=4']);
    expect(seen(`<a href="\n  https://trim.test/  \t">`)).toEqual(['https://trim.test/']);
  });

  it('escapes the replacement as an attribute value', () => {
    expect(rewriteLinks(`<a href="https://x.test">`, () => 'https://t.test/?a="b"&c<d>')).toBe(`<a href="https://t.test/?a=&quot;b&quot;&amp;c&lt;d&gt;">`);
  });

  it('survives truncated markup', () => {
    expect(mark(`<a href="https://open.test`)).toBe(`<a href="T(https://open.test)"`);
    expect(mark(`text <`)).toBe(`text <`);
    expect(mark(`<!-- never closed <a href="https://x.test">`)).toBe(`<!-- never closed <a href="https://x.test">`);
  });
});

describe('decodeAttribute', () => {
  it('decodes named and numeric references like a browser does inside attributes', () => {
    expect(decodeAttribute('a&amp;b&lt;&gt;&quot;&apos;')).toBe(`a&b<>"'`);
    expect(decodeAttribute('&#65;&#x42;&#0;')).toBe('AB\ufffd');
    // Legacy forms without ";" decode unless a letter, digit or "=" follows.
    expect(decodeAttribute('?a=1&amp b')).toBe('?a=1& b');
    expect(decodeAttribute('?x=1&amp=2&ampx&copy=3&unknown;')).toBe('?x=1&amp=2&ampx&copy=3&unknown;');
  });
});

describe('insertBeforeBodyEnd', () => {
  it('puts the fragment before the last </body>, or at the end', () => {
    expect(insertBeforeBodyEnd('<body>x</BODY></html>', '<img>')).toBe('<body>x<img></BODY></html>');
    expect(insertBeforeBodyEnd('<p>x</p>', '<img>')).toBe('<p>x</p><img>');
  });
});
