import type { Clock, RandomSource } from '@safety-net/core';
import { type CliIo, FileAccessError, FileTooLargeError } from './io.js';

/** An in-memory {@link CliIo}, with what the command printed. */
export interface MemoryIo extends CliIo {
  /** The files, by name; add or replace entries to feed one command's output to the next. */
  readonly files: Record<string, string | Uint8Array>;
  /** Lines written to standard output. */
  readonly out: string[];
  /** Lines written to standard error. */
  readonly err: string[];
}

/**
 * A {@link CliIo} over a map of file names to contents (text or bytes), collecting the output. For tests and for
 * running the command inside another program. Directories are the `/`-separated prefixes of the names.
 *
 * @example
 * ```ts
 * const io = memoryIo({ 'msg.hex': 'd28443a10126a0…' });
 * await main(['inspect', 'msg.hex'], io);
 * io.out; // the lines inspect printed
 * ```
 */
export function memoryIo(
  files: Readonly<Record<string, string | Uint8Array>> = {},
  options: { clock?: Clock; random?: RandomSource } = {},
): MemoryIo {
  const store: Record<string, string | Uint8Array> = { ...files };
  const out: string[] = [];
  const err: string[] = [];
  const encoder = new TextEncoder();
  const isDirectory = (path: string) => path === '.' || Object.keys(store).some((n) => n.startsWith(`${path}/`));
  return {
    files: store,
    out,
    err,
    ...options,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    readFile(path, maxBytes) {
      if (!Object.hasOwn(store, path)) throw new FileAccessError(path);
      const content = store[path]!;
      const bytes = typeof content === 'string' ? encoder.encode(content) : content;
      if (bytes.length > maxBytes) throw new FileTooLargeError(path, maxBytes);
      return bytes;
    },
    listJsonFiles: (dir) => {
      if (!isDirectory(dir)) throw new FileAccessError(dir);
      const prefix = dir === '.' ? '' : `${dir}/`;
      return Object.keys(store)
        .filter((n) => n.startsWith(prefix) && n.endsWith('.json'))
        .sort();
    },
    isDirectory,
  };
}
