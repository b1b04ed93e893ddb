import { useMemo } from 'react';

const DROP = 'script, iframe, frame, frameset, object, embed, applet, base, meta[http-equiv]';

/**
 * Removes what a no-script sandbox would refuse anyway (scripts, handlers, javascript: URLs, nested
 * frames, meta refresh), so that previews do not fill the console with "Blocked script execution".
 * The empty sandbox below is the security boundary; this is only tidying. DOMParser documents are inert.
 */
export function tidyForPreview(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll(DROP).forEach((el) => el.remove());
  doc.querySelectorAll('*').forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) el.removeAttribute(attr.name);
      else if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name) && /^\s*(javascript|vbscript):/i.test(attr.value)) el.removeAttribute(attr.name);
    }
  });
  const doctype = /^\s*<!doctype/i.test(html) ? '<!doctype html>\n' : '';
  return doctype + doc.documentElement.outerHTML;
}

/**
 * Renders untrusted HTML (templates, emails) in an iframe with an EMPTY sandbox attribute:
 * no scripts, no same-origin access, no forms, no popups, no top navigation.
 */
export function SandboxedFrame({ html, title, className = 'h-[32rem]' }: { html: string; title: string; className?: string }) {
  const srcDoc = useMemo(() => tidyForPreview(html), [html]);
  return <iframe sandbox="" srcDoc={srcDoc} title={title} referrerPolicy="no-referrer" className={`w-full rounded-md border border-slate-300 bg-white ${className}`} />;
}
