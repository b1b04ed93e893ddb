import { sql, type SQL } from 'drizzle-orm';

// Hot-path statements are written once with :named parameters, then run either as a prepared
// statement ($1…$n, planned once per connection) or as a Drizzle `sql` object inside a transaction.

const PARAM = /(?<!:):([a-zA-Z_]\w*)/g;

export interface CompiledSql {
  text: string;
  names: string[];
}

export function compileNamed(template: string): CompiledSql {
  const names: string[] = [];
  const text = template.replace(PARAM, (_m, name: string) => {
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  return { text, names };
}

export function bindValues(compiled: CompiledSql, values: Record<string, unknown>): unknown[] {
  return compiled.names.map((n) => {
    if (!(n in values)) throw new Error(`missing SQL parameter :${n}`);
    return values[n];
  });
}

export function toDrizzleSql(template: string, values: Record<string, unknown>): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const m of template.matchAll(PARAM)) {
    chunks.push(sql.raw(template.slice(last, m.index)));
    if (!(m[1] in values)) throw new Error(`missing SQL parameter :${m[1]}`);
    chunks.push(sql`${values[m[1]]}`);
    last = m.index! + m[0].length;
  }
  chunks.push(sql.raw(template.slice(last)));
  return sql.join(chunks, sql.raw(''));
}
