import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AgentConfig } from './world.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./agent-process.ts', import.meta.url));

/** An agent running in a child process, reached only over HTTP on loopback. */
export interface AgentProcess {
  readonly url: string;
  /** Sends the agent a command of the scenario (`POST /work`) and resolves to its JSON answer. */
  work(command: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts an agent process and resolves once it listens. */
export async function spawnAgent(config: AgentConfig): Promise<AgentProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', script, JSON.stringify(config)],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`the ${config.role} agent exited (${code}): ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    async work(command) {
      const response = await fetch(`${url}/work`, { method: 'POST', body: JSON.stringify(command) });
      return (await response.json()) as Record<string, unknown>;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
