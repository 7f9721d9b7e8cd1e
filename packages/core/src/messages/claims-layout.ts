import { useOrderedMap } from '../cbor/encode.js';
import { type CborMap, type CborValue, encodeCbor } from '../cbor/index.js';
import { snError } from '../errors/index.js';
import { compareBytes } from '../util/bytes.js';
import type { ClaimCodec } from './claim-codecs.js';

/** A claim's CBOR label, optionally with a codec for the value. */
export type ClaimLabel = number | string | readonly [number | string, ClaimCodec];

interface LabelEntry {
  readonly name: string;
  readonly label: number | string;
  readonly codec: ClaimCodec | undefined;
}

/**
 * Where each claim of a message type goes in CBOR: its label, its codec, and the labels' deterministic order
 * (RFC 8949 §4.2.1), worked out once per type. Encoding then copies each label's bytes instead of encoding and
 * sorting the keys of every message.
 */
export class ClaimsLayout {
  readonly #byName: ReadonlyMap<string, LabelEntry>;
  readonly #byLabel: ReadonlyMap<number | string, LabelEntry>;
  readonly #inLabelOrder: readonly LabelEntry[];
  /** The encoded label of each entry of `#inLabelOrder`. */
  readonly #encodedLabels: readonly Uint8Array[];

  /** `owner` names the message type in the error for two claims sharing a label. */
  constructor(labels: Readonly<Record<string, ClaimLabel>>, owner: string) {
    const entries = Object.entries(labels).map(([name, spec]): LabelEntry => {
      const [label, codec] = Array.isArray(spec) ? spec : [spec as number | string, undefined];
      return { name, label, codec };
    });
    this.#byName = new Map(entries.map((e) => [e.name, e]));
    this.#byLabel = new Map(entries.map((e) => [e.label, e]));
    if (this.#byLabel.size !== entries.length) throw new TypeError(`${owner}: two claims share a CBOR label`);
    const sorted = entries.map((e) => ({ e, key: encodeCbor(e.label) })).sort((a, b) => compareBytes(a.key, b.key));
    this.#inLabelOrder = sorted.map((s) => s.e);
    this.#encodedLabels = sorted.map((s) => s.key);
  }

  /** The CBOR label of a claim, if the type has that claim. */
  labelOf(name: string): number | string | undefined {
    return this.#byName.get(name)?.label;
  }

  /** The claims map (entries in deterministic order, so that the encoder need not sort them). */
  toCbor(claims: object): CborMap {
    const values = this.#values(claims);
    const map: CborMap = new Map();
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== undefined) map.set(this.#inLabelOrder[i]!.label, value);
    }
    return map;
  }

  /**
   * The deterministic encoding of {@link toCbor}'s map, written straight from the claims and handed to `use` as a
   * view valid only until `use` returns (see `useOrderedMap`).
   */
  useEncoded<R>(claims: object, use: (encoded: Uint8Array) => R): R {
    return useOrderedMap(this.#encodedLabels, this.#values(claims), use);
  }

  /** Claims (JSON form, not yet schema-checked) from a decoded claims map; unknown labels are refused. */
  fromCbor(value: CborValue): unknown {
    if (!(value instanceof Map)) throw snError('ERR_CLAIMS_INVALID', 'claims are not a CBOR map');
    const out: Record<string, unknown> = {};
    const byLabel = this.#byLabel;
    value.forEach((v, label) => {
      const entry = typeof label === 'number' || typeof label === 'string' ? byLabel.get(label) : undefined;
      if (!entry) throw snError('ERR_CLAIMS_INVALID', `unknown claim label ${String(label)}`);
      out[entry.name] = entry.codec ? entry.codec.fromCbor(v) : v;
    });
    return out;
  }

  /** Each claim's CBOR value in label order, undefined where the claim is absent; a claim without a label is refused. */
  #values(claims: object): (CborValue | undefined)[] {
    const record = claims as Record<string, unknown>;
    for (const name in record) {
      if (Object.hasOwn(record, name) && !this.#byName.has(name)) {
        throw snError('ERR_CLAIMS_INVALID', `no CBOR label for claim ${name}`);
      }
    }
    const entries = this.#inLabelOrder;
    const values: (CborValue | undefined)[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const { name, codec } = entries[i]!;
      const value = record[name];
      values[i] = value === undefined ? undefined : codec ? codec.toCbor(value) : (value as CborValue);
    }
    return values;
  }
}
