/**
 * A C2SP `tlog-checkpoint` signer and opener for the tests of the log: Ed25519 signed notes with Go's key ID
 * (spec §5.2). The package's own note module replaces it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  algorithmByName,
  concatBytes,
  generateKey,
  getBackend,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  utf8,
} from '@safety-net/core';
import type { CheckpointSigner, TreeHead } from '../../src/checkpoint/tree-head.js';
import { fromBase64, toBase64 } from '../../src/log/base64.js';

const ED25519 = algorithmByName('Ed25519');

export interface TestNoteKey {
  readonly name: string;
  readonly key: PrivateKey;
  readonly keyId: Uint8Array;
}

export function testNoteKey(name: string, seed = `note-key:${name}`): TestNoteKey {
  const key = generateKey('Ed25519', seededRandom(seed));
  const keyId = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, 0x01), key.x)).slice(0, 4);
  return { name, key, keyId };
}

export function checkpointBody(head: TreeHead): string {
  return `${head.origin}\n${head.size}\n${toBase64(head.rootHash)}\n`;
}

export function testCheckpointSigner(k: TestNoteKey): CheckpointSigner {
  return async (head) => {
    const body = checkpointBody(head);
    const signature = getBackend().sign(ED25519, k.key, utf8(body));
    return `${body}\n\u2014 ${k.name} ${toBase64(concatBytes(k.keyId, signature))}\n`;
  };
}

/** Verifies the note's signature by `k` and parses the checkpoint body; throws on anything else. */
export async function openTestCheckpoint(k: TestNoteKey, text: string): Promise<TreeHead> {
  const split = text.indexOf('\n\n');
  const body = text.slice(0, split + 1);
  const prefix = `\u2014 ${k.name} `;
  const line = text
    .slice(split + 2)
    .split('\n')
    .find((l) => l.startsWith(prefix));
  const sig = line === undefined ? undefined : fromBase64(line.slice(prefix.length));
  if (sig === undefined || sig.length !== 68 || !sig.slice(0, 4).every((b, i) => b === k.keyId[i]))
    throw new Error('unsigned');
  if (!getBackend().verify(ED25519, publicKeyOf(k.key), utf8(body), sig.slice(4))) throw new Error('bad signature');
  const [origin, size, root] = body.split('\n');
  const rootHash = fromBase64(root!);
  if (!rootHash || !/^(0|[1-9][0-9]*)$/.test(size!)) throw new Error('not a checkpoint');
  return { origin: origin!, size: Number(size), rootHash };
}
