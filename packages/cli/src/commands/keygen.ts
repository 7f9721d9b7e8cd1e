import { ALGORITHMS, algorithmByName, generateKey, jwkThumbprint, keyToJwk, utf8 } from '@safety-net/core';
import { parseCommand, required } from '../args.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';

const OPTIONS = { alg: { type: 'string' }, kid: { type: 'string' } } as const;

/**
 * `safety-net keygen`: a new private key for the algorithm, printed as a JWK restricted to it. The curve is the
 * algorithm's own (EdDSA: Ed25519). `--kid thumbprint` sets the RFC 7638 thumbprint as the kid.
 */
export function keygenCommand(args: readonly string[], io: CliIo): number {
  const { flags } = parseCommand('keygen', args, OPTIONS, { min: 0, max: 0 });
  const name = required('keygen', flags.alg, 'alg');
  const names = [...ALGORITHMS.values()].map((a) => a.name);
  if (!names.includes(name)) throw new UsageError(`keygen: --alg must be one of ${names.join(', ')}`);
  if (flags.kid === '') throw new UsageError('keygen: --kid must not be empty');
  const alg = algorithmByName(name);
  const generated = generateKey(alg.profileCurves[0]!, io.random);
  const kid = flags.kid === 'thumbprint' ? jwkThumbprint(generated) : flags.kid;
  const key = { ...generated, alg: alg.id, ...(kid !== undefined ? { kid: utf8(kid) } : {}) };
  io.stdout(JSON.stringify(keyToJwk(key, { includePrivate: true }), null, 2));
  return 0;
}
