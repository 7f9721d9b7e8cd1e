/**
 * One benchmark group in a process of its own: `group-process.ts <group> [filter…]` prints the results of the
 * group's selected cases on stdout as one JSON object; progress goes to stderr.
 */
import { caseFilter, GROUPS } from './groups.js';

const [name, ...filters] = process.argv.slice(2);
const measure = name === undefined ? undefined : GROUPS[name];
if (measure === undefined) throw new Error(`unknown benchmark group ${name}; known: ${Object.keys(GROUPS).join(', ')}`);
process.stdout.write(JSON.stringify(await measure(caseFilter(filters))));
