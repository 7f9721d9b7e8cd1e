/**
 * Behavioral Evidence Token cases: issuing a BET (Merkle root over 64 signed observations, verdict, Ed25519
 * signature) and appraising one (verification through a key set plus the policy checks). Keys, observations and
 * clocks are prepared once, up front.
 */
import { appraiseBet, issueBet } from '@safety-net/behavioral-verification';
import { fixedClock, generateKey, keySet, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import type { BenchGroup } from './signing.js';

const NOW = 1_767_225_600;
const VERIFIER = 'spiffe://example.org/monitor';
const AGENT = 'spiffe://example.org/agent/trader';
const PROFILE = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';

/** The BET cases, timed together. */
export function betGroup(): BenchGroup {
  const verifierKey = generateKey('Ed25519', seededRandom('bench-bet-verifier'));
  const clock = fixedClock(NOW * 1000);
  const random = seededRandom('bench-bet');
  const observations = Array.from({ length: 64 }, (_, i) => utf8(`observation-${i}`));
  const options = {
    verifierKey,
    verifier: VERIFIER,
    agent: AGENT,
    profile: PROFILE,
    observations,
    window: { from: NOW - 60, to: NOW },
    wid: 'wf-bench',
    clock,
    random,
  };
  const bytes = issueBet(options).bytes;
  const policy = {
    verifiers: keySet([{ key: publicKeyOf(verifierKey), issuers: [VERIFIER] }]),
    verifier: VERIFIER,
    profile: PROFILE,
    agent: AGENT,
    clock,
  };
  if (appraiseBet(bytes, policy).decision !== 'accept') throw new Error('bench BET is not accepted');
  return {
    title: 'Behavioral Evidence Tokens',
    cases: [
      { name: 'bv.bet.issue', run: () => issueBet(options), async: false },
      { name: 'bv.bet.appraise', run: () => appraiseBet(bytes, policy), async: false },
    ],
  };
}
