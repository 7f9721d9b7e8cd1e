/**
 * A process that logs and stores one EAT on SQLite, then erases its first subject and SIGKILLs itself at the point
 * named by its second argument: `before-destroy`, `after-destroy` (key destroyed, tombstone not yet appended) or
 * `after-append` (tombstone appended, intent not yet completed).
 */
import { join } from 'node:path';
import { seededRandom } from '@safety-net/core';
import { type ErasureIntent, issueEat, logForm } from '../../src/index.js';
import { SqliteDisclosureStore, SqliteLogStore } from '../../src/sqlite.js';
import { EAT_SAMPLE_KEYS, sampleEatClaims } from '../../src/testing.js';
import { testLog } from '../support/log-fixture.js';
import { eraserOver, vaultOver } from './process-fixture.js';

const [dir, point] = process.argv.slice(2) as [string, string];
const die = () => process.kill(process.pid, 'SIGKILL');

class KilledStore extends SqliteDisclosureStore {
  override async destroy(intent: ErasureIntent) {
    if (point === 'before-destroy') die();
    const done = await super.destroy(intent);
    if (point === 'after-destroy') die();
    return done;
  }
  override async completeIntent(id: string) {
    if (point === 'after-append') die();
    await super.completeIntent(id);
  }
}

const store = new KilledStore(join(dir, 'vault.db'));
const log = testLog(new SqliteLogStore(join(dir, 'log.db')));
const vault = vaultOver(store);
const issued = issueEat(sampleEatClaims, EAT_SAMPLE_KEYS.domain, { random: seededRandom('kill') });
const entry = await log.add({ kind: 'eat', body: logForm(issued.token) });
const subjects = issued.disclosures.filter((d) => d.path === 'reg.subjects');
await vault.storeEat(issued, { entry, subjects: new Map(subjects.map((d, i) => [d.digest, `patient-${i}`])) });
await eraserOver(vault, log).erase('patient-0');
