interface PgErrorLike {
  code: string;
  constraint?: string;
}

/** The PostgreSQL error inside `err`, also when a query builder wrapped it (Drizzle puts it in `cause`). */
export function pgError(err: unknown): PgErrorLike | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e as PgErrorLike;
  }
  return undefined;
}

/** The SQLSTATE of an error, if it came from PostgreSQL (or PGlite). */
export function pgErrorCode(err: unknown): string | undefined {
  return pgError(err)?.code;
}

/** A unique violation, optionally of one named constraint (drivers that omit the name still match). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e?.code === UNIQUE_VIOLATION && (constraint === undefined || e.constraint === undefined || e.constraint === constraint);
}

export const UNIQUE_VIOLATION = '23505';
export const LOCK_NOT_AVAILABLE = '55P03';
