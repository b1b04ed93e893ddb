import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'green' | 'red' | 'amber' | 'blue' | 'purple';

const TONES: Record<BadgeTone, string> = {
  neutral: 'bg-slate-100 text-slate-800 ring-slate-300',
  green: 'bg-green-50 text-green-800 ring-green-300',
  red: 'bg-red-50 text-red-800 ring-red-300',
  amber: 'bg-amber-50 text-amber-900 ring-amber-300',
  blue: 'bg-blue-50 text-blue-800 ring-blue-300',
  purple: 'bg-purple-50 text-purple-800 ring-purple-300',
};

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>{children}</span>;
}
