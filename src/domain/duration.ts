// Human durations ("90s", "15m", "4h", "2d") for settings and policies.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!m) throw new Error(`"${value}" is not a duration (use e.g. 90s, 15m, 4h, 2d)`);
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]]);
  if (ms <= 0) throw new Error(`"${value}" must be longer than zero`);
  return ms;
}

export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
