// The ApplicationFailure types activities throw, named once: workflows list the ones no retry
// can fix (src/workflows/sdk/activity-options.ts), activities throw them by these names.

/** Bad input is the caller's fault: retrying cannot fix it. */
export const BAD_INPUT = 'BadInput';
/** A connector (EDR, sandbox) the step needs is not configured on this worker. */
export const NOT_CONFIGURED = 'NotConfigured';
/** An analyst's decision the workflow refused (unsigned, not allowed, late). */
export const DECISION_REJECTED = 'DecisionRejected';
/** What an EDR answered that a retry cannot change (auth, unknown host or file, refusal, shape, size). */
export const EDR_PERMANENT = ['EdrAuth', 'EdrNotFound', 'EdrRejected', 'EdrMalformed', 'EdrTooLarge'] as const;

/** Never retried, on any activity. */
export const NON_RETRYABLE: string[] = [BAD_INPUT];
