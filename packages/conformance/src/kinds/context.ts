import {
  bytesEqual,
  type Clock,
  type CryptoBackend,
  fixedClock,
  isSafetyNetError,
  type Key,
  type KeyResolver,
  keyFromJwk,
  keySet,
  type MessageTypeRegistry,
  type PrivateKey,
  type PublicKey,
  publicKeyOf,
} from '@safety-net/core';

/** A vector that does not hold: the reason is printed by the runner. */
export class VectorMismatch extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'VectorMismatch';
  }
}

/** What a kind handler gets besides its vector: the backend under test, the clock at `now`, the named keys. */
export class VectorContext {
  /** The clock every operation of the vector reads: `now × 1000` ms. */
  readonly clock: Clock;
  readonly #jwks: Readonly<Record<string, Record<string, unknown>>>;
  readonly #keys = new Map<string, Key>();

  constructor(
    /** The backend the vector runs under. */
    readonly backend: CryptoBackend,
    /** Every backend of the run: fresh signatures must verify under each. */
    readonly backends: readonly CryptoBackend[],
    readonly registry: MessageTypeRegistry,
    now: number,
    jwks: Readonly<Record<string, Record<string, unknown>>>,
  ) {
    this.clock = fixedClock(now * 1000);
    this.#jwks = jwks;
  }

  /** The key called `name` in the vector's `keys`. */
  key(name: string): Key {
    let key = this.#keys.get(name);
    if (!key) {
      if (!Object.hasOwn(this.#jwks, name)) throw new VectorMismatch(`no key named ${name} in keys`);
      try {
        key = keyFromJwk(this.#jwks[name]);
      } catch (e) {
        if (isSafetyNetError(e)) throw new VectorMismatch(`key ${name} does not load: ${e.code}`);
        throw e;
      }
      this.#keys.set(name, key);
    }
    return key;
  }

  /** The private key called `name`; a vector that signs with a public key is malformed. */
  privateKey(name: string): PrivateKey {
    const key = this.key(name);
    if (key.type !== 'private') throw new VectorMismatch(`signer ${name} has no private part`);
    return key;
  }

  /**
   * The verifier's key choice: one key used whatever the kid says, or a key-set resolver whose keys named in
   * `key_issuers` are bound to those issuers (`core.md` §5.7).
   */
  verifier(options: {
    key?: string | undefined;
    key_set?: string[] | undefined;
    key_issuers?: Record<string, string[]> | undefined;
  }): PublicKey | KeyResolver {
    if ((options.key === undefined) === (options.key_set === undefined)) {
      throw new VectorMismatch('options must name exactly one of key and key_set');
    }
    const bound = options.key_issuers ?? {};
    for (const name of Object.keys(bound)) {
      if (!options.key_set?.includes(name)) throw new VectorMismatch(`key_issuers names ${name}, not in key_set`);
    }
    if (options.key !== undefined) return publicKeyOf(this.key(options.key));
    return keySet(
      options.key_set!.map((name) => ({
        key: this.key(name),
        ...(Object.hasOwn(bound, name) ? { issuers: bound[name] } : {}),
      })),
    );
  }

  /** The name of the key in `names` whose public part is `key`. */
  keyName(key: PublicKey, names: readonly string[]): string {
    for (const name of names) {
      const k = this.key(name);
      if (k.curve === key.curve && bytesEqual(k.x, key.x)) return name;
    }
    throw new VectorMismatch('a signature verified under a key that is not in key_set');
  }
}
