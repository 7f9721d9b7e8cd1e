import { isSafetyNetError, joinBytes, snError } from '@safety-net/core';

/**
 * Reads a request body up to `max` bytes: a declared or actual size beyond it is `ERR_INPUT_TOO_LARGE`, refused
 * without reading the rest; a stream that fails is `ERR_INPUT_INVALID`.
 */
export async function readBody(request: Request, max: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > max) throw snError('ERR_INPUT_TOO_LARGE', `body of ${declared} bytes`);
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        await reader.cancel();
        throw snError('ERR_INPUT_TOO_LARGE', `body over ${max} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw snError('ERR_INPUT_INVALID', 'body could not be read', { cause: e });
  }
  return joinBytes(chunks);
}
