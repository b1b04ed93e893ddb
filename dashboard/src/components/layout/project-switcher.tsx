import { useNavigate } from '@tanstack/react-router';
import type { ProjectSummary } from '../../api/types';

const CREATE = '__create__';

/** A native select: the most robust switcher for keyboard and screen-reader users. */
export function ProjectSwitcher({ projects, currentId }: { projects: ProjectSummary[]; currentId: string }) {
  const navigate = useNavigate();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="project-switcher" className="text-sm font-medium text-slate-700">
        Project
      </label>
      <select
        id="project-switcher"
        value={currentId}
        onChange={(event) => {
          const value = event.target.value;
          if (value === CREATE) void navigate({ to: '/new-project' });
          else void navigate({ to: '/p/$projectId/contacts', params: { projectId: value } });
        }}
        className="h-9 max-w-[14rem] min-w-0 flex-1 truncate rounded-md border border-slate-400 bg-white px-2 text-sm text-slate-900"
      >
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.disabled ? `${p.name} (disabled)` : p.name}
          </option>
        ))}
        <option value={CREATE}>+ Create project…</option>
      </select>
    </div>
  );
}
