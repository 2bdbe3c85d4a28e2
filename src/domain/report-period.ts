// Periods of SOC reports: an explicit [from, to) range (API, CLI), or the last complete day,
// week or month before a moment (scheduled reports). Pure: workflows call it with their own time.

export const REPORT_CADENCES = ['daily', 'weekly', 'monthly'] as const;
export type ReportCadence = (typeof REPORT_CADENCES)[number];

export interface ReportPeriod {
  from: Date;
  to: Date;
}

/** The longest range one report may cover: its queries scan the period's alerts. */
export const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;

export class BadPeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadPeriodError';
  }
}

/** Parses an ISO date or date-time range; `to` defaults to `now`. Throws BadPeriodError. */
export function parsePeriod(from: string, to: string | undefined, now: Date): ReportPeriod {
  const parse = (name: string, text: string) => {
    if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text))
      throw new BadPeriodError(`${name}: expected an ISO date or date-time, not "${text.slice(0, 40)}"`);
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) throw new BadPeriodError(`${name}: "${text}" is not a date`);
    return date;
  };
  const period = { from: parse('from', from), to: to === undefined ? now : parse('to', to) };
  if (period.to.getTime() <= period.from.getTime()) throw new BadPeriodError('to must be after from');
  if (period.to.getTime() - period.from.getTime() > MAX_REPORT_DAYS * DAY_MS)
    throw new BadPeriodError(`a report covers at most ${MAX_REPORT_DAYS} days`);
  return period;
}

/** The last complete UTC day, week (7 days ending at midnight) or calendar month before `at`. */
export function periodBefore(cadence: ReportCadence, at: Date): ReportPeriod {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (cadence === 'daily') return { from: new Date(midnight - DAY_MS), to: new Date(midnight) };
  if (cadence === 'weekly') return { from: new Date(midnight - 7 * DAY_MS), to: new Date(midnight) };
  return {
    from: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)),
    to: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)),
  };
}
