import type { VectorFiles } from '@safety-net/conformance';
import { type Clock, type RandomSource, snError } from '@safety-net/core';

/**
 * Everything the command touches outside itself. `main` takes one, so that every command runs in-process in tests
 * and in other tools; {@link nodeIo} is the real one, {@link memoryIo} keeps files and output in memory.
 */
export interface CliIo extends VectorFiles {
  /** Writes one line to standard output. */
  stdout(line: string): void;
  /** Writes one line to standard error. */
  stderr(line: string): void;
  /**
   * The bytes of a file. Throws {@link FileAccessError} when it cannot be read, and `ERR_INPUT_TOO_LARGE` when it
   * is longer than `maxBytes` (checked before it is read).
   */
  readFile(path: string, maxBytes: number): Uint8Array;
  /** Every `.json` file under `dir`, recursively, as paths that `readFile` accepts, sorted. */
  listJsonFiles(dir: string): string[];
  /** True when `path` is a directory. */
  isDirectory(path: string): boolean;
  /** Where `verify --type` reads the time when `--now` is not given. Default: the system clock. */
  readonly clock?: Clock;
  /** Where `keygen` draws key material. Default: the platform CSPRNG. */
  readonly random?: RandomSource;
}

/** A file that does not exist or cannot be read: a usage error for the command (exit 2). */
export class FileAccessError extends Error {
  constructor(readonly path: string) {
    super(`cannot read ${path}`);
    this.name = 'FileAccessError';
  }
}

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
      if (bytes.length > maxBytes) throw snError('ERR_INPUT_TOO_LARGE', `${path} is over ${maxBytes} bytes`);
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
