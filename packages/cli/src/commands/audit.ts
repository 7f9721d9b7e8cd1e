import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';

/** An auditor's subcommand, loaded on first use (with @safety-net/cross-domain-audit). */
type Subcommand = (args: readonly string[], io: CliIo) => Promise<number>;

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  'verify-bundle': async (args, io) => (await import('./audit-verify-bundle.js')).verifyBundleCommand(args, io),
  'verify-note': async (args, io) => (await import('./audit-verify-note.js')).verifyNoteCommand(args, io),
  'verify-receipt': async (args, io) => (await import('./audit-verify-receipt.js')).verifyReceiptCommand(args, io),
  'verify-sd': async (args, io) => (await import('./audit-verify-sd.js')).verifySdCommand(args, io),
};

/** `safety-net audit <subcommand>`: offline verification of what a cross-domain audit log publishes. */
export async function auditCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) throw new UsageError('audit: no subcommand given');
  if (!Object.hasOwn(SUBCOMMANDS, name)) throw new UsageError(`audit: unknown subcommand ${name}`);
  return SUBCOMMANDS[name]!(rest, io);
}
