import { snError } from '@safety-net/core';
import { auError } from '../errors.js';
import { childPath, ELEMENTS } from './paths.js';

/** Most disclosures in one presentation (spec §9). */
export const MAX_DISCLOSURES = 1024;
/** Deepest nesting of claims restoration walks (as core's JSON claims). */
export const MAX_CLAIMS_DEPTH = 32;

/** A disclosure taken apart. */
export interface OpenedDisclosure<V> {
  readonly digest: string;
  /** The member's name (text, or a CBOR label at the top of an SD-CWT); absent for an array element. */
  readonly name?: string | number;
  readonly value?: V;
  /** A decoy's disclosure (`[salt]`, SD-CWT): it matches its digest and restores nothing. */
  readonly decoy?: boolean;
}

/** What differs between SD-JWT and SD-CWT when disclosed claims are put back in place. */
export interface RestoreFormat<D, V> {
  /** Decodes a disclosure; `ERR_AU_DISCLOSURE_INVALID` when malformed. */
  open(disclosure: D): OpenedDisclosure<V>;
  /** A map's clear members and the digests it lists (checked), or undefined when `value` is no map. */
  map(value: V, path: string): { members: [string | number, V][]; digests: string[] } | undefined;
  array(value: V): V[] | undefined;
  /** The digest of an array element that stands for a redacted one, or undefined for a clear element. */
  marker(item: V): string | undefined;
  /** The name a member's key has in paths (a top-level CBOR label maps to its claim name). */
  nameOf(key: string | number, path: string): string;
  makeMap(members: [string | number, V][], path: string): V;
  makeArray(items: V[]): V;
}

/** One disclosure a presentation opened: where its claim now sits. */
export interface Disclosed {
  readonly path: string;
  readonly element: boolean;
  readonly digest: string;
}

/**
 * Puts disclosed claims back in place (RFC 9901 §7.1 step 3, draft-ietf-spice-sd-cwt §8): every disclosure must
 * match exactly one digest of the payload or of another disclosed value, no digest may appear twice, a disclosed
 * name may not already be present, and undisclosed array elements are removed.
 */
export function restore<D, V>(
  payload: V,
  disclosures: readonly D[],
  format: RestoreFormat<D, V>,
): { value: V; disclosed: Disclosed[] } {
  if (disclosures.length > MAX_DISCLOSURES) throw snError('ERR_INPUT_TOO_LARGE', `over ${MAX_DISCLOSURES} disclosures`);
  const opened = new Map<string, OpenedDisclosure<V>>();
  for (const d of disclosures) {
    const o = format.open(d);
    if (opened.has(o.digest)) throw auError('ERR_AU_DISCLOSURE_DUPLICATE', `disclosure ${o.digest} presented twice`);
    opened.set(o.digest, o);
  }
  const seen = new Set<string>();
  const disclosed: Disclosed[] = [];
  const take = (digest: string): OpenedDisclosure<V> | undefined => {
    if (seen.has(digest)) throw auError('ERR_AU_DISCLOSURE_INVALID', `digest ${digest} appears twice`);
    seen.add(digest);
    return opened.get(digest);
  };
  const walk = (value: V, path: string, depth: number): V => {
    if (depth > MAX_CLAIMS_DEPTH) throw auError('ERR_AU_DISCLOSURE_INVALID', 'claims nest too deeply');
    const items = format.array(value);
    if (items) {
      const out: V[] = [];
      for (const item of items) {
        const digest = format.marker(item);
        if (digest === undefined) {
          out.push(walk(item, path + ELEMENTS, depth + 1));
          continue;
        }
        const o = take(digest);
        if (!o || o.decoy) continue;
        if (o.name !== undefined) throw auError('ERR_AU_DISCLOSURE_INVALID', `a member disclosure in array ${path}`);
        disclosed.push({ path, element: true, digest });
        out.push(walk(o.value as V, path + ELEMENTS, depth + 1));
      }
      return format.makeArray(out);
    }
    const map = format.map(value, path);
    if (!map) return value;
    const members: [string | number, V][] = map.members.map(([k, v]) => [
      k,
      walk(v, childPath(path, format.nameOf(k, path)), depth + 1),
    ]);
    const names = new Set(map.members.map(([k]) => k));
    for (const digest of map.digests) {
      const o = take(digest);
      if (!o || o.decoy) continue;
      if (o.name === undefined) throw auError('ERR_AU_DISCLOSURE_INVALID', `an element disclosure in map ${path}`);
      if (names.has(o.name)) throw auError('ERR_AU_DISCLOSURE_INVALID', `claim ${String(o.name)} already present`);
      names.add(o.name);
      const p = childPath(path, format.nameOf(o.name, path));
      disclosed.push({ path: p, element: false, digest });
      members.push([o.name, walk(o.value as V, p, depth + 1)]);
    }
    return format.makeMap(members, path);
  };
  const value = walk(payload, '', 0);
  for (const digest of opened.keys()) {
    if (!seen.has(digest)) throw auError('ERR_AU_DISCLOSURE_INVALID', `disclosure ${digest} matches no digest`);
  }
  return { value, disclosed };
}
