import { defaultRegistry } from '@safety-net/conformance';
import { isSafetyNetError, type MessageTypeRegistry } from '@safety-net/core';
import { inspectCommand } from './commands/inspect.js';
import { keygenCommand } from './commands/keygen.js';
import { signCommand } from './commands/sign.js';
import { vectorsCommand } from './commands/vectors.js';
import { verifyCommand } from './commands/verify.js';
import { type CliIo, FileAccessError } from './io.js';
import { USAGE, UsageError } from './usage.js';

/** Options for {@link main}. */
export interface MainOptions {
  /** Message types `--type` and `message-*` vectors may name. Default: {@link defaultRegistry}. */
  registry?: MessageTypeRegistry;
}

const MAX_MESSAGE_CHARS = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** One printable line: error details can quote untrusted input, which must not reach a terminal raw. */
function oneLine(text: string): string {
  const clean = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}…` : clean;
}

/** What an unexpected error says about itself, without ever throwing. */
function describe(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    return 'an unprintable error';
  }
}

/** Prints a failure the way the exit status says: usage (2), Safety Net error (1), anything else (1). */
function report(e: unknown, io: CliIo): number {
  if (e instanceof UsageError || e instanceof FileAccessError) {
    io.stderr(`safety-net: ${oneLine(e.message)}`);
    io.stderr(USAGE);
    return 2;
  }
  if (isSafetyNetError(e)) {
    io.stderr(`${e.code}: ${oneLine(e.message)}`);
    return 1;
  }
  io.stderr(`ERR_INTERNAL: ${oneLine(describe(e))}`);
  return 1;
}

async function dispatch(argv: readonly string[], io: CliIo, registry: MessageTypeRegistry): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) throw new UsageError('no command given');
  if (
    command === 'help' ||
    args.includes('--help') ||
    args.includes('-h') ||
    command === '--help' ||
    command === '-h'
  ) {
    io.stdout(USAGE);
    return 0;
  }
  switch (command) {
    case 'keygen':
      return keygenCommand(args, io);
    case 'sign':
      return signCommand(args, io, registry);
    case 'verify':
      return verifyCommand(args, io, registry);
    case 'inspect':
      return inspectCommand(args, io, registry);
    case 'vectors':
      return vectorsCommand(args, io, registry);
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/**
 * Runs the `safety-net` command with `argv` (the arguments after the program name) and returns the exit status:
 * 0 success, 1 a verification or input failure (stderr `<ERR_CODE>: <message>`), 2 a usage error (message and
 * usage on stderr). Never throws and never prints a stack trace: an unexpected failure prints `ERR_INTERNAL: …`.
 *
 * @example
 * ```ts
 * const io = memoryIo();
 * const status = await main(['keygen', '--alg', 'Ed25519'], io); // 0; io.out[0] is the JWK
 * ```
 */
export async function main(argv: readonly string[], io: CliIo, options: MainOptions = {}): Promise<number> {
  try {
    return await dispatch(argv, io, options.registry ?? defaultRegistry());
  } catch (e) {
    return report(e, io);
  }
}
