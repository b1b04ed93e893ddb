export const domainKeys = {
  list: (projectId: string) => ['domains', projectId] as const,
  one: (projectId: string, id: string) => ['domain', projectId, id] as const,
};
