import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState } from 'react';
import { logout } from '../../api/session';
import { useToast } from '../ui/toast';

/** A disclosure (button + panel) with the signed-in address and "Log out". */
export function UserMenu({ email }: { email: string }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const onLogout = async () => {
    setBusy(true);
    try {
      await logout();
    } catch {
      // The session may already be gone; the local state is cleared either way.
    }
    queryClient.clear();
    await navigate({ to: '/login' });
    toast.show('You have been logged out.', 'info');
  };

  return (
    <div ref={root} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
        className="inline-flex h-9 max-w-[16rem] items-center gap-2 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 hover:bg-slate-100"
      >
        <span className="truncate">Account</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id={panelId} className="absolute right-0 z-30 mt-2 w-64 rounded-md border border-slate-200 bg-white p-3 shadow-lg">
          <p className="text-xs text-slate-700">Signed in as</p>
          <p className="truncate text-sm font-medium text-slate-900">{email}</p>
          <button
            type="button"
            onClick={() => void onLogout()}
            disabled={busy}
            className="mt-3 inline-flex h-9 w-full items-center justify-center rounded-md bg-slate-800 px-3 text-sm font-medium text-white hover:bg-slate-900 disabled:opacity-60"
          >
            {busy ? 'Logging out…' : 'Log out'}
          </button>
        </div>
      )}
    </div>
  );
}
