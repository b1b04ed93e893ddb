/** A contact upsert, already split into what to set and what to delete (see contact-data.ts). */
export interface ContactUpsertParams {
  projectId: string;
  email: string;
  /** Keys to add or overwrite. */
  set: Record<string, unknown>;
  /** Keys to remove (sent as null). */
  unset: string[];
  /** Subscription for a contact this statement creates. */
  subscribedIfNew: boolean;
  /** Subscription to apply to an existing contact; null keeps its state. */
  subscribedIfExisting: boolean | null;
}

const NEW_DATA = `nullif((coalesce(c.data, '{}'::jsonb) - array(select jsonb_array_elements_text(:unset::jsonb))) || :set::jsonb, '{}'::jsonb)`;
const NEW_SUBSCRIBED = `coalesce(:subscribedIfExisting::boolean, c.subscribed)`;

/**
 * CTEs `prev` (the row before, locked) and `up` (the row after, with `created`), so a caller can
 * upsert a contact and write what follows from it in ONE statement: one round trip, atomic without
 * an explicit transaction. This is the hot path of /v1/track and /v1/send.
 *
 * If two requests create the same new contact at once, the second sees no `prev` row and reports
 * `created = false` without a previous state: the data is still merged correctly, only a
 * subscription flip in that same instant goes unreported.
 */
export const CONTACT_UPSERT_CTES = `
    prev as (
      select id, subscribed, data from contacts where project_id = :projectId::uuid and email = :email for update
    ),
    up as (
      insert into contacts as c (project_id, email, data, subscribed)
      -- Reading prev here makes it run (and take its lock) before the upsert: a row locked FOR UPDATE
      -- after this statement modified it would be skipped, hiding the previous state.
      select :projectId::uuid, :email, nullif(:set::jsonb, '{}'::jsonb), :subscribedIfNew::boolean
      where (select count(*) from prev) >= 0
      on conflict (project_id, email) do update set
        data = ${NEW_DATA},
        subscribed = ${NEW_SUBSCRIBED},
        updated_at = case when ${NEW_DATA} is distinct from c.data or ${NEW_SUBSCRIBED} <> c.subscribed then now() else c.updated_at end
      returning c.id, c.project_id, c.email, c.data, c.subscribed, c.created_at, c.updated_at, (c.xmax = 0) as created
    )`;

export function contactUpsertValues(p: ContactUpsertParams): Record<string, unknown> {
  return {
    projectId: p.projectId,
    email: p.email,
    set: JSON.stringify(p.set),
    unset: JSON.stringify(p.unset),
    subscribedIfNew: p.subscribedIfNew,
    subscribedIfExisting: p.subscribedIfExisting,
  };
}
