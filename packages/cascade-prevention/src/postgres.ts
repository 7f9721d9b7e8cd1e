/**
 * `@safety-net/cascade-prevention/postgres`: the durable rollback store and participant store on PostgreSQL
 * (node-postgres), for coordinators and participants run as several instances. The driver is an optional peer
 * dependency: pass a `pg.Pool`; this entry never imports `pg` itself. Call `migrate(pool)` once at start-up.
 *
 * @packageDocumentation
 */
export { PostgresParticipantStore } from './store/postgres-participant-store.js';
export { migrate } from './store/postgres-schema.js';
export { PostgresRollbackStore } from './store/postgres-store.js';
