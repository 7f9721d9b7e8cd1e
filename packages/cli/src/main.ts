import type { MessageTypeRegistry } from '@safety-net/core';
import packageJson from '../package.json' with { type: 'json' };
import { type CliIo, FileAccessError } from './io.js';
import { USAGE, UsageError } from './usage.js';

// Only this file, the usage text and the io types load when the command starts: each command, the message-type
// registry and core itself are imported when a command needs them, so that `--help` and `--version` answer at once.

/** Options for {@link main}. */
export interface MainOptions {
  /** Message types `--type` and `message-*` vectors may name. Default: @safety-net/conformance's `defaultRegistry`. */
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
async function report(e: unknown, io: CliIo): Promise<number> {
  if (e instanceof UsageError || e instanceof FileAccessError) {
    io.stderr(`safety-net: ${oneLine(e.message)}`);
    io.stderr(USAGE);
    return 2;
  }
  const { isSafetyNetError } = await import('@safety-net/core');
  if (isSafetyNetError(e)) {
    io.stderr(`${e.code}: ${oneLine(e.message)}`);
    return 1;
  }
  io.stderr(`ERR_INTERNAL: ${oneLine(describe(e))}`);
  return 1;
}

/** A command, loaded on first use; `registry` resolves the message types for those that name one. */
type Command = (args: readonly string[], io: CliIo, registry: () => Promise<MessageTypeRegistry>) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  keygen: async (args, io) => (await import('./commands/keygen.js')).keygenCommand(args, io),
  sign: async (args, io, registry) => (await import('./commands/sign.js')).signCommand(args, io, await registry()),
  verify: async (args, io, registry) =>
    (await import('./commands/verify.js')).verifyCommand(args, io, await registry()),
  inspect: async (args, io, registry) =>
    (await import('./commands/inspect.js')).inspectCommand(args, io, await registry()),
  vectors: async (args, io, registry) =>
    (await import('./commands/vectors.js')).vectorsCommand(args, io, await registry()),
  audit: async (args, io) => (await import('./commands/audit.js')).auditCommand(args, io),
};

async function dispatch(argv: readonly string[], io: CliIo, options: MainOptions): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) throw new UsageError('no command given');
  if (command === '--version') {
    io.stdout(packageJson.version);
    return 0;
  }
  if (['help', '--help', '-h'].includes(command) || args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command ${command}`);
  const registry = async () => options.registry ?? (await import('@safety-net/conformance')).defaultRegistry();
  return COMMANDS[command]!(args, io, registry);
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
    return await dispatch(argv, io, options);
  } catch (e) {
    return await report(e, io);
  }
}
