// A confirmed incident: the only thing detection content and shared intel are made from.
import { z } from 'zod';
import { Alert } from '../domain/alert';
import { Tlp } from './sharing';

export const ConfirmedIncident = z.object({
  /** The alert's workflow id (alert:source:id) or the incident's id. */
  id: z.string().min(1).max(512),
  alerts: z.array(Alert).min(1).max(100),
  verdict: z.enum(['malicious', 'suspicious', 'benign', 'unknown']),
  /** Who approved the response, when an analyst did. */
  approvedBy: z.string().min(1).max(256).optional(),
  /** Links back to the alert (autosoc console/API, the source's own page). */
  references: z.array(z.url()).max(20).default([]),
  /** The incident's own TLP, set by an analyst; the strictest of it and the sources' wins. */
  tlp: Tlp.optional(),
  /** When it was confirmed (ISO time): content dates come from it, not the clock. */
  confirmedAt: z.iso.datetime({ offset: true }),
});
export type ConfirmedIncident = z.infer<typeof ConfirmedIncident>;

export class NotConfirmed extends Error {
  constructor(id: string) {
    super(`${id} is neither analyst-approved nor judged malicious: no content is made from it`);
    this.name = 'NotConfirmed';
  }
}

/** Content is made only from an incident an analyst approved or triage judged malicious. */
export function assertConfirmed(incident: ConfirmedIncident): void {
  if (incident.verdict === 'benign') throw new NotConfirmed(incident.id);
  if (incident.verdict !== 'malicious' && !incident.approvedBy) throw new NotConfirmed(incident.id);
}

/** ATT&CK technique ids of the incident, upper case, unique. */
export const techniquesOf = (incident: ConfirmedIncident) => [...new Set(incident.alerts.flatMap((a) => a.attackTechniques))];
