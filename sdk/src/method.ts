import { OPERATIONS } from './schema/index.js';
import type { Transport } from './http.js';
import type { ApiResult, Body, CallOptions, OperationKey, PathArgs, Query, Result } from './types.js';

type QueryArgs<Q> = {} extends Q ? [query?: Q, options?: CallOptions] : [query: Q, options?: CallOptions];

/** After the path arguments: the JSON body, or the query, then per-call options. */
export type Tail<K extends OperationKey> = [Body<K>] extends [never]
  ? [Query<K>] extends [never]
    ? [options?: CallOptions]
    : QueryArgs<Query<K>>
  : [body: Body<K>, options?: CallOptions];

/** A named method bound to one operation; `operation` names it (the coverage test reads it). */
export type Method<K extends OperationKey, R = Result<K>> = ((...args: [...PathArgs<K>, ...Tail<K>]) => Promise<ApiResult<R>>) & {
  readonly operation: K;
};

export function fillPath(path: string, params: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`Missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** `{ success: true, data }` routes hand back their `data`; others their whole body. */
export function unwrap(key: OperationKey, result: ApiResult<unknown>): ApiResult<unknown> {
  if (!OPERATIONS[key].envelope || result.error || !result.data || typeof result.data !== 'object') return result;
  return { data: (result.data as { data?: unknown }).data ?? null, error: null };
}

export function tag<K extends OperationKey, F extends (...args: any[]) => unknown>(key: K, fn: F): F & { readonly operation: K } {
  return Object.assign(fn, { operation: key });
}

/** Builds the named method for one operation from the generated operation table. */
export function bindMethod(transport: Transport) {
  return <K extends OperationKey>(key: K): Method<K> => {
    const op = OPERATIONS[key];
    return tag(key, async (...args: unknown[]) => {
      const params = Object.fromEntries(op.pathParams.map((name, i) => [name, args[i] as string]));
      const [first, second] = args.slice(op.pathParams.length) as [unknown, CallOptions | undefined];
      const rest = op.body || op.query ? { payload: first, options: second } : { payload: undefined, options: first as CallOptions | undefined };
      const result = await transport.send({
        method: op.method,
        path: fillPath(op.path, params),
        body: op.body ? rest.payload : undefined,
        query: op.query ? (rest.payload as Record<string, unknown> | undefined) : undefined,
        options: rest.options,
      });
      return unwrap(key, result);
    }) as unknown as Method<K>;
  };
}
