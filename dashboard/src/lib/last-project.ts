const KEY = 'mailwright:lastProject';

export function getLastProject(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setLastProject(id: string | null): void {
  try {
    if (id) window.localStorage.setItem(KEY, id);
    else window.localStorage.removeItem(KEY);
  } catch {
    // Storage disabled (private mode): the redirect falls back to the first project.
  }
}
