/**
 * Opens the SQLite log in FILE, which migrates it to the current schema, for the kill test: prints `opening` just
 * before and `opened <ms>` once the store is open. Arguments: <FILE>.
 */
import { SqliteLogStore } from '../../src/sqlite.js';

const [file] = process.argv.slice(2) as [string];
process.stdout.write('opening\n');
const start = performance.now();
const store = new SqliteLogStore(file);
process.stdout.write(`opened ${Math.round(performance.now() - start)}\n`);
await store.close();
