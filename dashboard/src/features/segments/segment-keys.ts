export const segmentKeys = {
  list: (projectId: string) => ['segments', projectId] as const,
  one: (projectId: string, id: string) => ['segment', projectId, id] as const,
  contacts: (projectId: string, id: string) => ['segment-contacts', projectId, id] as const,
  preview: (projectId: string) => ['segment-preview', projectId] as const,
  fields: (projectId: string) => ['contact-fields', projectId] as const,
  eventNames: (projectId: string) => ['event-names', projectId] as const,
};
