// A value built on first use and kept. For zod schemas in modules workflows import: each
// workflow run evaluates its imports afresh (the SDK isolates module state per run), so a schema
// built at module load is rebuilt for every alert, even when the run never parses with it.
export function lazily<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
