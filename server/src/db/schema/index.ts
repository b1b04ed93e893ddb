export * from './projects.js';
export * from './contacts.js';
export * from './events.js';
export * from './emails.js';
export * from './activity.js';
export * from './templates.js';
export * from './idempotency.js';
export * from './jobs.js';
