import { fromUtf8, snError } from '@safety-net/core';
import type { WitnessPolicy } from '@safety-net/cross-domain-audit';
import { readBytes } from '../inputs.js';
import type { CliIo } from '../io.js';

/** The policy file as JSON; its content is checked by the package (`ERR_AU_CONFIG_INVALID`). */
export function readPolicy(io: CliIo, path: string): WitnessPolicy {
  const bytes = readBytes(io, path, 65_536);
  try {
    return JSON.parse(fromUtf8(bytes)) as WitnessPolicy;
  } catch {
    throw snError('ERR_INPUT_INVALID', `${path} is not a JSON witness policy`);
  }
}
