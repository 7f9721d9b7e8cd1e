import type { VectorFiles } from '@safety-net/conformance';
import type { Clock, RandomSource } from '@safety-net/core';

// Type imports only: the command's start (`--help`, `--version`) loads no package; each command loads what it needs.

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
   * The bytes of a file. Throws {@link FileAccessError} when it cannot be read, and {@link FileTooLargeError} when
   * it is longer than `maxBytes` (checked before it is read; the command reports `ERR_INPUT_TOO_LARGE`).
   * {@link nodeIo} reads standard input for the path `-`.
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

/** A file longer than the reader allows: the command reports it as `ERR_INPUT_TOO_LARGE` (exit 1). */
export class FileTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    super(`${path} is over ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}
