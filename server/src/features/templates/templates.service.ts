import { AppError, notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Db, Executor } from '../../db/client.js';
import type { TemplateRow } from '../../db/schema/index.js';
import { validateTemplate } from '../../mail/render.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import type { CreateTemplateBody, ListTemplatesQuery, UpdateTemplateBody } from './templates.schemas.js';
import * as q from './templates.queries.js';

const MAX_NAME = 100;

/** Refuses Liquid that would fail in the worker, naming the field and the line (the first problem wins). */
export function assertValidTemplateSource(fields: { subject?: string; body?: string }) {
  for (const field of ['subject', 'body'] as const) {
    const source = fields[field];
    if (source === undefined) continue;
    const problem = validateTemplate(source);
    if (!problem) continue;
    const message = `Invalid template syntax in ${field}: ${problem.message}`;
    throw new AppError('VALIDATION_ERROR', message, {
      errors: [{ field, message, code: 'invalid_template' }],
      field,
      line: problem.line ?? null,
    });
  }
}

/** The project's template, or 404 TEMPLATE_NOT_FOUND (also for ids of other projects). */
export async function getTemplate(db: Executor, projectId: string, id: string): Promise<TemplateRow> {
  const row = isUuid(id) ? await q.findTemplate(db, projectId, id) : undefined;
  if (!row) throw notFound('TEMPLATE_NOT_FOUND', 'Template', id);
  return row;
}

export async function listTemplatePage(db: Db, projectId: string, query: ListTemplatesQuery) {
  const { page, pageSize } = query;
  const { rows, total } = await q.listTemplates(db, projectId, {
    search: query.search || undefined,
    type: query.type,
    sort: query.sort,
    dir: query.dir,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { data: rows, total, page, pageSize, totalPages: Math.ceil(total / pageSize) };
}

function audit(ctx: ProjectActionContext, type: string, template: Pick<TemplateRow, 'id' | 'name'>, summary: string, extra: Record<string, unknown> = {}) {
  return {
    projectId: ctx.projectId,
    actor: ctx.actor,
    requestId: ctx.requestId,
    ip: ctx.ip,
    type,
    summary,
    metadata: { templateId: template.id, name: template.name, ...extra },
  };
}

export async function createTemplate(db: Db, ctx: ProjectActionContext, input: CreateTemplateBody): Promise<TemplateRow> {
  assertValidTemplateSource(input);
  return db.transaction(async (tx) => {
    const row = await q.insertTemplate(tx, {
      projectId: ctx.projectId,
      name: input.name,
      description: input.description ?? null,
      subject: input.subject,
      body: input.body,
      from: input.from,
      fromName: input.fromName ?? null,
      replyTo: input.replyTo ?? null,
      type: input.type,
      disableFooter: input.disableFooter ?? false,
    });
    await recordActivity(tx, audit(ctx, 'template.created', row, `Template "${row.name}" created`, { type: row.type }));
    return row;
  });
}

export async function updateTemplate(db: Db, ctx: ProjectActionContext, id: string, input: UpdateTemplateBody): Promise<TemplateRow> {
  assertValidTemplateSource(input);
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as q.TemplateChanges;
  return db.transaction(async (tx) => {
    await getTemplate(tx, ctx.projectId, id);
    const row = (await q.updateTemplateRow(tx, ctx.projectId, id, changes))!;
    const fields = Object.keys(changes);
    await recordActivity(tx, audit(ctx, 'template.updated', row, `Template "${row.name}" updated (${fields.join(', ') || 'no changes'})`, { fields }));
    return row;
  });
}

export async function deleteTemplate(db: Db, ctx: ProjectActionContext, id: string): Promise<void> {
  await bulkDeleteTemplates(db, ctx, [id]);
}

/**
 * Deletes all of `ids` or none: every id must belong to the project (else 404 naming the first that
 * does not). Campaign and workflow references will be checked here once those features exist.
 */
export async function bulkDeleteTemplates(db: Db, ctx: ProjectActionContext, ids: string[]) {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const invalid = unique.find((id) => !isUuid(id));
  if (invalid) throw notFound('TEMPLATE_NOT_FOUND', 'Template', invalid);
  return db.transaction(async (tx) => {
    const owned = new Set(await q.lockTemplateIds(tx, ctx.projectId, unique));
    const missing = unique.find((id) => !owned.has(id));
    if (missing) throw notFound('TEMPLATE_NOT_FOUND', 'Template', missing);
    const deleted = await q.deleteTemplates(tx, ctx.projectId, unique);
    await recordActivity(
      tx,
      deleted.map((t) => audit(ctx, 'template.deleted', t, `Template "${t.name}" deleted`)),
    );
    return { deleted: deleted.length, ids: deleted.map((t) => t.id) };
  });
}

export async function duplicateTemplate(db: Db, ctx: ProjectActionContext, id: string): Promise<TemplateRow> {
  return db.transaction(async (tx) => {
    const source = await getTemplate(tx, ctx.projectId, id);
    const suffix = ' (copy)';
    const row = await q.insertTemplate(tx, {
      projectId: ctx.projectId,
      name: `${source.name.slice(0, MAX_NAME - suffix.length)}${suffix}`,
      description: source.description,
      subject: source.subject,
      body: source.body,
      from: source.from,
      fromName: source.fromName,
      replyTo: source.replyTo,
      type: source.type,
      disableFooter: source.disableFooter,
    });
    await recordActivity(tx, audit(ctx, 'template.duplicated', row, `Template "${source.name}" duplicated as "${row.name}"`, { sourceId: source.id }));
    return row;
  });
}

/**
 * Where a template is used. Campaigns and workflows do not exist yet, so both lists are empty; they
 * will be filled through those features' services (and deletes refused with 409 while referenced).
 */
export async function getTemplateUsage(db: Db, projectId: string, id: string) {
  await getTemplate(db, projectId, id);
  return { campaigns: [] as unknown[], workflows: [] as unknown[] };
}
