import { isUuid } from '../../core/ids.js';
import { AppError, notFound } from '../../core/errors.js';
import { safeEqual } from '../../core/crypto.js';
import type { Db } from '../../db/client.js';
import type { ProjectRow } from '../../db/schema/index.js';
import { recordActivity, type ActionContext } from '../activity/activity.service.js';
import { newKeyPair, parseKey, revealKeyPair, type KeyKind, type KeyPair } from '../keys/keys.js';
import { insertMember } from './members.queries.js';
import * as q from './projects.queries.js';

export interface ProjectDeps {
  db: Db;
  masterKey: Buffer;
}

export interface ProjectWithKeys {
  id: string;
  name: string;
  defaultFrom: string | null;
  publicKey: string;
  secretKey: string;
  createdAt: Date;
  updatedAt: Date;
  disabled: boolean;
}

const withKeys = (p: ProjectRow, keys: KeyPair): ProjectWithKeys => ({
  id: p.id,
  name: p.name,
  defaultFrom: p.defaultFrom,
  ...keys,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  disabled: p.disabled,
});

export async function createProject(
  deps: ProjectDeps,
  ctx: ActionContext,
  input: { name: string; defaultFrom?: string | null; defaultFromName?: string | null },
  opts: { ownerId?: string } = {},
): Promise<ProjectWithKeys> {
  const { pair, stored } = newKeyPair(deps.masterKey);
  return deps.db.transaction(async (tx) => {
    const project = await q.insertProject(tx, { ...input, keys: stored });
    // A project created from the dashboard is owned by its creator from its first moment.
    if (opts.ownerId) await insertMember(tx, { projectId: project.id, userId: opts.ownerId, role: 'OWNER' });
    await recordActivity(tx, {
      projectId: project.id,
      ...ctx,
      type: 'project.created',
      summary: `Project "${project.name}" created`,
    });
    return withKeys(project, pair);
  });
}


export async function getProjectKeys(deps: ProjectDeps, projectId: string): Promise<ProjectWithKeys> {
  const project = isUuid(projectId) ? await q.findProjectById(deps.db, projectId) : undefined;
  if (!project) throw notFound('PROJECT_NOT_FOUND', 'Project', projectId);
  return withKeys(project, revealKeyPair(project, deps.masterKey));
}

/** Replaces both keys in one statement; the old pair stops authenticating on the next request. */
export async function rotateProjectKeys(deps: ProjectDeps, ctx: ActionContext, projectId: string): Promise<ProjectWithKeys> {
  if (!isUuid(projectId)) throw notFound('PROJECT_NOT_FOUND', 'Project', projectId);
  const { pair, stored } = newKeyPair(deps.masterKey);
  return deps.db.transaction(async (tx) => {
    const project = await q.replaceProjectKeys(tx, projectId, stored);
    if (!project) throw notFound('PROJECT_NOT_FOUND', 'Project', projectId);
    await recordActivity(tx, {
      projectId,
      ...ctx,
      type: 'keys.rotated',
      summary: 'API keys regenerated (public and secret); the previous keys no longer work',
    });
    return withKeys(project, pair);
  });
}

/** The project row for internal callers (the delivery worker); undefined when it was deleted. */
export async function findProject(db: Db, projectId: string): Promise<ProjectRow | undefined> {
  return isUuid(projectId) ? q.findProjectById(db, projectId) : undefined;
}

export async function listProjects(deps: ProjectDeps) {
  return (await q.listProjects(deps.db)).map((p) => ({ id: p.id, name: p.name, defaultFrom: p.defaultFrom, createdAt: p.createdAt }));
}

export async function countProjects(deps: ProjectDeps) {
  return q.countProjects(deps.db);
}

/**
 * The instance's own project, which sends account mail (password resets, invitations) through the
 * normal pipeline. Created on first use; never listed, and no user can be a member of it.
 */
export async function ensureSystemProject(deps: ProjectDeps): Promise<ProjectRow> {
  const found = await q.findSystemProject(deps.db);
  if (found) return found;
  const { stored } = newKeyPair(deps.masterKey);
  return deps.db.transaction((tx) => q.findOrInsertSystemProject(tx, { name: 'Mailwright (system)', keys: stored }));
}

/**
 * Resolves the project for a bearer key. `allowed` lists the key kinds the route accepts;
 * a malformed, unknown, revoked or wrong-kind key all fail the same way.
 */
export async function authenticateKey(deps: Pick<ProjectDeps, 'db'>, token: string, allowed: KeyKind[]): Promise<{ project: ProjectRow; kind: KeyKind }> {
  const parsed = parseKey(token);
  if (!parsed || !allowed.includes(parsed.kind)) throw invalidKey(allowed);
  const project = await q.findProjectByKeyHash(deps.db, parsed.kind, parsed.hash);
  const storedHash = project && (parsed.kind === 'public' ? project.publicKeyHash : project.secretKeyHash);
  if (!project || !storedHash || !safeEqual(Buffer.from(storedHash, 'hex'), parsed.hash)) throw invalidKey(allowed);
  return { project, kind: parsed.kind };
}

function invalidKey(allowed: KeyKind[]): AppError {
  return new AppError(
    'INVALID_API_KEY',
    allowed.includes('public')
      ? 'Invalid API key. Use your project public key (pk_*) or secret key (sk_*).'
      : 'Invalid API key. This endpoint requires a secret key (sk_*), not a public key.',
  );
}
