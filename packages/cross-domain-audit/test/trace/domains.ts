/**
 * Domains for the trace tests: each with its own EAT key, log key and log, served over HTTP on loopback with its
 * workflow index behind a bearer token; checkpoints cosigned by one shared witness unless told otherwise.
 */
import { generateKey, publicKeyOf, seededRandom } from '@safety-net/core';
import { formatCheckpoint } from '../../src/checkpoint/checkpoint-text.js';
import { noteCheckpointSigner } from '../../src/checkpoint/note-signer.js';
import { bytesKeyEncryptionKey } from '../../src/erasure/kek.js';
import { MemoryDisclosureStore } from '../../src/erasure/memory-disclosure-store.js';
import { DisclosureVault } from '../../src/erasure/vault.js';
import { logForm } from '../../src/log/entry.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import type { EatClaims } from '../../src/messages/eat.js';
import { SAMPLE_NOW } from '../../src/messages/samples.js';
import { sampleEatClaims } from '../../src/messages/samples-disclosure.js';
import { sampleTombstoneClaims } from '../../src/messages/samples-erasure.js';
import { tombstone } from '../../src/messages/tombstone.js';
import { formatVerifierKey, noteSigner, noteVerifierOf } from '../../src/note/keys.js';
import { builtinProfiles } from '../../src/profiles/registry.js';
import { type IssuedEat, issueEat } from '../../src/sd/audit-token.js';
import { MemoryLogStore } from '../../src/store/memory-log-store.js';
import { logHandler } from '../../src/tiles/handler.js';
import type { TraceLog } from '../../src/trace/trace-workflow.js';
import { cosignatureLine, witnessSigner } from '../../src/witness/cosignature.js';
import { serveOnLoopback } from '../support/serve.js';

export const WID = 'wf-claim-88';
const WITNESS = witnessSigner('witness.example', generateKey('Ed25519', seededRandom('trace/witness')));
const WITNESS_VKEY = formatVerifierKey(noteVerifierOf(WITNESS));

type Stitch = NonNullable<EatClaims['stitch']>[number];

/** One record: the ECT it audits (`ect`), the ECTs before it in the workflow (`after`), its stitches. */
export interface RecordSpec {
  readonly ect: string;
  readonly after?: readonly string[];
  readonly start: number;
  readonly stitch?: readonly Stitch[];
  readonly wid?: string;
}

export interface DomainOptions {
  /** Checkpoints carry the witness's cosignature (default true). */
  readonly cosigned?: boolean;
  /** Rewrites answers on their way out, as a lying log would. */
  readonly tamper?: (path: string, body: Uint8Array) => Uint8Array;
}

export class Domain {
  readonly origin: string;
  readonly log: TransparencyLog;
  /** The domain's disclosure store: what it presents to an auditor. */
  readonly vault: DisclosureVault;
  readonly #eatKey;
  readonly #logKey;
  #server: Awaited<ReturnType<typeof serveOnLoopback>> | undefined;

  constructor(
    readonly name: string,
    readonly options: DomainOptions = {},
  ) {
    this.origin = `${name}.example/audit/main`;
    this.#eatKey = generateKey('Ed25519', seededRandom(`trace/${name}/eat`));
    this.#logKey = noteSigner(this.origin, generateKey('Ed25519', seededRandom(`trace/${name}/log`)));
    const kek = bytesKeyEncryptionKey('kek', new Uint8Array(32).fill(9), seededRandom(`trace/${name}/kek`));
    this.vault = new DisclosureVault({
      store: new MemoryDisclosureStore(),
      kek,
      random: seededRandom(`trace/${name}`),
    });
    const sign = noteCheckpointSigner(this.#logKey, this.origin);
    this.log = new TransparencyLog({
      origin: this.origin,
      store: new MemoryLogStore(),
      signer: async (head) => {
        const note = await sign(head);
        if (options.cosigned === false) return note;
        return `${note}${cosignatureLine(WITNESS, formatCheckpoint(head), SAMPLE_NOW - 60)}\n`;
      },
    });
  }

  /** An EAT of this domain for `spec`, issued as the domain would (redactions, decoys). */
  issue(spec: RecordSpec, jti = `eat-${this.name}-${spec.ect}`): IssuedEat<Uint8Array> {
    const claims: EatClaims = {
      ...sampleEatClaims,
      iss: `https://audit.${this.name}.example`,
      jti,
      // GDPR alone, so that its data protection officer may be shown the subjects.
      reg: { ...sampleEatClaims.reg, profiles: [builtinProfiles().ref('gdpr-art30')] },
      wid: spec.wid ?? WID,
      pred: [spec.ect, ...(spec.after ?? [])],
      ect: { ...sampleEatClaims.ect, jti: spec.ect, wid: spec.wid ?? WID },
      time: { start: spec.start, end: spec.start + 1 },
      iat: spec.start + 2,
      stitch: spec.stitch && spec.stitch.length > 0 ? [...spec.stitch] : undefined,
    };
    if (!claims.stitch) delete (claims as { stitch?: unknown }).stitch;
    return issueEat(claims, this.#eatKey, { random: seededRandom(jti) });
  }

  /** The log form of {@link issue}. */
  record(spec: RecordSpec, jti?: string): Uint8Array {
    return logForm(this.issue(spec, jti).token);
  }

  /** Logs records (and filler of another workflow around them), their disclosures kept in the domain's vault. */
  async append(specs: readonly RecordSpec[]): Promise<number[]> {
    const filler = this.record({ ect: `other-${this.name}-${this.log.origin}`, start: SAMPLE_NOW - 500, wid: 'wf-x' });
    const issued = specs.map((s) => this.issue(s));
    const done = await this.log.append([
      { kind: 'eat', body: filler },
      ...issued.map((i) => ({ kind: 'eat' as const, body: logForm(i.token) })),
    ]);
    for (const [k, i] of issued.entries()) await this.vault.storeEat(i, { entry: done[k + 1]!, subjects: new Map() });
    return done.slice(1).map((d) => d.index);
  }

  /** Logs a tombstone naming `entries`, signed by the domain's key or, as a forger would, by another. */
  async erase(entries: readonly number[], signer: 'domain' | 'forger' = 'domain'): Promise<number> {
    const key = signer === 'domain' ? this.#eatKey : generateKey('Ed25519', seededRandom(`trace/${this.name}/forger`));
    const claims = { ...sampleTombstoneClaims, iss: `https://audit.${this.name}.example`, entries: [...entries] };
    const message = tombstone.sign(claims, key);
    const [done] = await this.log.append([{ kind: 'tombstone', body: logForm(message) }]);
    return done!.index;
  }

  stitch(rel: Stitch['rel'], peer: Domain, ect: string, extra: Partial<Stitch> = {}): Stitch {
    return { rel, domain: `${peer.name}.example`, log: peer.origin, ect, ...extra };
  }

  async serve(): Promise<void> {
    const handle = logHandler({
      log: this.log,
      prefix: '/audit/main',
      authorizeAuditor: (r) => r.headers.get('authorization') === `Bearer ${this.name}-auditor`,
    });
    const tamper = this.options.tamper;
    this.#server = await serveOnLoopback(async (request) => {
      const response = await handle(request);
      if (!tamper || response.status !== 200) return response;
      const body = tamper(new URL(request.url).pathname, new Uint8Array(await response.arrayBuffer()));
      return new Response(body, { headers: response.headers });
    });
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }

  /** How an auditor reads this domain's log. */
  get config(): TraceLog {
    if (!this.#server) throw new Error(`${this.name} is not served`);
    return {
      prefix: `${this.#server.base}/audit/main`,
      policy: {
        log: { origin: this.origin, keys: [this.logVkey] },
        witnesses: [{ name: 'witness.example', key: WITNESS_VKEY }],
        quorum: 1,
      },
      key: publicKeyOf(this.#eatKey),
      authorization: `Bearer ${this.name}-auditor`,
    };
  }

  get logVkey(): string {
    return formatVerifierKey(noteVerifierOf(this.#logKey));
  }
}
