import { cborDiagnostic, decodeCbor, fromUtf8, isSafetyNetError, toHex } from '@safety-net/core';

/** Printable text: valid UTF-8 without control characters other than tab and line breaks. */
function printableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    return undefined;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is looked for.
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/**
 * How the command prints a payload: CBOR in diagnostic notation when the bytes are one strict CBOR item, else
 * UTF-8 text when printable, else hex.
 */
export function renderPayload(payload: Uint8Array): string {
  try {
    return cborDiagnostic(decodeCbor(payload));
  } catch (e) {
    if (!isSafetyNetError(e)) throw e;
  }
  return printableText(payload) ?? toHex(payload);
}
