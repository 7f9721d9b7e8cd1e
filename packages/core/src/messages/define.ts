import type { z } from 'zod';
import { type CborMap, type CborValue, type DecodeOptions, decodeCbor } from '../cbor/index.js';
import { algorithmOf } from '../cose/algorithm.js';
import { HEADER, type HeaderParams } from '../cose/headers.js';
import { signSign1 } from '../cose/sign1.js';
import type { CoseVerifyOptions } from '../cose/verify-options.js';
import { decodeSign1Transient, verifySign1 } from '../cose/verify1.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { snError } from '../errors/index.js';
import { withAsyncKey } from '../keys/async-resolver.js';
import { coseKeyThumbprint } from '../keys/index.js';
import { isKeyResolver } from '../keys/resolver.js';
import type { PrivateKey } from '../keys/types.js';
import { assertFresh, type ClaimCheckOptions, checkClaims, parseClaims, replayEntry } from './claims-checks.js';
import { type ClaimLabel, ClaimsLayout } from './claims-layout.js';
import type { DagNodeDeclaration } from './dag-node.js';
import { attempt, settle, settleAsync, type Verified, type VerifyResult } from './result.js';
import type { TimeOptions } from './time.js';

export type { ClaimLabel } from './claims-layout.js';

/** What a message type is made of. Everything else is derived from it. */
export interface MessageTypeDefinition<T extends object> {
  /** Short name used by the CLI and vectors, e.g. `ect`. */
  readonly name: string;
  readonly description: string;
  /** The COSE `typ` (RFC 9596) of the CBOR form. Default: `application/<name>+cwt`. */
  readonly typ?: string;
  /**
   * The JOSE form: its `typ` (default `<name>+jwt`) and legacy values still accepted; `false` for a type without
   * one. Default: a JOSE form with the default `typ`.
   */
  readonly jws?: false | { readonly typ?: string; readonly acceptTyp?: readonly string[] };
  /** The single source of truth for the claims. */
  readonly schema: z.core.$ZodType<T>;
  /** CBOR label for every claim the schema knows (registered CWT claims use their integer labels). */
  readonly labels: { readonly [K in keyof T]-?: ClaimLabel };
  /** Time rules the type's draft prescribes (e.g. the ECT's 15-minute `iat` age); callers may override them. */
  readonly timeDefaults?: TimeOptions;
  /** Present when every message of the type is a node of the ECT DAG (see `dagNodeOf`). */
  readonly dag?: DagNodeDeclaration<T>;
}

/** The JOSE form of a message type. */
export interface JwsForm {
  readonly typ: string;
  readonly acceptTyp?: readonly string[];
}

/** Options for {@link MessageType.sign}. */
export interface MessageSignOptions {
  /** `kid` for the protected header: explicit bytes, `'thumbprint'` (RFC 9679), or the key's own kid (default). */
  kid?: Uint8Array | 'thumbprint';
  unprotectedHeader?: HeaderParams;
  externalAad?: Uint8Array;
  detached?: boolean;
  backend?: CryptoBackend;
}

/** Options for {@link MessageType.verify}: key, claim checks and transport details. */
export interface MessageVerifyOptions
  extends ClaimCheckOptions,
    Pick<CoseVerifyOptions, 'key' | 'externalAad' | 'detachedPayload' | 'backend' | 'understoodCrit'> {
  /** CBOR limits for the message and its claims. */
  decode?: DecodeOptions;
}

/**
 * One message type: claims schema, CBOR labels, COSE_Sign1 signing and the verification pipeline
 * (decode → alg → typ → crit → key → signature → schema → issuer/time/audience → replay).
 */
export class MessageType<T extends object> {
  readonly name: string;
  readonly description: string;
  readonly typ: string;
  /** The JOSE form, if the type has one. */
  readonly jws: JwsForm | undefined;
  readonly schema: z.core.$ZodType<T>;
  readonly timeDefaults: TimeOptions;
  /** How messages of the type appear in the ECT DAG, if they are nodes of it. */
  readonly dag: DagNodeDeclaration<T> | undefined;
  readonly #layout: ClaimsLayout;

  constructor(definition: MessageTypeDefinition<T>) {
    this.name = definition.name;
    this.description = definition.description;
    this.typ = definition.typ ?? `application/${definition.name}+cwt`;
    const jws = definition.jws ?? {};
    this.jws = jws === false ? undefined : { ...jws, typ: jws.typ ?? `${definition.name}+jwt` };
    this.schema = definition.schema;
    this.timeDefaults = definition.timeDefaults ?? {};
    this.dag = definition.dag;
    this.#layout = new ClaimsLayout(definition.labels as Record<string, ClaimLabel>, this.name);
  }

  /** The claim checks with this type's time defaults filled in where the caller left them out. */
  claimOptions<O extends ClaimCheckOptions>(options: O): O {
    // Each time option by name, rather than in a loop over the defaults: a store under a name known here is one of
    // the cheap steps of every verification, one under a computed key is not.
    const { clockSkewSeconds, maxAgeSeconds } = this.timeDefaults;
    const merged = { ...options };
    if (clockSkewSeconds !== undefined && merged.clockSkewSeconds === undefined)
      merged.clockSkewSeconds = clockSkewSeconds;
    if (maxAgeSeconds !== undefined && merged.maxAgeSeconds === undefined) merged.maxAgeSeconds = maxAgeSeconds;
    return merged;
  }

  /** Validates claims against the schema (`ERR_CLAIMS_INVALID`). */
  parse(claims: unknown): T {
    return parseClaims(this.schema, claims);
  }

  /**
   * The CWT-style claims map of validated claims, its entries already in deterministic (RFC 8949 §4.2.1) order so
   * that the encoder need not sort them.
   */
  toCbor(claims: T): CborMap {
    return this.#layout.toCbor(claims);
  }

  /** Claims (JSON form, not yet schema-checked) from a decoded claims map; unknown labels are refused. */
  fromCbor(value: CborValue): unknown {
    return this.#layout.fromCbor(value);
  }

  /**
   * Validates `claims` and signs them as a COSE_Sign1 with `alg`, `typ` and `kid` protected.
   *
   * @example
   * ```ts
   * const bytes = ect.sign(claims, privateKey, { kid: 'thumbprint' });
   * ```
   */
  sign(claims: T, key: PrivateKey, options: MessageSignOptions = {}): Uint8Array {
    // The claims are encoded into a shared buffer and copied from there straight into the Sig_structure and the
    // message, so the payload is never allocated on its own.
    return this.#layout.useEncoded(this.parse(claims), (payload) => {
      const kid = options.kid === 'thumbprint' ? coseKeyThumbprint(key) : (options.kid ?? key.kid);
      return signSign1(payload, key, {
        protectedHeader: kid ? { typ: this.typ, kid } : { typ: this.typ },
        unprotectedHeader: options.unprotectedHeader,
        externalAad: options.externalAad,
        detached: options.detached,
        backend: options.backend,
      });
    });
  }

  /** Verifies a COSE_Sign1 of this type. Never throws for bad input: failures come back as `{ ok: false, error }`. */
  verify(bytes: Uint8Array, verifyOptions: MessageVerifyOptions): VerifyResult<T> {
    // The type's time defaults are handed to the claim checks rather than merged into a copy of the options: the
    // copy cost more than any claim check. Missing options are a typed error further on, never a TypeError here.
    const options: MessageVerifyOptions = verifyOptions ?? {};
    return settle(() => {
      const { verified, now } = this.#verifyUpToReplay(bytes, options);
      const entry = replayEntry(verified.claims, options, this.timeDefaults);
      if (entry) {
        const accepted = options.replay!.remember(entry.jti, entry.expiresAt, now);
        if (typeof accepted !== 'boolean')
          throw snError('ERR_INPUT_INVALID', 'this replay cache is asynchronous: use verifyAsync');
        assertFresh(accepted, entry.jti);
      }
      return verified;
    });
  }

  /**
   * {@link verify} for replay caches that answer asynchronously (stores shared by several verifiers) and key
   * resolvers that may fetch (a remote key set).
   */
  async verifyAsync(bytes: Uint8Array, verifyOptions: MessageVerifyOptions): Promise<VerifyResult<T>> {
    const options = this.claimOptions(verifyOptions);
    return settleAsync(async () => {
      const { verified, now } = await withAsyncKey(options.key, (key) =>
        this.#verifyUpToReplay(bytes, { ...options, key }),
      );
      const entry = replayEntry(verified.claims, options);
      if (entry) assertFresh(await options.replay!.remember(entry.jti, entry.expiresAt, now), entry.jti);
      return verified;
    });
  }

  /** The `iss` a decoded (not yet verified) claims map names, if any. */
  #issuerIn(claims: CborValue | undefined): string | undefined {
    const label = this.#layout.labelOf('iss');
    const iss = label !== undefined && claims instanceof Map ? claims.get(label) : undefined;
    return typeof iss === 'string' ? iss : undefined;
  }

  #verifyUpToReplay(bytes: Uint8Array, options: MessageVerifyOptions): { verified: Verified<T>; now: number } {
    const decoded = decodeSign1Transient(bytes, { decode: options.decode });
    algorithmOf(decoded, true);
    const typ = decoded.protectedHeader.get(HEADER.typ);
    if (typ === undefined) throw snError('ERR_COSE_TYP_MISSING');
    if (typ !== this.typ) throw snError('ERR_COSE_TYP_MISMATCH', `typ ${String(typ)}, expected ${this.typ}`);
    // The payload is decoded once, before the signature check, because a key resolver may need the issuer the
    // claims name (the signature then binds the two); a decoding failure is reported only after the signature
    // check, in pipeline order.
    const payload = decoded.payload ?? options.detachedPayload;
    const claimsMap = payload ? attempt(() => decodeCbor(payload, options.decode)) : undefined;
    const issuer = options.issuer ?? this.#issuerIn(claimsMap?.value);
    // A resolver may need the issuer, and only the claims can name it: claims that do not decode are reported as
    // what they are, not as a key that could not be trusted for no issuer.
    if (claimsMap?.error && options.issuer === undefined && isKeyResolver(options.key)) throw claimsMap.error;
    const result = verifySign1(decoded, {
      key: options.key,
      issuer,
      externalAad: options.externalAad,
      detachedPayload: options.detachedPayload,
      understoodCrit: options.understoodCrit,
      backend: options.backend,
      requireProtectedAlg: true,
      profile: true,
    });
    if (claimsMap?.error) throw claimsMap.error;
    const claims = this.parse(this.fromCbor(claimsMap!.value as CborValue));
    const now = checkClaims(claims, options, this.timeDefaults);
    return {
      verified: { claims, format: 'cose', typ: this.typ, alg: result.alg, key: result.key, kid: result.kid },
      now,
    };
  }
}

/** Declares a message type once; see {@link MessageType}. */
export function defineMessageType<T extends object>(definition: MessageTypeDefinition<T>): MessageType<T> {
  return new MessageType(definition);
}
