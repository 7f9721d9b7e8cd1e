import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { startAgent } from './agent.js';
import type { AgentConfig } from './world.js';

// One agent of the chain in its own process: `node --conditions=source --import tsx agent-process.ts <config>`.
// It serves on a loopback port and prints its base URL as its first line of output.
const config = JSON.parse(process.argv[2]!) as AgentConfig;
let base = '';
const agent = await startAgent(config, () => base);
const server = createAdaptorServer({ fetch: agent.handle });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
process.stdout.write(`${base}\n`);
process.on('SIGTERM', () => {
  server.close();
  void agent.close().finally(() => process.exit(0));
});
