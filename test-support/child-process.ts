import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** A TypeScript script running as a child process, for the tests that kill one mid-work (SIGKILL). */
export interface ScriptProcess {
  readonly child: ChildProcess;
  /** Resolves with the first output on stdout (trimmed); rejects when the process exits before writing any. */
  readonly firstOutput: Promise<string>;
  /** Kills it with SIGKILL — no cleanup, no flush — and resolves with the signal it ended by. */
  kill(): Promise<NodeJS.Signals | null>;
}

/** Starts `script` under Node with the workspace's `source` condition (through tsx), from the repository root. */
export function startScript(script: string, args: readonly string[]): ScriptProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...args], {
    cwd: repoRoot,
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
  const firstOutput = new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    void exited.then(() => reject(new Error(`${script} exited before writing: ${err}`)));
  });
  return {
    child,
    firstOutput,
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}
