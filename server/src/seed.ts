import type { AppDeps } from './container.js';
import { countProjects, createProject } from './features/projects/projects.service.js';

/** First start of an empty embedded database: a demo project to try the API with. No user, no password. */
export async function seedDemoProject(deps: Pick<AppDeps, 'db' | 'masterKey'>): Promise<string | null> {
  if ((await countProjects(deps)) > 0) return null;
  const project = await createProject(deps, { actor: { type: 'system' } }, {
    name: 'Demo project',
    defaultFrom: 'hello@example.com',
    defaultFromName: 'Mailwright Demo',
  });
  return project.id;
}
