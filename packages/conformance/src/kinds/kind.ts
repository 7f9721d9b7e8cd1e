import type { z } from 'zod';
import type { VectorEnvelope } from '../format.js';
import { type VectorContext, VectorMismatch } from './context.js';

/** One kind of vector: checks its own parts strictly, then runs and compares them. */
export interface KindHandler {
  readonly kind: string;
  run(vector: VectorEnvelope, context: VectorContext): Promise<void>;
}

type Parts = { input: unknown; options: unknown; expected: unknown };

/** The first problems zod found, for a failure line. */
export function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * A kind handler from the schema of `{ input, options, expected }` and a function that runs a vector whose parts
 * passed it. A part that does not match (an unknown field included) fails the vector.
 */
export function defineKind<S extends z.ZodType<Parts>>(
  kind: string,
  schema: S,
  run: (parts: z.infer<S>, context: VectorContext) => void | Promise<void>,
): KindHandler {
  return {
    kind,
    async run(vector, context) {
      const parsed = schema.safeParse({ input: vector.input, options: vector.options, expected: vector.expected });
      if (!parsed.success) throw new VectorMismatch(`malformed ${kind} vector: ${issuesText(parsed.error)}`);
      await run(parsed.data, context);
    },
  };
}
