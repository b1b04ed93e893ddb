import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { requireSession, sessionUser } from '../../http/auth.js';
import {
  addMemberBody,
  addMemberResponse,
  changeRoleBody,
  invitationParams,
  memberResponse,
  membersListResponse,
  projectMemberParams,
  toInvitationJson,
  toMemberJson,
} from './members.schemas.js';
import { addProjectMember, changeMemberRole, listProjectMembers, removeMember, revokeInvitation } from './members.service.js';
import { okResponse, projectIdParams } from './user-projects.schemas.js';
import { userContext } from './user-projects.routes.js';

// Members and invitations of a project: session only; the service checks the caller's role in :id.
export const memberRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const onRequest = requireSession(deps);
  const tags = ['members'];
  const security: never[] = [];

  app.get('/projects/:id/members', { onRequest, schema: { tags, security, params: projectIdParams, response: { 200: membersListResponse } } }, async (request) => {
    const { members, invitations } = await listProjectMembers(deps, sessionUser(request).id, request.params.id);
    return { members: members.map(toMemberJson), invitations: invitations.map(toInvitationJson) };
  });

  app.post(
    '/projects/:id/members',
    { onRequest, schema: { tags, security, params: projectIdParams, body: addMemberBody, response: { 201: addMemberResponse } } },
    async (request, reply) => {
      const result = await addProjectMember(deps, userContext(request), request.params.id, request.body);
      const body = result.status === 'added' ? { status: result.status, member: toMemberJson(result.member) } : { status: result.status, invitation: toInvitationJson(result.invitation) };
      return reply.status(201).send(body);
    },
  );

  app.patch(
    '/projects/:id/members/:userId',
    { onRequest, schema: { tags, security, params: projectMemberParams, body: changeRoleBody, response: { 200: memberResponse } } },
    async (request) => toMemberJson(await changeMemberRole(deps, userContext(request), request.params.id, request.params.userId, request.body.role)),
  );

  app.delete('/projects/:id/members/:userId', { onRequest, schema: { tags, security, params: projectMemberParams, response: { 200: okResponse } } }, async (request) => {
    await removeMember(deps, userContext(request), request.params.id, request.params.userId);
    return { success: true as const };
  });

  app.delete(
    '/projects/:id/invitations/:invitationId',
    { onRequest, schema: { tags, security, params: invitationParams, response: { 200: okResponse } } },
    async (request) => {
      await revokeInvitation(deps, userContext(request), request.params.id, request.params.invitationId);
      return { success: true as const };
    },
  );
};
