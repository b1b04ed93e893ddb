import { useEffect, useRef, useState } from 'react';
import { buttonClass, type ButtonSize } from './button';

/** Clipboard API first; the legacy execCommand path covers insecure (plain http) origins. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Permission denied or no user activation: try the fallback below.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('Copy failed');
}

export interface CopyButtonProps {
  value: string;
  /** Accessible name, e.g. "Copy secret key". */
  label: string;
  size?: ButtonSize;
  /** Visible text when idle (defaults to "Copy"). */
  text?: string;
}

export function CopyButton({ value, label, size = 'sm', text = 'Copy' }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const onClick = async () => {
    try {
      await copyText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), 2000);
  };

  return (
    <>
      <button type="button" aria-label={label} title={label} className={buttonClass('secondary', size)} onClick={() => void onClick()}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : text}
      </button>
      <span role="status" className="sr-only">
        {state === 'copied' ? 'Copied to clipboard' : state === 'failed' ? 'Could not copy to the clipboard' : ''}
      </span>
    </>
  );
}
