import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the store tests run against, named by `SAFETY_NET_TEST_PG_URL` (CI starts one with
 * `.ci/postgres`). Without it the PostgreSQL tests skip with {@link PG_MISSING} in their title; under CI=true its
 * absence is a failure, so CI cannot pass without having run them.
 */
export function pgTestUrl(): string | undefined {
  const url = process.env.SAFETY_NET_TEST_PG_URL;
  if (url) return url;
  if (process.env.CI === 'true') throw new Error('CI=true but SAFETY_NET_TEST_PG_URL is not set');
  return undefined;
}

/** Why a PostgreSQL test was skipped, for `describe.skipIf(...)` titles. */
export const PG_MISSING = 'skipped: SAFETY_NET_TEST_PG_URL is not set (start a server with .ci/postgres start DIR)';

/** A pool whose `search_path` is `schema`: every unqualified table name the stores use lands in that schema. */
export function poolOn(url: string, schema: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max });
}

/**
 * Fresh, private schemas on the test server, so that test files running in parallel (and tests within a file)
 * never see each other's tables. `close()` ends every pool handed out and drops the schemas.
 */
export class PgTestSchemas {
  readonly #url: string;
  readonly #pools: pg.Pool[] = [];
  readonly #schemas: string[] = [];

  constructor(url: string) {
    this.#url = url;
  }

  /** Creates an empty schema; resolves to its name. */
  async create(): Promise<string> {
    const schema = `sn_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: this.#url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
    } finally {
      await admin.end();
    }
    this.#schemas.push(schema);
    return schema;
  }

  /** Another pool on `schema`, as a second instance of a service would open. */
  pool(schema: string, max?: number): pg.Pool {
    const pool = poolOn(this.#url, schema, max);
    this.#pools.push(pool);
    return pool;
  }

  /** A pool on a new empty schema. */
  async fresh(): Promise<pg.Pool> {
    return this.pool(await this.create());
  }

  async close(): Promise<void> {
    await Promise.all(this.#pools.splice(0).map((p) => p.end()));
    const admin = new pg.Client({ connectionString: this.#url });
    await admin.connect();
    try {
      for (const schema of this.#schemas.splice(0)) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    } finally {
      await admin.end();
    }
  }
}
