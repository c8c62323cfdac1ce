export { applyBatch, DEFAULT_PROJECTION_BATCH_SIZE } from './batch.js';
export type { OwnedProjectionOptions, ProjectionLocks } from './ownership.js';
export { DEFAULT_OWNERSHIP_RETRY_MS, startOwnedProjection } from './ownership.js';
export { catchUpProjection, rebuildProjection } from './rebuild.js';
export { DEFAULT_RESTART_DELAY_MS, DEFAULT_WAIT_MS, startProjection } from './run.js';
export type {
  RenderedSql,
  Sql,
  SqlArg,
  SqlDialect,
  SqlIdentifier,
  SqlProjectionContext,
  SqlReader,
  SqlStatement,
  SqlValue,
} from './sql.js';
export { renderSql, sql } from './sql.js';
export type * from './types.js';
