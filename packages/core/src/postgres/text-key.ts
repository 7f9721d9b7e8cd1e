/**
 * A string as a PostgreSQL `text` value, exactly. PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate
 * would be replaced on its way to UTF-8, merging two different ids into one. Ids from tokens (`jti`, `wid`,
 * rollback ids) may hold either, so they are stored as the body of their JSON string literal: injective, free of
 * NUL, and the same text as the id for every ordinary one (`task-1` stays `task-1`; only `"`, `\` and control
 * characters or lone surrogates are escaped).
 */
export function toTextKey(id: string): string {
  return JSON.stringify(id).slice(1, -1);
}

/** The id a {@link toTextKey} value came from. */
export function fromTextKey(key: string): string {
  return JSON.parse(`"${key}"`) as string;
}
