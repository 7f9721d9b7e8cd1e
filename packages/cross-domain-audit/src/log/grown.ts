/**
 * A copy of `array` with room for at least `length` elements: twice as long, or `length` if that is more, so that
 * appending one element at a time costs amortised O(1).
 */
export function grown<A extends Uint8Array | Uint32Array>(array: A, length: number): A {
  const out = new (array.constructor as new (size: number) => A)(Math.max(2 * array.length, length));
  out.set(array);
  return out;
}
