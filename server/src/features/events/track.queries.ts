import { queryRows, type Database, type Executor } from '../../db/client.js';
import { CONTACTS_UPSERT_CTES, UPSERT_INPUT_COLUMNS, upsertInputRow, type ContactUpsertParams } from '../../db/contact-upsert.js';
import { compileNamed, toDrizzleSql } from '../../db/named-sql.js';
import type { ActorType } from '../../db/schema/index.js';

export interface TrackInputRow {
  contact: ContactUpsertParams;
  event: { name: string; data: Record<string, unknown> | null };
  audit: { actorType: ActorType; actorId: string | null; requestId: string | null; ip: string | null; summary: string };
}

export interface TrackedRow {
  contact: string;
  event: string;
  timestamp: string;
}

/**
 * Many /v1/track requests in ONE prepared statement: upsert their contacts, store their events,
 * emit subscription-flip events and write the activity rows. A statement is atomic on its own, so
 * each request's writes are all there or none are; one round trip and one plan serve the batch.
 */
const TRACK_BATCH_SQL = `with
    i as (
      select * from jsonb_to_recordset(:rows::jsonb) as x(${UPSERT_INPUT_COLUMNS},
        ev_name text, ev_data jsonb, actor_type text, actor_id text, request_id text, ip text, summary text)
    ),
    ${CONTACTS_UPSERT_CTES},
    r as (
      select i.*, up.id as contact_id, up.subscribed, up.data, up.created,
             prev.id as prev_id, prev.subscribed as prev_subscribed, prev.data as prev_data
      from i join up on up.project_id = i.pid and up.email = i.email left join prev on prev.id = up.id
    ),
    -- The outbox flags, computed here for the whole batch exactly as the events_mark_dispatch trigger
    -- would (migration 0012); giving them skips the trigger's per-row PL/pgSQL call.
    ev as (
      insert into events (project_id, contact_id, name, data, source_execution_id, dispatch_pending, webhook_pending)
      select r.pid, r.contact_id, r.ev_name, r.ev_data, nullif(current_setting('mailwright.execution_id', true), '')::uuid,
        exists (select 1 from workflows w where w.project_id = r.pid and w.enabled and w.trigger_event = r.ev_name)
          or exists (select 1 from workflow_step_executions s
                     where s.contact_id = r.contact_id and s.status = 'WAITING' and s.wait_event = r.ev_name),
        exists (select 1 from webhook_endpoints w
                where w.project_id = r.pid and w.enabled
                  and (w.event_types = '{}' or r.ev_name = any (w.event_types) or exists (
                    select 1 from unnest(w.event_types) t where right(t, 2) = '.*' and starts_with(r.ev_name, left(t, -1)))))
      from r
      returning id, contact_id, created_at
    ),
    flip as (
      insert into events (project_id, contact_id, name)
      select r.pid, r.contact_id, case when r.subscribed then 'contact.subscribed' else 'contact.unsubscribed' end
      from r where r.prev_id is not null and r.prev_subscribed <> r.subscribed
    ),
    audit as (
      insert into activities (project_id, type, actor_type, actor_id, summary, request_id, ip, metadata)
      select r.pid, x.type, r.actor_type, r.actor_id, x.summary, r.request_id, r.ip, x.metadata
      from r join ev on ev.contact_id = r.contact_id
      cross join lateral (values
        ('event.tracked', r.summary || ' for ' || r.email, jsonb_build_object('eventId', ev.id, 'contactId', r.contact_id), true),
        ('contact.created', 'Contact ' || r.email || ' created', jsonb_build_object('contactId', r.contact_id), r.created),
        ('contact.updated', 'Contact ' || r.email || ' updated', jsonb_build_object('contactId', r.contact_id),
          r.prev_id is not null and (r.prev_data is distinct from r.data or r.prev_subscribed <> r.subscribed)),
        (case when r.subscribed then 'contact.subscribed' else 'contact.unsubscribed' end,
          'Contact ' || r.email || case when r.subscribed then ' subscribed' else ' unsubscribed' end,
          jsonb_build_object('contactId', r.contact_id), r.prev_id is not null and r.prev_subscribed <> r.subscribed)
      ) as x(type, summary, metadata, wanted)
      where x.wanted
    )
    select r.n, r.contact_id, ev.id as event_id, ev.created_at from r join ev on ev.contact_id = r.contact_id`;
const TRACK_BATCH = compileNamed(TRACK_BATCH_SQL);

type OutRow = { n: number; contact_id: string; event_id: string; created_at: Date | string };

function inputRows(batch: TrackInputRow[]) {
  return JSON.stringify(
    batch.map((t, n) => ({
      ...upsertInputRow(t.contact, n),
      ev_name: t.event.name,
      ev_data: t.event.data,
      actor_type: t.audit.actorType,
      actor_id: t.audit.actorId,
      request_id: t.audit.requestId,
      ip: t.audit.ip,
      summary: t.audit.summary,
    })),
  );
}

function inInputOrder(batch: TrackInputRow[], out: OutRow[]): TrackedRow[] {
  const byN = new Map(out.map((r) => [r.n, r]));
  return batch.map((_, n) => {
    const r = byN.get(n);
    if (!r) throw new Error('track batch returned no row for an input');
    return { contact: r.contact_id, event: r.event_id, timestamp: new Date(r.created_at).toISOString() };
  });
}

/** Runs one batch whose contacts are distinct, as a prepared statement. Results come back in input order. */
export async function trackBatchStatement(database: Database, batch: TrackInputRow[]): Promise<TrackedRow[]> {
  const out = await database.runPrepared<OutRow>('mailwright_track_batch_v2', TRACK_BATCH.text, [inputRows(batch)]);
  return inInputOrder(batch, out);
}

/** The same statement inside a caller's transaction (e.g. one that also stores an Idempotency-Key). */
export async function trackInTransaction(tx: Executor, row: TrackInputRow): Promise<TrackedRow> {
  const out = await queryRows<OutRow>(tx, toDrizzleSql(TRACK_BATCH_SQL, { rows: inputRows([row]) }));
  return inInputOrder([row], out)[0];
}
