import { fixedClock } from '@safety-net/core';
import {
  bytesKeyEncryptionKey,
  type DisclosureStore,
  DisclosureVault,
  Eraser,
  ReceiptIssuer,
  type TransparencyLog,
} from '../../src/index.js';
import { erasureSampleKey, sampleEatClaims } from '../../src/testing.js';

/** Past the sample record's 183-day minimum, within its 1,095-day maximum. */
export const clock = fixedClock((sampleEatClaims.iat + 200 * 86_400) * 1000);
export const vaultOver = (store: DisclosureStore) =>
  new DisclosureVault({ store, kek: bytesKeyEncryptionKey('k1', new Uint8Array(32).fill(3)) });
export function eraserOver(vault: DisclosureVault, log: TransparencyLog): Eraser {
  const key = erasureSampleKey();
  const receipts = new ReceiptIssuer({ origin: log.origin, key, clock });
  return new Eraser({ vault, log, receipts, key, issuer: 'audit.pharmacy.example', clock });
}
