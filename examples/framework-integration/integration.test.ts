import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../test-support/postgres.js';

// The consumer test runs this example against the packed packages; here it runs against the sources, so that a
// change that breaks it fails where it is made.

const root = fileURLToPath(new URL('../..', import.meta.url));
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

describe('example: framework integration', () => {
  it(`runs all four parts${url ? '' : ` (the PostgreSQL rollback ${PG_MISSING})`}`, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    if (url && schemas) {
      const database = new URL(url);
      database.searchParams.set('options', `-c search_path=${await schemas.create()}`);
      env.DATABASE_URL = database.href;
    }
    const cwd = mkdtempSync(join(tmpdir(), 'integration-'));
    try {
      const out = execFileSync(
        process.execPath,
        [
          join(root, 'node_modules/tsx/dist/cli.mjs'),
          '--conditions=source',
          join(root, 'examples/framework-integration/integration.mts'),
        ],
        { cwd, env, encoding: 'utf8' },
      );
      expect(out.trim().split('\n')).toEqual([
        'ECT over HTTP: a verified call served, a call without ECTs refused (401)',
        'monitor guard: web.search ran, shell.exec blocked before the tool ran',
        "composed policies: answered after 2 attempts; a caller's abort is not retried",
        'rollback on SQLite: the charge refunded once over HTTP, its result recorded in the same transaction',
        url
          ? 'rollback on PostgreSQL: the charge refunded once over HTTP, its result recorded in the same transaction'
          : 'rollback on PostgreSQL: skipped (DATABASE_URL is not set)',
      ]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
