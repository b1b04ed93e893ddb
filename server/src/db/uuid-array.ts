/**
 * A uuid[] literal (`{a,b}`) to bind as ONE parameter (`= any($1::uuid[])`): drizzle expands a JS array
 * into one parameter per element, which hits the bind-parameter limit for large id lists.
 * Only for ids that are already known to be uuids (from the database or validated input).
 */
export const uuidArrayLiteral = (ids: readonly string[]) => `{${ids.join(',')}}`;
