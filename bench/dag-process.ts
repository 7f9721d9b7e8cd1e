/**
 * The child process `run.ts` measures the DAG cases in. Arguments are the case-name filters; the results are
 * printed on stdout as one JSON object, progress goes to stderr.
 */
import { dagCases } from './dag.js';

const filters = process.argv.slice(2);
const results = await dagCases((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
process.stdout.write(JSON.stringify(results));
