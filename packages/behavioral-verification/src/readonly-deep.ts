/**
 * `T` with every member, array and nested object read-only: the shape of input the package only reads, so that
 * `as const` literals and frozen configuration are accepted as they are.
 */
export type ReadonlyDeep<T> = T extends readonly (infer E)[]
  ? readonly ReadonlyDeep<E>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
    : T;
