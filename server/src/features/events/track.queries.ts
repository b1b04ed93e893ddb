import type { Database } from '../../db/client.js';
import { CONTACT_UPSERT_CTES, contactUpsertValues, type ContactUpsertParams } from '../../db/contact-upsert.js';
import { bindValues, compileNamed } from '../../db/named-sql.js';
import type { ActorType } from '../../db/schema/index.js';

export interface TrackStatementParams {
  contact: ContactUpsertParams;
  event: { name: string; data: Record<string, unknown> | null };
  audit: { actorType: ActorType; actorId: string | null; requestId: string | null; ip: string | null; summary: string };
}

/**
 * /v1/track in ONE prepared statement: upsert the contact, store the event, emit a subscription-flip
 * event and write the activity rows. A single statement is atomic on its own; one round trip and a
 * plan made once per connection keep the hottest route close to the cost of a bare insert.
 */
const TRACK = compileNamed(`with ${CONTACT_UPSERT_CTES},
    ev as (
      insert into events (project_id, contact_id, name, data)
      select up.project_id, up.id, :eventName, :eventData::jsonb from up
      returning id, created_at
    ),
    flip as (
      insert into events (project_id, contact_id, name)
      select up.project_id, up.id, case when up.subscribed then 'contact.subscribed' else 'contact.unsubscribed' end
      from up join prev on prev.id = up.id where prev.subscribed <> up.subscribed
    ),
    audit as (
      insert into activities (project_id, type, actor_type, actor_id, summary, request_id, ip, metadata)
      select up.project_id, x.type, :actorType, :actorId, x.summary, :requestId, :ip, x.metadata
      from up cross join ev left join prev on prev.id = up.id
      cross join lateral (values
        ('event.tracked', :summary || ' for ' || up.email, jsonb_build_object('eventId', ev.id, 'contactId', up.id), true),
        ('contact.created', 'Contact ' || up.email || ' created', jsonb_build_object('contactId', up.id), up.created),
        ('contact.updated', 'Contact ' || up.email || ' updated', jsonb_build_object('contactId', up.id),
          prev.id is not null and (prev.data is distinct from up.data or prev.subscribed <> up.subscribed)),
        (case when up.subscribed then 'contact.subscribed' else 'contact.unsubscribed' end,
          'Contact ' || up.email || case when up.subscribed then ' subscribed' else ' unsubscribed' end,
          jsonb_build_object('contactId', up.id), prev.id is not null and prev.subscribed <> up.subscribed)
      ) as x(type, summary, metadata, wanted)
      where x.wanted
    )
    select up.id as contact_id, ev.id as event_id, ev.created_at from up cross join ev`);

export async function trackEventStatement(database: Database, p: TrackStatementParams) {
  const values = {
    ...contactUpsertValues(p.contact),
    eventName: p.event.name,
    eventData: p.event.data === null ? null : JSON.stringify(p.event.data),
    ...p.audit,
  };
  const [row] = await database.runPrepared<{ contact_id: string; event_id: string; created_at: Date | string }>(
    'mailwright_track_v1',
    TRACK.text,
    bindValues(TRACK, values),
  );
  return { contact: row.contact_id, event: row.event_id, timestamp: new Date(row.created_at).toISOString() };
}
