/** Code-unit order of two strings (what `<` does): locale-free, so every runtime sorts alike. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
