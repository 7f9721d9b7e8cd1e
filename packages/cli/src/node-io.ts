import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, FileAccessError, FileTooLargeError } from './io.js';

/** Opens a file, or reports it as unreadable; other failures are not expected here and propagate. */
function open(path: string): number {
  try {
    return openSync(path, 'r');
  } catch {
    throw new FileAccessError(path);
  }
}

/** Reads a whole file whose size is known to be within the limit; a file that grows meanwhile is cut off. */
function readBounded(path: string, maxBytes: number): Uint8Array {
  const fd = open(path);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileAccessError(path);
    if (stat.size > maxBytes) throw new FileTooLargeError(path, maxBytes);
    const buffer = new Uint8Array(stat.size);
    let filled = 0;
    while (filled < buffer.length) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (n === 0) break;
      filled += n;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** Standard input (`-`) to its end; more than `maxBytes` is refused as soon as it is seen, not read to the end. */
function readStdin(maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(65_536);
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      // Windows reports the end of a pipe as an error.
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw new FileAccessError('-');
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) throw new FileTooLargeError('-', maxBytes);
    chunks.push(chunk.subarray(0, n));
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listJsonFiles(dir: string): string[] {
  if (!isDirectory(dir)) throw new FileAccessError(dir);
  const out: string[] = [];
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) out.push(path);
    }
  };
  visit(dir);
  return out.sort();
}

/**
 * The real {@link CliIo}: the process's standard streams and file system, the system clock and CSPRNG.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), nodeIo());
 * ```
 */
export function nodeIo(): CliIo {
  return {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    readFile: (path, maxBytes) => (path === '-' ? readStdin(maxBytes) : readBounded(path, maxBytes)),
    listJsonFiles,
    isDirectory,
  };
}
