import { decodeSign1, isSafetyNetError, type KeyResolver, snError, verifySign1 } from '@safety-net/core';
import { auError } from '../errors.js';
import { type LogEntry, type LogEntryKind, logForm } from '../log/entry.js';

/**
 * Turns a registered message into its log entry, or throws: `ERR_KEY_UNTRUSTED` (403) when the signer may not
 * register, a profile refusal (422), any other error (400). Registration's policy lives here.
 */
export type Registrar = (message: Uint8Array) => Promise<LogEntry>;

/** The entry kind of each signed message type that may be logged as is (spec §2, §5.1), by COSE `typ`. */
export const LOGGABLE_TYPES: Readonly<Record<string, LogEntryKind>> = {
  'application/sd-cwt': 'eat',
  'application/au-tombstone+cwt': 'tombstone',
  'application/au-hold+cwt': 'hold',
  'application/au-statement+cwt': 'statement',
  'application/au-fork+cwt': 'fork',
};

/** Options of {@link signedMessageRegistrar}. */
export interface SignedMessageRegistrarOptions {
  /** The keys allowed to register with this log; a message signed by any other is `ERR_KEY_UNTRUSTED`. */
  readonly keys: KeyResolver;
  /** Entry kinds by `typ` (default {@link LOGGABLE_TYPES}). */
  readonly types?: Readonly<Record<string, LogEntryKind>>;
  /** Further checks of a verified message before it is logged (an EAT's profile checks, spec §4 and §3.3). */
  readonly check?: (kind: LogEntryKind, message: Uint8Array) => Promise<void>;
}

/**
 * A registrar of single-signer messages (COSE_Sign1): the signature must verify under a key allowed to register,
 * the `typ` must name a loggable type, and the entry holds the message's log form (no unprotected header).
 */
export function signedMessageRegistrar(options: SignedMessageRegistrarOptions): Registrar {
  const types = options.types ?? LOGGABLE_TYPES;
  return async (message) => {
    const decoded = decodeSign1(message);
    const typ = decoded.protectedHeader.get(16);
    const kind = typeof typ === 'string' ? types[typ] : undefined;
    if (kind === undefined) throw auError('ERR_AU_ENTRY_INVALID', `messages of typ ${String(typ)} are not logged`);
    try {
      verifySign1(decoded, { key: options.keys, requireProtectedAlg: true });
    } catch (e) {
      // A kid the log does not know is a signer it does not allow.
      if (isSafetyNetError(e) && e.code === 'ERR_KEY_NOT_FOUND') throw snError('ERR_KEY_UNTRUSTED', e.message);
      throw e;
    }
    await options.check?.(kind, message);
    return { kind, body: logForm(message) };
  };
}
