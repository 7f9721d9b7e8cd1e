import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Clock, fixedClock, systemClock } from '@safety-net/core';
import type { CliIo } from './io.js';
import { UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values `parseArgs` gives for string options: a list for those declared `multiple`. */
export type Flags<O extends Options> = { [K in keyof O]?: O[K] extends { multiple: true } ? string[] : string };

/**
 * Parses a command's arguments strictly (`node:util` parseArgs): unknown flags, missing values and a wrong number
 * of positional arguments are usage errors. Every option is a string option (possibly repeatable).
 */
export function parseCommand<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  positionals: { min: number; max: number },
): { flags: Flags<O>; positionals: string[] } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${command}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`${command}: missing file argument`);
  if (count > positionals.max)
    throw new UsageError(`${command}: unexpected argument ${parsed.positionals[positionals.max]}`);
  return { flags: parsed.values as Flags<O>, positionals: parsed.positionals };
}

/** A required flag's value, or a usage error naming it. */
export function required(command: string, value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${command}: --${flag} is required`);
  return value;
}

/** `--now` (whole seconds since the epoch) as a clock; absent, the io's clock. */
export function parseNow(command: string, text: string | undefined, io: CliIo): Clock {
  if (text === undefined) return io.clock ?? systemClock;
  if (!/^\d{1,12}$/.test(text)) throw new UsageError(`${command}: --now takes whole seconds since the epoch`);
  return fixedClock(Number(text) * 1000);
}
