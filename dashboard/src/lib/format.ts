const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

function parse(value: string | Date | null | undefined): Date | null {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(value: string | Date | null | undefined): string {
  const d = parse(value);
  return d ? dateTime.format(d) : '—';
}

export function formatDate(value: string | Date | null | undefined): string {
  const d = parse(value);
  return d ? dateOnly.format(d) : '—';
}

export function formatNumber(n: number | null | undefined): string {
  return typeof n === 'number' ? n.toLocaleString('en') : '—';
}

/** Value for <input type="datetime-local"> → ISO string (local time), or undefined when empty. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
