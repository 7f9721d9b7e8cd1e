import {
  type CborValue,
  decodeCbor,
  encodeCbor,
  fixedClock,
  isSafetyNetError,
  Tagged,
  toBase64Url,
} from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyForkFinding } from '../../src/fork/detect.js';
import { entryLeafHash } from '../../src/log/entry.js';
import { SAMPLE_NOW } from '../../src/messages/samples.js';
import { sampleEatClaims } from '../../src/messages/samples-disclosure.js';
import type { DisclosureRequest } from '../../src/trace/disclosures.js';
import { type TraceOptions, traceWorkflow } from '../../src/trace/trace-workflow.js';
import { Domain, type DomainOptions, WID } from './domains.js';

/** The unprotected header parameter of an SD-CWT presentation's disclosures (`sd_claims`). */
const SD_CLAIMS = 17;

const clock = fixedClock(SAMPLE_NOW * 1000);
let open: Domain[] = [];
afterEach(async () => {
  await Promise.all(open.map((d) => d.close()));
  open = [];
});

/**
 * hospital → pharmacy → insurer: the hospital's record sends ECT `ect-hp`, the pharmacy's first record receives it,
 * its second sends `ect-pi` to the insurer. The insurer's clock is behind: only causality orders its record last.
 */
async function scenario(opts: Partial<Record<'hospital' | 'pharmacy' | 'insurer', DomainOptions>> = {}) {
  const [h, p, i] = (['hospital', 'pharmacy', 'insurer'] as const).map((n) => new Domain(n, opts[n]));
  const hIdx = await h!.append([
    { ect: 'ect-hp', start: SAMPLE_NOW - 300, stitch: [h!.stitch('causes', p!, 'ect-hp')] },
  ]);
  const pIdx = await p!.append([
    { ect: 'ect-hp', start: SAMPLE_NOW - 200, stitch: [p!.stitch('caused_by', h!, 'ect-hp')] },
    { ect: 'ect-pi', after: ['ect-hp'], start: SAMPLE_NOW - 100, stitch: [p!.stitch('causes', i!, 'ect-pi')] },
  ]);
  const iIdx = await i!.append([
    { ect: 'ect-pi', start: SAMPLE_NOW - 400, stitch: [i!.stitch('caused_by', p!, 'ect-pi')] },
  ]);
  return { h: h!, p: p!, i: i!, hIdx, pIdx, iIdx };
}

async function serve(...domains: Domain[]) {
  for (const d of domains) await d.serve();
  open.push(...domains);
}

const options = (...domains: Domain[]): TraceOptions => ({
  logs: Object.fromEntries(domains.map((d) => [d.origin, d.config])),
  clock,
});
const timelineOf = (t: Awaited<ReturnType<typeof traceWorkflow>>) => t.timeline.map((r) => `${r.log}#${r.index}`);

describe('traceWorkflow across domains, each log over HTTP (spec §6)', () => {
  it('reconstructs a complete three-domain workflow in causal order, following stitches into discovered logs', async () => {
    const s = await scenario();
    await serve(s.h, s.p, s.i);
    const expected = [
      `${s.h.origin}#${s.hIdx[0]}`,
      ...s.pIdx.map((x) => `${s.p.origin}#${x}`),
      `${s.i.origin}#${s.iIdx[0]}`,
    ];
    const all = await traceWorkflow(WID, options(s.h, s.p, s.i));
    expect(all.missing).toEqual([]);
    expect(all.forks).toEqual([]);
    expect(timelineOf(all)).toEqual(expected);
    expect(all.timeline[0]!.claims.ect.jti).toBe('ect-hp');
    // Only the hospital's log configured: the others are reached through its stitches.
    const peers = new Map([s.p, s.i].map((d) => [d.origin, d.config]));
    const found = await traceWorkflow(WID, { ...options(s.h), discover: (o) => peers.get(o) });
    expect(found.missing).toEqual([]);
    expect(timelineOf(found)).toEqual(expected);
    // Without discovery, the pharmacy's log is not read, and says so.
    const alone = await traceWorkflow(WID, options(s.h));
    expect(timelineOf(alone)).toEqual(expected.slice(0, 1));
    expect(alone.missing).toEqual([{ kind: 'log_unreachable', log: s.p.origin, code: 'ERR_KEY_UNTRUSTED' }]);
  });

  it('names a peer record missing and a stitch that does not stitch back', async () => {
    const [h, p] = [new Domain('hospital'), new Domain('pharmacy')];
    const [lost, wrong] = await h.append([
      { ect: 'ect-lost', start: SAMPLE_NOW - 300, stitch: [h.stitch('causes', p, 'ect-lost')] },
      { ect: 'ect-wrong', start: SAMPLE_NOW - 250, stitch: [h.stitch('causes', p, 'ect-wrong')] },
    ]);
    // The pharmacy's record of `ect-wrong` claims it came from elsewhere: it does not stitch back.
    const [other] = await p.append([
      { ect: 'ect-wrong', start: SAMPLE_NOW - 200, stitch: [p.stitch('caused_by', new Domain('clinic'), 'ect-wrong')] },
    ]);
    await serve(h, p);
    const t = await traceWorkflow(WID, options(h, p));
    expect(t.missing).toEqual([
      { kind: 'peer_record_missing', log: p.origin, ect: 'ect-lost', from: { log: h.origin, index: lost } },
      {
        kind: 'stitch_unmatched',
        log: p.origin,
        ect: 'ect-wrong',
        from: { log: h.origin, index: wrong },
        peers: [other],
      },
      // The pharmacy's record names a log the auditor holds nothing for.
      { kind: 'log_unreachable', log: 'clinic.example/audit/main', code: 'ERR_KEY_UNTRUSTED' },
    ]);
    expect(timelineOf(t)).toEqual([`${h.origin}#${lost}`, `${h.origin}#${wrong}`, `${p.origin}#${other}`]);
  });

  it('reports a failing proof when the log serves a tampered tile, and keeps the rest', async () => {
    const flipLast = (path: string, body: Uint8Array) => {
      if (!path.includes('/tile/entries/')) return body;
      const out = body.slice();
      out[out.length - 1]! ^= 1;
      return out;
    };
    const s = await scenario({ pharmacy: { tamper: flipLast } });
    await serve(s.h, s.p, s.i);
    const t = await traceWorkflow(WID, options(s.h, s.p, s.i));
    // The pharmacy's last entry (its second record) is changed in the bundle: its inclusion fails.
    expect(t.missing).toEqual([
      { kind: 'proof_failed', log: s.p.origin, index: s.pIdx[1], code: 'ERR_AU_PROOF_INVALID' },
    ]);
    // Without the record that sent it, the insurer's record is ordered by its own (earlier) time alone.
    expect(timelineOf(t)).toEqual([
      `${s.i.origin}#${s.iIdx[0]}`,
      `${s.h.origin}#${s.hIdx[0]}`,
      `${s.p.origin}#${s.pIdx[0]}`,
    ]);
  });

  it('keeps an erased record in the timeline as an `erased` gap, only under a tombstone that verifies', async () => {
    const s = await scenario();
    // The pharmacy erased its first record's subject; the hospital's log holds a tombstone its domain did not sign.
    const tomb = await s.p.erase([s.pIdx[0]!]);
    const forged = await s.h.erase([s.hIdx[0]!], 'forger');
    await serve(s.h, s.p, s.i);
    const t = await traceWorkflow(WID, options(s.h, s.p, s.i));
    expect(timelineOf(t)).toEqual([
      `${s.h.origin}#${s.hIdx[0]}`,
      ...s.pIdx.map((x) => `${s.p.origin}#${x}`),
      `${s.i.origin}#${s.iIdx[0]}`,
    ]);
    expect(t.missing).toHaveLength(2);
    expect(t.missing).toContainEqual({
      kind: 'erased',
      log: s.p.origin,
      index: s.pIdx[0],
      tombstone: tomb,
      reason: 'erasure',
    });
    expect(t.missing).toContainEqual({
      kind: 'proof_failed',
      log: s.h.origin,
      index: forged,
      code: 'ERR_COSE_BAD_SIGNATURE',
    });
    // The erased record is still proven: its stitches are followed and stitch back.
    expect(t.timeline[1]!.claims.ect.jti).toBe('ect-hp');
    // Read with the key the pharmacy does not sign tombstones with, its tombstone is refused, not believed.
    const config = options(s.h, s.p, s.i);
    const wrongKey = await traceWorkflow(WID, {
      ...config,
      logs: { ...config.logs, [s.p.origin]: { ...s.p.config, tombstoneKey: s.h.config.key } },
    });
    expect(wrongKey.missing.filter((g) => g.log === s.p.origin)).toEqual([
      { kind: 'proof_failed', log: s.p.origin, index: tomb, code: 'ERR_COSE_BAD_SIGNATURE' },
    ]);
    expect(wrongKey.timeline).toHaveLength(4);
  });

  it('fills each record with the disclosures presented to the auditor, checked against the logged digests', async () => {
    const s = await scenario();
    await serve(s.h, s.p, s.i);
    const config = options(s.h, s.p, s.i);
    const presenting = (d: Domain, role = 'dpo', swap?: (r: DisclosureRequest) => DisclosureRequest) => ({
      ...d.config,
      role,
      disclosures: async (r: DisclosureRequest) => d.vault.present((swap?.(r) ?? r).leafHash, { role: 'dpo' }),
    });
    const plain = await traceWorkflow(WID, config);
    expect(plain.timeline.every((r) => r.disclosed.length === 0 && r.claims.reg.subjects?.length === 0)).toBe(true);
    const t = await traceWorkflow(WID, {
      ...config,
      logs: Object.fromEntries([s.h, s.p, s.i].map((d) => [d.origin, presenting(d)])),
    });
    expect(t.missing).toEqual([]);
    expect(t.timeline).toHaveLength(4);
    for (const record of t.timeline) {
      // The subjects the issuer redacted are back, each disclosure matched to a digest of the logged record.
      expect(record.disclosed.map((d) => d.path)).toContain('reg.subjects');
      expect(record.claims.reg.subjects).toEqual(sampleEatClaims.reg.subjects);
    }
    // Another record's presentation, a role that may not see what is presented, a source that fails: typed gaps.
    const leafOf = async (d: Domain, index: number) => entryLeafHash(await d.log.entry(index));
    const other = { index: s.pIdx[1]!, leafHash: await leafOf(s.p, s.pIdx[1]!) };
    const bad = await traceWorkflow(WID, {
      ...config,
      logs: {
        [s.h.origin]: presenting(s.h, 'gdpr_auditor'),
        [s.p.origin]: presenting(s.p, 'dpo', (r) => (r.index === s.pIdx[0] ? other : r)),
        [s.i.origin]: {
          ...s.i.config,
          disclosures: async () => {
            throw new Error('the bundle endpoint is down');
          },
        },
      },
    });
    expect(bad.missing).toHaveLength(3);
    expect(bad.missing).toContainEqual({
      kind: 'disclosure_invalid',
      log: s.h.origin,
      index: s.hIdx[0],
      code: 'ERR_AU_VISIBILITY',
    });
    expect(bad.missing).toContainEqual({
      kind: 'disclosure_invalid',
      log: s.p.origin,
      index: s.pIdx[0],
      code: 'ERR_AU_DISCLOSURE_INVALID',
    });
    expect(bad.missing).toContainEqual({
      kind: 'disclosure_invalid',
      log: s.i.origin,
      index: s.iIdx[0],
      code: 'ERR_INPUT_INVALID',
    });
    // The records stay, with what their leaves show; the pharmacy's second record is disclosed as presented.
    expect(timelineOf(bad)).toEqual(timelineOf(t));
    const byIndex = (log: string, index: number) => bad.timeline.find((r) => r.log === log && r.index === index)!;
    expect(byIndex(s.p.origin, s.pIdx[0]!).disclosed).toEqual([]);
    expect(byIndex(s.p.origin, s.pIdx[1]!).claims.reg.subjects).toEqual(sampleEatClaims.reg.subjects);
  });

  it('refuses a presentation whose disclosure matches no digest of the record', async () => {
    const s = await scenario();
    await serve(s.h, s.p, s.i);
    const config = options(s.h, s.p, s.i);
    // A disclosure of the pharmacy's second record slipped into the presentation of its first.
    const leaves = new Map<number, Uint8Array>();
    for (const i of s.pIdx) leaves.set(i, entryLeafHash(await s.p.log.entry(i)));
    const present = (i: number) => s.p.vault.present(leaves.get(i)!, { role: 'dpo' });
    const mixed = async (r: DisclosureRequest) => {
      const own = decodeCbor(await present(r.index)) as Tagged;
      if (r.index !== s.pIdx[0]) return encodeCbor(own);
      const foreign = decodeCbor(await present(s.pIdx[1]!)) as Tagged;
      const [p, u, payload, sig] = own.value as [Uint8Array, Map<number, CborValue>, Uint8Array, Uint8Array];
      const theirs = (foreign.value as [unknown, Map<number, CborValue>])[1].get(SD_CLAIMS) as Uint8Array[];
      const ours = [...(u.get(SD_CLAIMS) as Uint8Array[])];
      ours[0] = theirs[0]!;
      return encodeCbor(new Tagged(own.tag, [p, new Map([...u, [SD_CLAIMS, ours]]), payload, sig]));
    };
    const t = await traceWorkflow(WID, {
      ...config,
      logs: { ...config.logs, [s.p.origin]: { ...s.p.config, role: 'dpo', disclosures: mixed } },
    });
    expect(t.missing).toEqual([
      { kind: 'disclosure_invalid', log: s.p.origin, index: s.pIdx[0], code: 'ERR_AU_DISCLOSURE_INVALID' },
    ]);
    expect(t.timeline.find((r) => r.index === s.pIdx[1] && r.log === s.p.origin)!.disclosed.length).toBeGreaterThan(0);
  });

  it('does not rely on an unwitnessed checkpoint, nor on a log that is down', async () => {
    const s = await scenario({ insurer: { cosigned: false } });
    await serve(s.h, s.p, s.i);
    const t = await traceWorkflow(WID, options(s.h, s.p, s.i));
    expect(t.missing).toEqual([{ kind: 'checkpoint_unwitnessed', log: s.i.origin, code: 'ERR_AU_COSIGNATURE_QUORUM' }]);
    expect(timelineOf(t)).toEqual([`${s.h.origin}#${s.hIdx[0]}`, ...s.pIdx.map((x) => `${s.p.origin}#${x}`)]);
    const config = options(s.h, s.p, s.i);
    await s.i.close();
    const down = await traceWorkflow(WID, config);
    expect(down.missing).toEqual([{ kind: 'log_unreachable', log: s.i.origin, code: 'ERR_INPUT_INVALID' }]);
    expect(down.timeline).toHaveLength(3);
  });

  it('keeps a fork as evidence: a checkpoint the auditor holds and one served, same size, different roots', async () => {
    const s = await scenario();
    // The same log key signs another tree of the same size: what the auditor was shown before.
    const twin = new Domain('pharmacy');
    await twin.log.append([{ kind: 'eat', body: twin.record({ ect: 'other', start: SAMPLE_NOW - 9, wid: 'wf-y' }) }]);
    await twin.append([{ ect: 'ect-z', start: SAMPLE_NOW - 8, wid: 'wf-y' }]);
    expect((await twin.log.treeHead()).size).toBe((await s.p.log.treeHead()).size);
    await serve(s.h, s.p, s.i);
    const held = (await twin.log.checkpoint())!;
    const config = options(s.h, s.p, s.i);
    const t = await traceWorkflow(WID, {
      ...config,
      logs: { ...config.logs, [s.p.origin]: { ...s.p.config, held: [held] } },
    });
    expect(t.forks).toHaveLength(1);
    expect(t.forks[0]).toMatchObject({ origin: s.p.origin, kind: 'same_size', a: held, b: await s.p.log.checkpoint() });
    expect(verifyForkFinding(t.forks[0]!, { keys: [s.p.logVkey] })).toEqual(t.forks[0]);
    expect(t.missing).toEqual([]);
  });

  it('keeps a fork between sizes: a smaller checkpoint held whose root the served tree’s tiles do not prove', async () => {
    const s = await scenario();
    // The same log key signed a shorter tree whose first record is another: what the auditor was shown before.
    const twin = new Domain('pharmacy');
    await twin.log.append([{ kind: 'eat', body: twin.record({ ect: 'other', start: SAMPLE_NOW - 9, wid: 'wf-y' }) }]);
    // The served log's checkpoint before one more record of another workflow, also held: consistent, no fork.
    const honest = (await s.p.log.checkpoint())!;
    await s.p.append([{ ect: 'ect-later', start: SAMPLE_NOW - 5, wid: 'wf-other' }]);
    expect((await twin.log.treeHead()).size).toBeLessThan((await s.p.log.treeHead()).size);
    await serve(s.h, s.p, s.i);
    const held = (await twin.log.checkpoint())!;
    const config = options(s.h, s.p, s.i);
    const t = await traceWorkflow(WID, {
      ...config,
      logs: { ...config.logs, [s.p.origin]: { ...s.p.config, held: [honest, held] } },
    });
    expect(t.forks).toHaveLength(1);
    expect(t.forks[0]).toMatchObject({
      origin: s.p.origin,
      kind: 'inconsistent',
      a: held,
      b: await s.p.log.checkpoint(),
    });
    // Its first hash is the root the served tree gives its first entries, then the proof to its root.
    expect(t.forks[0]!.hashes![0]).toBe(toBase64Url(await s.p.log.rootAt(1)));
    expect(verifyForkFinding(t.forks[0]!, { keys: [s.p.logVkey] })).toEqual(t.forks[0]);
    expect(t.missing).toEqual([]);
    expect(t.timeline).toHaveLength(4);
  });

  it('throws only for invalid options and limits', async () => {
    const s = await scenario();
    await serve(s.h, s.p, s.i);
    const codeOf = async (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e) => (isSafetyNetError(e) ? e.code : String(e)),
      );
    const config = options(s.h, s.p, s.i);
    expect(await codeOf(traceWorkflow('', config))).toBe('ERR_AU_CONFIG_INVALID');
    expect(await codeOf(traceWorkflow(WID, { ...config, maxRecords: 0 }))).toBe('ERR_AU_CONFIG_INVALID');
    const wrongPolicy = { ...config.logs, [s.p.origin]: { ...s.p.config, policy: s.h.config.policy } };
    expect(await codeOf(traceWorkflow(WID, { ...config, logs: wrongPolicy }))).toBe('ERR_AU_CONFIG_INVALID');
    expect(await codeOf(traceWorkflow(WID, { ...config, maxRecords: 3 }))).toBe('ERR_AU_TRACE_LIMIT');
    expect(await codeOf(traceWorkflow(WID, { ...config, maxDomains: 2 }))).toBe('ERR_AU_TRACE_LIMIT');
    expect(await codeOf(traceWorkflow(WID, { ...options(s.h), maxDomains: 1, discover: () => s.p.config }))).toBe(
      'ERR_AU_TRACE_LIMIT',
    );
  });
});
