import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { type Clock, KeySet, type PrivateKey, publicKeyOf, toBase64Url } from '@safety-net/core';
import {
  assertRequiredFields,
  encodeLogEntry,
  entryLeafHash,
  formatVerifierKey,
  type LogEntryKind,
  logForm,
  logHandler,
  type NoteSigner,
  noteCheckpointSigner,
  noteSigner,
  noteVerifierOf,
  ReceiptIssuer,
  signedMessageRegistrar,
  TileLogClient,
  TransparencyLog,
  verifyCheckpoint,
  verifyEat,
  verifyReceipt,
} from '@safety-net/cross-domain-audit';
import { SqliteLogStore } from '@safety-net/cross-domain-audit/sqlite';
import { auditorToken, type DomainName, keyOf, LOG_PREFIX, originOf } from './world.js';

const CHECKPOINT_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=2' };

/** Whether `request` carries `Authorization: Bearer <token>`, compared in constant time. */
function holdsToken(request: Request, token: string): boolean {
  const given = Buffer.from(request.headers.get('authorization') ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What registration returned: where the record landed and the log's receipt for it. */
export interface Registered {
  readonly index: number;
  /** The leaf hash, unpadded base64url: what a peer's stitch names as `entry` (spec §3.1). */
  readonly entry: string;
  readonly receipt: Uint8Array;
}

/**
 * One organisation: its record key, its log in SQLite with a checkpoint key and a receipt key, served over HTTP on
 * loopback (`tlog-tiles` read API and registration under `/audit/main`), and whatever else it serves (`extra`,
 * e.g. a witness).
 */
export class Domain {
  readonly origin: string;
  /** Signs the domain's records: EATs, consumption records, statements, settlements. */
  readonly key: PrivateKey;
  /** The key the domain's EATs name in `cnf`: the one that presents their disclosures. */
  readonly presenter: PrivateKey;
  readonly noteKey: NoteSigner;
  /** The log's verifier key in Go's `name+hash+key` form, what witnesses and auditors trust. */
  readonly logVkey: string;
  readonly receiptKey: PrivateKey;
  readonly log: TransparencyLog;
  readonly receipts: ReceiptIssuer;
  readonly #store: SqliteLogStore;
  /** Checkpoints the log's witnesses cosigned, by the log's own note: served in its place while it is the latest. */
  readonly #cosigned = new Map<string, string>();
  #server?: ReturnType<typeof createAdaptorServer>;
  #base = '';

  constructor(
    readonly name: DomainName,
    dir: string,
    readonly clock: Clock,
  ) {
    this.origin = originOf(name);
    this.key = keyOf(name, 'records');
    this.presenter = keyOf(name, 'presenter');
    this.receiptKey = keyOf(name, 'receipts');
    this.noteKey = noteSigner(this.origin, keyOf(name, 'log'));
    this.logVkey = formatVerifierKey(noteVerifierOf(this.noteKey));
    this.#store = new SqliteLogStore(join(dir, `${name}.db`));
    this.log = new TransparencyLog({
      origin: this.origin,
      store: this.#store,
      signer: noteCheckpointSigner(this.noteKey, this.origin),
    });
    this.receipts = new ReceiptIssuer({ origin: this.origin, key: this.receiptKey, clock });
  }

  /** Serves the log (and `extra` under its own paths) on a loopback port. */
  async listen(extra?: { path: string; handler: (request: Request) => Promise<Response> }): Promise<void> {
    const ownKey = publicKeyOf(this.key);
    const registrar = signedMessageRegistrar({
      // Only the domain itself registers in its own log.
      keys: new KeySet([{ key: ownKey }]),
      // An EAT is registered as a presentation with every disclosure, so the profile checks see every field; the
      // entry keeps its issued form only.
      check: async (kind, message) => {
        if (kind !== 'eat') return;
        const verified = await verifyEat(message, { key: ownKey, clock: this.clock });
        if (!verified.ok) throw verified.error;
        assertRequiredFields(verified.claims, verified.profiles);
      },
    });
    const log = logHandler({
      log: this.log,
      prefix: LOG_PREFIX,
      registrar,
      receipts: this.receipts,
      // The workflow index (`…/wid/<id>`) is for the auditor holding the domain's token; anyone else gets 401.
      authorizeAuditor: (request) => holdsToken(request, auditorToken(this.name)),
    });
    const server = createAdaptorServer({
      fetch: async (request: Request) => {
        const path = new URL(request.url).pathname;
        if (extra && path.startsWith(extra.path)) return extra.handler(request);
        const latest = path === `${LOG_PREFIX}/checkpoint` ? await this.log.checkpoint() : undefined;
        const cosigned = latest && this.#cosigned.get(latest);
        return cosigned ? new Response(cosigned, { headers: CHECKPOINT_HEADERS }) : log(request);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A checkpoint with its witnesses' cosignatures, which `GET …/checkpoint` serves while it is the latest. */
  publishCosigned(checkpoint: string, cosigned: string): void {
    this.#cosigned.set(checkpoint, cosigned);
  }

  get base(): string {
    return this.#base;
  }

  /** The log's URL prefix, as peers and auditors read it. */
  get logUrl(): string {
    return `${this.#base}${LOG_PREFIX}`;
  }

  /** A reader of this domain's log over HTTP that trusts the log's key only (no witness). */
  reader(): TileLogClient {
    return new TileLogClient({
      prefix: this.logUrl,
      openCheckpoint: async (text) => verifyCheckpoint(text, [this.logVkey], { origin: this.origin }),
    });
  }

  /**
   * Registers a signed message over HTTP (`POST …/add-entry`) and checks the receipt it gets back against the log's
   * current checkpoint, read and verified from the tiles as any peer would.
   */
  async register(message: Uint8Array, kind: LogEntryKind): Promise<Registered> {
    const response = await fetch(`${this.logUrl}/add-entry`, {
      method: 'POST',
      headers: { 'content-type': 'application/cose' },
      body: message,
    });
    const receipt = await this.#receiptOf(response);
    const entry = encodeLogEntry({ kind, body: logForm(message) });
    const head = await this.reader().checkpoint();
    const { index } = verifyReceipt(receipt, { entry, key: publicKeyOf(this.receiptKey), checkpoints: [head] });
    return { index, entry: toBase64Url(entryLeafHash(entry)), receipt };
  }

  /** The receipt of a registration: at once (200), or from its `Location` once the log has integrated it (202). */
  async #receiptOf(response: Response): Promise<Uint8Array> {
    if (response.status === 202) {
      const location = `${this.#base}${response.headers.get('location')}`;
      // Accepted, not yet integrated (a busy machine): the receipt is served there once it is (404 until then).
      for (let attempt = 0; attempt < 100 && (response.status === 202 || response.status === 404); attempt++) {
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 100));
        response = await fetch(location);
      }
    }
    if (response.status !== 200) throw new Error(`${this.name} refused the record: ${await response.text()}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Stops serving the log over HTTP (the log itself stays open). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop();
    await this.#store.close();
  }
}
