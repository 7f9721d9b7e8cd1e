/**
 * The agents of the `override.halt.http.apart.*` cases, in a process of their own: `override-agents.ts <count>`
 * serves that many guards on loopback, prints their endpoints as one JSON line, and runs until stdin closes.
 */
import { servedAgent } from './override.js';

const count = Number(process.argv[2]);
const agents = await Promise.all(Array.from({ length: count }, (_, i) => servedAgent(i)));
process.stdout.write(`${JSON.stringify(agents.map((a) => a.endpoint))}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await Promise.all(agents.map((a) => a.close()));
  process.exit(0);
});
