// The same suite as http-conventions.test.ts, run on PostgreSQL: the trucking contract holds on both backends.
// Each test file runs in its own process, so the backend switch affects this file only.
process.env.TRUCKING_TEST_BACKEND = 'postgres';
await import('./http-conventions.test.js');
