import { main } from './main.js';

// Worker only: processes jobs from the shared database, serves no HTTP.
main(process.argv.slice(2), 'worker').catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
