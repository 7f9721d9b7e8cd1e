/**
 * Domains for the erasure propagation tests: each with its own key, log and disclosure vault, an eraser that knows
 * the others as peers, and its log's HTTP surface (with the erasure desk) served on loopback.
 */
import { fixedClock, publicKeyOf, seededRandom } from '@safety-net/core';
import {
  bytesKeyEncryptionKey,
  type DisclosureStore,
  DisclosureVault,
  type EatClaims,
  Eraser,
  type EraserOptions,
  ErasureDesk,
  issueEat,
  logForm,
  logHandler,
  MemoryDisclosureStore,
  MemoryLogStore,
  type PeerDomain,
  ReceiptIssuer,
  type TransparencyLog,
} from '../../src/index.js';
import { EAT_SAMPLE_KEYS, erasureSampleKey, SAMPLE_NOW, sampleEatClaims } from '../../src/testing.js';
import { testLog } from '../support/log-fixture.js';
import { serveOnLoopback } from '../support/serve.js';

type Stitch = NonNullable<EatClaims['stitch']>[number];

export class ErasureDomain {
  /** How stitches name it, e.g. `pharmacy.example`. */
  readonly domain: string;
  /** `iss` of its messages, e.g. `audit.pharmacy.example`. */
  readonly issuer: string;
  readonly key;
  readonly log: TransparencyLog;
  readonly vault: DisclosureVault;
  eraser!: Eraser;
  desk!: ErasureDesk;
  #server: Awaited<ReturnType<typeof serveOnLoopback>> | undefined;
  #port = 0;
  #handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 404 });

  constructor(
    readonly name: string,
    store: DisclosureStore = new MemoryDisclosureStore(),
  ) {
    this.domain = `${name}.example`;
    this.issuer = `audit.${name}.example`;
    this.key = erasureSampleKey(this.issuer);
    this.log = testLog(new MemoryLogStore());
    const kek = bytesKeyEncryptionKey('kek', new Uint8Array(32).fill(3), seededRandom(`erase/${name}/kek`));
    this.vault = new DisclosureVault({ store, kek, random: seededRandom(`erase/${name}`) });
  }

  /** This domain as its peers configure it. */
  get asPeer(): PeerDomain {
    return {
      domain: this.domain,
      issuer: this.issuer,
      key: publicKeyOf(this.key),
      endpoint: this.endpoint,
    };
  }

  /** Serves the log and, once connected, its erasure desk; served again after `close`, on its old port. */
  async serve(): Promise<void> {
    this.#server = await serveOnLoopback((request) => this.#handle(request), this.#port);
    this.#port = Number(new URL(this.#server.base).port);
  }

  /** Makes the eraser and the erasure desk, both knowing `peers` (served before, so that their endpoints are known). */
  connect(
    peers: readonly ErasureDomain[],
    clock = fixedClock(SAMPLE_NOW * 1000),
    holdIssuers: EraserOptions['holdIssuers'] = [],
  ): void {
    const asPeers = peers.map((p) => p.asPeer);
    const receipts = new ReceiptIssuer({ origin: this.log.origin, key: this.key, clock });
    this.eraser = new Eraser({
      vault: this.vault,
      log: this.log,
      receipts,
      key: this.key,
      issuer: this.issuer,
      clock,
      random: seededRandom(`erase/${this.name}/ids`),
      peers: asPeers,
      holdIssuers,
    });
    this.desk = new ErasureDesk({
      eraser: this.eraser,
      vault: this.vault,
      audience: this.issuer,
      peers: asPeers,
      clock,
    });
    this.#handle = logHandler({ log: this.log, prefix: '/audit/main', erasureDesk: this.desk });
  }

  /** Where peers post Erasure Requests to this domain. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}/audit/main/erasure-request`;
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }

  /**
   * Logs a record of one subject (`pseudonym`), or of each of `pseudonym`'s subjects (at most two), with `stitches`,
   * its disclosures kept in the vault; returns the first subject's disclosure and every subject's.
   */
  async record(ect: string, pseudonym: string | readonly string[], stitches: readonly Stitch[]) {
    const pseudonyms = typeof pseudonym === 'string' ? [pseudonym] : pseudonym;
    const { stitch: _, ...unstitched } = sampleEatClaims;
    const claims: EatClaims = {
      ...unstitched,
      iss: `https://${this.issuer}`,
      jti: `eat-${this.name}-${ect}`,
      ect: { ...sampleEatClaims.ect, jti: ect },
      pred: [ect],
      reg: {
        ...sampleEatClaims.reg,
        profiles: [sampleEatClaims.reg.profiles[0]!],
        subjects: sampleEatClaims.reg.subjects!.slice(0, pseudonyms.length),
      },
      ...(stitches.length > 0 ? { stitch: [...stitches] } : {}),
    };
    const issued = issueEat(claims, EAT_SAMPLE_KEYS.domain, { random: seededRandom(claims.jti) });
    const entry = await this.log.add({ kind: 'eat', body: logForm(issued.token) });
    const subjects = issued.disclosures.filter((d) => d.path === 'reg.subjects');
    await this.vault.storeEat(issued, { entry, subjects: new Map(subjects.map((s, i) => [s.digest, pseudonyms[i]!])) });
    const [first] = subjects;
    return { entry, digest: first!.digest, disclosure: first!.disclosure, subjects };
  }

  stitch(rel: Stitch['rel'], peer: ErasureDomain, ect: string): Stitch {
    return { rel, domain: peer.domain, log: peer.log.origin, ect };
  }
}
