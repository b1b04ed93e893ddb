import { sql, type SQL } from 'drizzle-orm';
import { spellingsOf } from '../events/event-history.service.js';
import { at, windowStart } from './filter-contact-fields.js';
import { EMAIL_ACTIVITY_COLUMNS, type Filter } from './filter-schema.js';

// `event.<name>` and `email.<activity>`: EXISTS subqueries on the contact's events or emails
// (indexes events(contact_id, created_at) and emails(contact_id)).

/** Combines "has one at all" and "has one since the window start" as the five operators define. */
function byOperator(f: Filter, now: Date, exists: (since: Date | null) => SQL): SQL {
  const since = () => windowStart(now, f);
  switch (f.operator) {
    case 'triggered':
      return exists(null);
    case 'triggeredWithin':
      return exists(since());
    case 'triggeredOlderThan':
      return sql`(${exists(null)} and not ${exists(since())})`;
    case 'notTriggered':
      return sql`not ${exists(null)}`;
    case 'notTriggeredWithin':
      return sql`not ${exists(since())}`;
  }
  throw new Error(`unexpected activity operator ${f.operator}`);
}

export function compileEventFilter(f: Filter, projectId: string, now: Date): SQL {
  // `email.open` and `email.opened` name the same event (DECISIONS §3).
  const names = spellingsOf(f.field.slice('event.'.length));
  const nameList = sql.join(
    names.map((n) => sql`${n}`),
    sql`, `,
  );
  return byOperator(f, now, (since) =>
    since
      ? sql`exists (select 1 from events e where e.contact_id = c.id and e.project_id = ${projectId} and e.name in (${nameList}) and e.created_at >= ${at(since)})`
      : sql`exists (select 1 from events e where e.contact_id = c.id and e.project_id = ${projectId} and e.name in (${nameList}))`,
  );
}

export function compileEmailActivityFilter(f: Filter, projectId: string, now: Date): SQL {
  // The column comes from a fixed table (the schema refused any other activity).
  const column = sql`m.${sql.identifier(EMAIL_ACTIVITY_COLUMNS[f.field.slice('email.'.length)])}`;
  return byOperator(f, now, (since) =>
    since
      ? sql`exists (select 1 from emails m where m.contact_id = c.id and m.project_id = ${projectId} and ${column} >= ${at(since)})`
      : sql`exists (select 1 from emails m where m.contact_id = c.id and m.project_id = ${projectId} and ${column} is not null)`,
  );
}
