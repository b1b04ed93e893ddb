import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import type {} from '../../http/route-config.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { contactBulkRoutes } from './contact-bulk.routes.js';
import { contactExportRoutes } from './contact-export.routes.js';
import { contactImportRoutes } from './contact-import.routes.js';
import { deleteContactField, fieldUsage, listContactFields, listFieldValues } from './contact-fields.service.js';
import { getContact, listContacts, lookupContacts } from './contact-list.service.js';
import { deleteContact, saveContact, updateContact } from './contact-writes.service.js';
import {
  contactIdParams,
  contactJson,
  contactPage,
  contactWithMeta,
  createContactBody,
  deleteFieldResponse,
  fieldParams,
  fieldsResponse,
  fieldUsageResponse,
  fieldValuesQuery,
  fieldValuesResponse,
  listContactsQuery,
  lookupBody,
  lookupResponse,
  toContactJson,
  updateContactBody,
} from './contacts.schemas.js';

// Contacts answer with bare resource JSON (no {success, data} envelope), as Plunk's do.
export const contactRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireProjectAccess(deps);
  // Writes share one rate-limit bucket (read by http/rate-limit.ts).
  const write = { onRequest: secret, config: { rateLimitBucket: 'contacts:write' as const } };
  // CSV import/export and bulk actions (background jobs), each in its own plugin.
  for (const routes of [contactImportRoutes, contactExportRoutes, contactBulkRoutes]) await app.register(routes(deps));

  app.get('/contacts', { onRequest: secret, schema: { querystring: listContactsQuery, response: { 200: contactPage } } }, async (request) => {
    const page = await listContacts(deps, actionContext(request).projectId, request.query);
    return { ...page, data: page.data.map(toContactJson) };
  });

  app.get('/contacts/fields', { onRequest: secret, schema: { response: { 200: fieldsResponse } } }, async (request) =>
    listContactFields(deps.db, actionContext(request).projectId),
  );

  app.get(
    '/contacts/fields/:field/values',
    { onRequest: secret, schema: { params: fieldParams, querystring: fieldValuesQuery, response: { 200: fieldValuesResponse } } },
    async (request) => listFieldValues(deps.db, actionContext(request).projectId, request.params.field, request.query.limit),
  );

  app.get('/contacts/fields/:field/usage', { onRequest: secret, schema: { params: fieldParams, response: { 200: fieldUsageResponse } } }, async (request) =>
    fieldUsage(request.params.field),
  );

  // With an Idempotency-Key the batched strip runs inside the key's transaction (all or nothing);
  // without one each batch commits on its own, as before.
  app.delete('/contacts/fields/:field', { ...write, schema: { params: fieldParams, response: { 200: deleteFieldResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 200,
      body: await deleteContactField(db, ctx, request.params.field),
    }));
    return sendStored(reply, result);
  });

  app.post('/contacts/lookup', { onRequest: secret, schema: { body: lookupBody, response: { 200: lookupResponse } } }, async (request) => {
    const { found, notFound } = await lookupContacts(deps.db, actionContext(request).projectId, request.body.emails);
    return { found: found.map((f) => ({ email: f.email, contact: toContactJson(f.contact) })), notFound };
  });

  app.get('/contacts/:id', { onRequest: secret, schema: { params: contactIdParams, response: { 200: contactJson } } }, async (request) =>
    toContactJson(await getContact(deps.db, actionContext(request).projectId, request.params.id)),
  );

  app.post('/contacts', { ...write, schema: { body: createContactBody, response: { 200: contactWithMeta, 201: contactWithMeta } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      const { contact, created } = await saveContact({ ...deps, db }, ctx, request.body);
      return { status: created ? 201 : 200, body: { ...toContactJson(contact), _meta: { isNew: created, isUpdate: !created } } };
    });
    return sendStored(reply, result);
  });

  app.patch('/contacts/:id', { ...write, schema: { params: contactIdParams, body: updateContactBody, response: { 200: contactJson } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 200,
      body: toContactJson(await updateContact({ ...deps, db }, ctx, request.params.id, request.body)),
    }));
    return sendStored(reply, result);
  });

  app.delete('/contacts/:id', { ...write, schema: { params: contactIdParams } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      await deleteContact({ ...deps, db }, ctx, request.params.id);
      return { status: 204, body: null };
    });
    return sendStored(reply, result);
  });
};
