// The sharing policy: what exported intel may carry and under which TLP (used by src/content).
import { z } from 'zod';

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export const Tlp = z.enum(TLP_LEVELS);
export type Tlp = z.infer<typeof Tlp>;

export const SharingPolicy = z.strictObject({
  /** TLP of content when neither its source nor its incident says otherwise. */
  defaultTlp: Tlp.default('amber'),
  /** TLP per alert source (e.g. a partner's feed shared to us as amber+strict). */
  bySource: z.record(z.string(), Tlp).default({}),
  /** The organisation's own domains (and their subdomains): never exported. */
  ownDomains: z.array(z.string().min(1)).default([]),
  /** Address ranges that are ours beyond the private and reserved ones. */
  internalRanges: z.array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}(\/(3[0-2]|[12]?\d))?$/)).default([]),
});
export type SharingPolicy = z.infer<typeof SharingPolicy>;
