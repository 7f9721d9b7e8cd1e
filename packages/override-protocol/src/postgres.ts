/**
 * `@safety-net/override-protocol/postgres`: the control plane's store on PostgreSQL (node-postgres), for control
 * planes run as several instances over one database. The driver is an optional peer dependency: pass a `pg.Pool`;
 * this entry never imports `pg` itself. Call `migrateController(pool)` once at start-up.
 *
 * @packageDocumentation
 */
export { migrateController } from './store/postgres-controller-schema.js';
export { PostgresControllerStore } from './store/postgres-controller-store.js';
