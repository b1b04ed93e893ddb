import { useContext, useEffect } from 'react';
import { ProjectContext } from '../features/projects/project-context';

/** Sets document.title to "<title> · <project> · Mailwright" while the page is mounted (null leaves it alone). */
export function usePageTitle(title: string | null): void {
  const projectName = useContext(ProjectContext)?.project.name;
  useEffect(() => {
    if (title === null) return;
    document.title = [title, projectName, 'Mailwright'].filter(Boolean).join(' · ');
  }, [title, projectName]);
}
