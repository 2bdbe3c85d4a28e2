// One decompression and storage budget per alert. Archive members become evidence of their
// own, and each used to get a fresh allowance: a 63 KB zip of nested zips wrote ~1,100
// objects and 7.9 GB. Now every member, at any depth, is charged to the alert's budget and
// to its source's daily quota; the first refusal stops all further writes for the alert, and
// a finding says what was left unread so triage never auto-closes the alert because of it.
import type { Finding } from '../domain/finding';
import { UNREAD_EVIDENCE_ANALYZER } from '../domain/scoring';

export interface BudgetLimits {
  /** Member bytes decompressed and stored per alert, nested archives included. */
  maxStoredBytesPerAlert: number;
  /** Member objects stored per alert. */
  maxStoredObjectsPerAlert: number;
}

export const DEFAULT_BUDGET: BudgetLimits = { maxStoredBytesPerAlert: 256 * 1024 * 1024, maxStoredObjectsPerAlert: 200 };

/** Asks the source's quota for `bytes`; false when they do not fit (nothing is charged then). */
export type SourceCharge = (bytes: number) => Promise<boolean>;

export class EvidenceBudget {
  private bytesLeft: number;
  private objectsLeft: number;
  private refusal: string | undefined;
  /** What was written and what was refused, for the finding and for tests. */
  readonly stored = { objects: 0, bytes: 0 };
  readonly refused = { objects: 0, bytes: 0 };

  constructor(
    private readonly limits: BudgetLimits,
    private readonly chargeSource: SourceCharge,
  ) {
    this.bytesLeft = limits.maxStoredBytesPerAlert;
    this.objectsLeft = limits.maxStoredObjectsPerAlert;
  }

  /** Bytes an archive analysis of this alert may still decompress. */
  get decompressionLeft(): number {
    return this.refusal ? 0 : this.bytesLeft;
  }

  get exhausted(): boolean {
    return this.refusal !== undefined;
  }

  /** Whether a member of `bytes` may be stored; after the first refusal, nothing more is. */
  async admit(bytes: number): Promise<boolean> {
    if (!this.refusal) {
      if (this.objectsLeft <= 0) this.refusal = `the alert's ${this.limits.maxStoredObjectsPerAlert} stored objects`;
      else if (bytes > this.bytesLeft) this.refusal = `the alert's ${this.limits.maxStoredBytesPerAlert} bytes`;
      else if (!(await this.chargeSource(bytes))) this.refusal = "the source's daily evidence quota";
      else {
        this.objectsLeft--;
        this.bytesLeft -= bytes;
        this.stored.objects++;
        this.stored.bytes += bytes;
        return true;
      }
    }
    this.refused.objects++;
    this.refused.bytes += bytes;
    return false;
  }

  /** Call when an archive analysis was cut short by decompressionLeft. */
  noteDecompressionCut(): void {
    this.refusal ??= `the alert's ${this.limits.maxStoredBytesPerAlert} bytes of decompressed members`;
  }

  /** The finding that says part of the evidence was not read, when it was not. */
  finding(): Finding | undefined {
    if (!this.refusal) return undefined;
    return {
      analyzer: UNREAD_EVIDENCE_ANALYZER,
      verdict: 'suspicious',
      score: 50,
      confidence: 0.5,
      summary: `analysis budget exhausted (${this.refusal}): part of the evidence was not decompressed, stored or analyzed`,
      evidence: [
        `stored ${this.stored.objects} member object(s), ${this.stored.bytes} bytes`,
        `refused ${this.refused.objects} member object(s), ${this.refused.bytes} bytes`,
      ],
      attack: [],
    };
  }
}
