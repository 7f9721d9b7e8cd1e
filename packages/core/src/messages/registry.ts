import { snError } from '../errors/index.js';
import type { MessageType } from './define.js';

// biome-ignore lint/suspicious/noExplicitAny: a registry holds message types of every claims shape.
export type AnyMessageType = MessageType<any>;

/**
 * The message types an application knows, found by name, COSE `typ` or JOSE `typ`. No global state: each
 * application (the CLI, a verifier service) builds the registry of the packages it uses.
 */
export class MessageTypeRegistry {
  readonly #byName = new Map<string, AnyMessageType>();
  readonly #byTyp = new Map<string, AnyMessageType>();

  constructor(types: Iterable<AnyMessageType> = []) {
    for (const t of types) this.add(t);
  }

  /** Adds a type; a name or typ already taken is a programming error. */
  add(type: AnyMessageType): this {
    const typs = [type.typ, ...(type.jws ? [type.jws.typ, ...(type.jws.acceptTyp ?? [])] : [])];
    if (this.#byName.has(type.name) || typs.some((t) => this.#byTyp.has(t))) {
      throw new TypeError(`message type ${type.name} clashes with one already registered`);
    }
    this.#byName.set(type.name, type);
    for (const t of typs) this.#byTyp.set(t, type);
    return this;
  }

  /** The type called `name`; `ERR_MESSAGE_TYPE_UNKNOWN` otherwise. */
  byName(name: string): AnyMessageType {
    const t = this.#byName.get(name);
    if (!t) throw snError('ERR_MESSAGE_TYPE_UNKNOWN', name);
    return t;
  }

  /** The type whose COSE or JOSE `typ` is `typ`, if any. */
  byTyp(typ: unknown): AnyMessageType | undefined {
    return typeof typ === 'string' ? this.#byTyp.get(typ) : undefined;
  }

  /** Every registered type, in registration order. */
  list(): AnyMessageType[] {
    return [...this.#byName.values()];
  }
}
