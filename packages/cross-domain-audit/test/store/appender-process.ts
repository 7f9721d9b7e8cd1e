/**
 * A log appender as its own process, for the kill test: appends batches of entries to the SQLite log in FILE and
 * prints, after each batch is acknowledged, one JSON line with the indices it was given. Runs until killed.
 * Arguments: <FILE> <run tag> [<mergeEvery>].
 */
import { SqliteLogStore } from '../../src/sqlite.js';
import { sampleEntry, testLog } from '../support/log-fixture.js';

const [file, tag, mergeEvery] = process.argv.slice(2) as [string, string, string | undefined];
const log = testLog(new SqliteLogStore(file, mergeEvery ? { mergeEvery: Number(mergeEvery) } : {}), 64);
for (let batch = 0; ; batch++) {
  const done = await log.append(Array.from({ length: 64 }, (_, i) => sampleEntry(batch * 64 + i, tag)));
  process.stdout.write(`${JSON.stringify({ batch, indices: done.map((d) => d.index) })}\n`);
}
