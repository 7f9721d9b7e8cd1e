/**
 * A meter's ingestion as its own process, for the kill test: ingests records 0 … count−1 (countersigned, fixed)
 * into a SQLite ledger, printing `ack <record> <index>` once each ingestion resolved and `dup <record> <index>` for
 * one found already ingested. Arguments: <database file> <count>.
 */
import { ConsumptionLedger } from '../../src/index.js';
import { SqliteLedgerStore } from '../../src/sqlite.js';
import { clock, keys } from './fixtures.js';
import { countersignedRecord } from './records.js';

const [file, count] = process.argv.slice(2) as [string, string];
const store = new SqliteLedgerStore(file);
const ledger = new ConsumptionLedger({ store, keys, clock });
for (let i = 0; i < Number(count); i++) {
  try {
    const { index } = await ledger.ingest(countersignedRecord(i));
    process.stdout.write(`ack ${i} ${index}\n`);
  } catch (e) {
    const original = (e as { code?: string; original?: { index: number } }).original;
    if ((e as { code?: string }).code !== 'ERR_AU_RECORD_DUPLICATE' || !original) throw e;
    process.stdout.write(`dup ${i} ${original.index}\n`);
  }
}
store.close();
