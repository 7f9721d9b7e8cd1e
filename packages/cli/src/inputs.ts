import { COSE_SIGN_TAG, decodeCbor, fromHex, fromUtf8, type Key, keyFromJwk, snError, Tagged } from '@safety-net/core';
import { type CliIo, FileTooLargeError } from './io.js';

/** Largest key file read (64 KiB). */
export const MAX_KEY_FILE_BYTES = 65_536;
/** Largest claims file read (1 MiB). */
export const MAX_CLAIMS_FILE_BYTES = 1_048_576;
/** Largest message file read (3 MiB: the 1 MiB CBOR limit written as hex, with room for line breaks). */
export const MAX_MESSAGE_FILE_BYTES = 3 * 1_048_576;

/** A message file's content: a compact JWS, or COSE bytes (from binary or hex). */
export type MessageInput =
  | { readonly form: 'jws'; readonly token: string }
  | { readonly form: 'cose'; readonly bytes: Uint8Array };

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const HEX = /^[0-9a-fA-F\s]+$/;

/** The bytes of a file; one over `maxBytes` is `ERR_INPUT_TOO_LARGE`. */
export function readBytes(io: CliIo, path: string, maxBytes: number): Uint8Array {
  try {
    return io.readFile(path, maxBytes);
  } catch (e) {
    if (e instanceof FileTooLargeError) throw snError('ERR_INPUT_TOO_LARGE', e.message);
    throw e;
  }
}

/** Text of a file, or undefined when it is not UTF-8. */
function textOf(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads a message file and tells its form: a compact JWS (three base64url parts), hex text of COSE bytes, or raw
 * binary COSE. Text is trimmed first, so files written by `sign > file` work.
 */
export function readMessage(io: CliIo, path: string): MessageInput {
  const bytes = readBytes(io, path, MAX_MESSAGE_FILE_BYTES);
  if (bytes.length === 0) throw snError('ERR_INPUT_INVALID', `${path} is empty`);
  const text = textOf(bytes)?.trim();
  if (text !== undefined && JWS.test(text)) return { form: 'jws', token: text };
  if (text !== undefined && HEX.test(text)) return { form: 'cose', bytes: fromHex(text) };
  return { form: 'cose', bytes };
}

/** Parses a JSON file; `code` is the error for content that is not UTF-8 JSON. */
function readJson(io: CliIo, path: string, maxBytes: number, code: 'ERR_KEY_INVALID' | 'ERR_CLAIMS_INVALID'): unknown {
  const text = textOf(readBytes(io, path, maxBytes));
  if (text === undefined) throw snError(code, `${path} is not UTF-8`);
  try {
    return JSON.parse(text);
  } catch {
    throw snError(code, `${path} is not JSON`);
  }
}

/** Reads a JWK file (public or private). */
export function readKey(io: CliIo, path: string): Key {
  return keyFromJwk(readJson(io, path, MAX_KEY_FILE_BYTES, 'ERR_KEY_INVALID'));
}

/** Reads a claims file (JSON); the message type validates it. */
export function readClaims(io: CliIo, path: string): unknown {
  return readJson(io, path, MAX_CLAIMS_FILE_BYTES, 'ERR_CLAIMS_INVALID');
}

/** COSE_Sign when tagged 98, or untagged with an array in the last place; anything else is read as COSE_Sign1. */
export function isCoseSign(bytes: Uint8Array): boolean {
  const value = decodeCbor(bytes);
  if (value instanceof Tagged) return value.tag === COSE_SIGN_TAG;
  return Array.isArray(value) && value.length === 4 && Array.isArray(value[3]);
}
