import { useState } from 'react';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';

/** `sk_••••••••••••abcd`: the prefix and the last four characters. */
export function maskKey(key: string): string {
  const cut = key.indexOf('_') + 1;
  return `${key.slice(0, cut)}${'•'.repeat(12)}${key.slice(-4)}`;
}

export interface KeyRowProps {
  kind: 'public' | 'secret';
  value: string;
}

const COPY = {
  public: {
    title: 'Public key',
    badge: 'Browser-safe',
    tone: 'green' as const,
    text: (
      <>
        Can only call <code className="font-mono">POST /v1/track</code> to record events. Safe to ship in browser and mobile code; rotate it if someone abuses your
        tracking endpoint.
      </>
    ),
  },
  secret: {
    title: 'Secret key',
    badge: 'Server-side only',
    tone: 'red' as const,
    text: (
      <>
        Full access to every other endpoint: sending email, contacts, templates, campaigns and more. Keep it in server environment variables; never put it in a
        frontend bundle or commit it.
      </>
    ),
  },
};

export function KeyRow({ kind, value }: KeyRowProps) {
  const [revealed, setRevealed] = useState(false);
  const copy = COPY[kind];
  return (
    <div className="py-4 first:pt-0 last:pb-0">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold text-slate-900">{copy.title}</h3>
        <Badge tone={copy.tone}>{copy.badge}</Badge>
      </div>
      <p className="mt-1 text-sm text-slate-700">{copy.text}</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code
          data-testid={`${kind}-key`}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900"
        >
          {revealed ? value : maskKey(value)}
        </code>
        <div className="flex gap-2">
          <Button size="sm" aria-label={`${revealed ? 'Hide' : 'Reveal'} ${kind} key`} onClick={() => setRevealed((v) => !v)}>
            {revealed ? 'Hide' : 'Reveal'}
          </Button>
          <CopyButton value={value} label={`Copy ${kind} key`} />
        </div>
      </div>
    </div>
  );
}
