import { sql, type SQL } from 'drizzle-orm';
import { containsPattern, wholeDayOf, windowStart } from './filter-contact-fields.js';
import { dataPathOf, type Filter } from './filter-schema.js';

// `data.<path>` filters. The path's segments are bound one parameter each (`c.data #> ARRAY[$1,$2]`),
// so a key may hold any printable character without reaching the SQL text.

const NUMERIC_TEXT = '^-?[0-9]+(\\.[0-9]+)?$';
/** Only ISO 8601 dates take part in within/olderThan (any other string would compare as text). */
const ISO_DATE_TEXT = '^[0-9]{4}-[0-9]{2}-[0-9]{2}';
const COMPARISON: Record<string, string> = { greaterThan: '>', lessThan: '<', greaterThanOrEqual: '>=', lessThanOrEqual: '<=' };

function pathParam(field: string): SQL {
  const parsed = dataPathOf(field);
  if ('problem' in parsed) throw new Error(parsed.problem); // refused by the schema before compiling
  return sql`ARRAY[${sql.join(
    parsed.path.map((p) => sql`${p}`),
    sql`, `,
  )}]::text[]`;
}

function numericOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && new RegExp(NUMERIC_TEXT).test(value.trim())) return Number(value.trim());
  return null;
}

function equalsPredicate(json: SQL, text: SQL, value: unknown): SQL {
  const day = wholeDayOf(value);
  if (day) return sql`(jsonb_typeof(${json}) = 'string' and left(${text}, 10) = ${day.day})`;
  const number = numericOf(value);
  // Text equality matches 5 and "5", true and "true": what a filter builder sends is usually a string.
  if (number !== null) return sql`(${text} = ${String(value).trim()} or (jsonb_typeof(${json}) = 'number' and ${json} = to_jsonb(${String(number)}::numeric)))`;
  return sql`(jsonb_typeof(${json}) in ('string', 'number', 'boolean') and ${text} = ${String(value)})`;
}

function containsPredicate(json: SQL, text: SQL, value: unknown): SQL {
  const needle = String(value);
  // Arrays contain an element equal to the value; strings (and numbers) contain it as a substring.
  return sql`(case jsonb_typeof(${json})
      when 'array' then ${json} @> jsonb_build_array(${needle}::text)
      when 'string' then ${text} ilike ${containsPattern(needle)} escape '\\'
      when 'number' then ${text} ilike ${containsPattern(needle)} escape '\\'
      else false end)`;
}

function comparePredicate(json: SQL, text: SQL, operator: string, value: unknown): SQL {
  const op = sql.raw(COMPARISON[operator]);
  const scalar = sql`jsonb_typeof(${json}) in ('string', 'number')`;
  const number = numericOf(value);
  // Numeric when both sides are numbers (or numeric strings), otherwise byte-wise lexicographic
  // (COLLATE "C", so ISO dates order correctly whatever the database's collation).
  if (number === null) return sql`(${scalar} and ${text} collate "C" ${op} ${String(value)})`;
  return sql`(${scalar} and case when ${text} ~ ${NUMERIC_TEXT} then ${text}::numeric ${op} ${String(number)}::numeric
      else ${text} collate "C" ${op} ${String(value)} end)`;
}

/** A two-valued predicate (never NULL), so `not` over it and over nested groups is plain negation. */
export function compileDataFilter(f: Filter, now: Date): SQL {
  const path = pathParam(f.field);
  const json = sql`(c.data #> ${path})`;
  const text = sql`(c.data #>> ${path})`;
  const yes = (p: SQL) => sql`coalesce(${p}, false)`;
  const no = (p: SQL) => sql`not coalesce(${p}, false)`;
  const present = sql`(${json} is not null and jsonb_typeof(${json}) <> 'null')`;
  switch (f.operator) {
    case 'equals':
      return yes(equalsPredicate(json, text, f.value));
    case 'notEquals':
      return no(equalsPredicate(json, text, f.value));
    case 'contains':
      return yes(containsPredicate(json, text, f.value));
    case 'notContains':
      return no(containsPredicate(json, text, f.value));
    case 'greaterThan':
    case 'lessThan':
    case 'greaterThanOrEqual':
    case 'lessThanOrEqual':
      return yes(comparePredicate(json, text, f.operator, f.value));
    case 'exists':
      return yes(present);
    case 'notExists':
      return no(present);
    case 'within':
    case 'olderThan': {
      // ISO 8601 strings compare lexicographically; the bound is rendered the same way (UTC, "Z").
      const bound = windowStart(now, f).toISOString();
      const op = sql.raw(f.operator === 'within' ? '>=' : '<');
      return yes(sql`(jsonb_typeof(${json}) = 'string' and ${text} ~ ${ISO_DATE_TEXT} and ${text} collate "C" ${op} ${bound})`);
    }
  }
  throw new Error(`unexpected data operator ${f.operator}`);
}
