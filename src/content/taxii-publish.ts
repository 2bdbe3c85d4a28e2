// What autosoc's TAXII collection serves: the STIX objects of confirmed incidents (analyst-
// approved, or judged malicious) whose TLP lets them go to the community (CLEAR or GREEN; AMBER
// and RED stay with the organisations they were given to), after the sharing filter. Each
// incident is published once, the first time the collection is read after its confirmation;
// its objects keep the date they were first added.
import type { Pool } from 'pg';
import { addTaxiiObjects } from '../store/taxii-objects';
import { confirmedIncidentFromStore } from './from-store';
import { stableUuidV4Layout } from './ids';
import { tlpFor, type SharingPolicy, type Tlp } from './sharing';
import { incidentToStixBundle } from './stix-export';
import { AlertValidationError } from '../domain/alert';

export const TAXII_COLLECTION = {
  id: stableUuidV4Layout('taxii', 'confirmed-incidents'),
  title: 'autosoc confirmed incidents',
  description:
    'Indicators, observed data, malware, ATT&CK patterns and sightings of incidents autosoc confirmed, TLP:CLEAR and TLP:GREEN only.',
};
export const TAXII_SHAREABLE_TLPS: readonly Tlp[] = ['clear', 'green'];
/** Incidents published per read at most; the next read continues. */
const BATCH = 200;

/** Publishes confirmed incidents not looked at yet; returns how many were shared and withheld. */
export async function publishConfirmedIncidents(db: Pool, sharing: SharingPolicy): Promise<{ shared: number; withheld: number }> {
  const { rows } = await db.query<{ workflow_id: string }>(
    `SELECT a.workflow_id FROM alerts a
     WHERE a.verdict IS DISTINCT FROM 'benign'
       AND (a.verdict = 'malicious' OR EXISTS (SELECT 1 FROM decisions d WHERE d.workflow_id = a.workflow_id AND d.action = 'approve'))
       AND NOT EXISTS (SELECT 1 FROM taxii_incidents t WHERE t.workflow_id = a.workflow_id)
     ORDER BY a.updated_at, a.workflow_id LIMIT $1`,
    [BATCH],
  );
  let shared = 0,
    withheld = 0;
  for (const { workflow_id: id } of rows) {
    let incident: Awaited<ReturnType<typeof confirmedIncidentFromStore>>;
    try {
      incident = await confirmedIncidentFromStore(db, id);
    } catch (err) {
      if (!(err instanceof AlertValidationError)) throw err;
      // A stored alert this version cannot read (an older schema, a hand-written row) is never
      // shared, and never stops the collection: it is withheld once and not looked at again.
      const claimed = await db.query(
        "INSERT INTO taxii_incidents (workflow_id, tlp, shared) VALUES ($1, 'red', false) ON CONFLICT DO NOTHING",
        [id],
      );
      if (claimed.rowCount) withheld++;
      continue;
    }
    const tlp = tlpFor(
      sharing,
      incident.alerts.map((a) => a.source),
      incident.tlp,
    );
    const share = TAXII_SHAREABLE_TLPS.includes(tlp);
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      // A concurrent reader publishing the same incident finds the row and adds nothing.
      const claimed = await client.query(
        'INSERT INTO taxii_incidents (workflow_id, tlp, shared) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [id, tlp, share],
      );
      if (claimed.rowCount && share) {
        const added = await addTaxiiObjects(client, TAXII_COLLECTION.id, incidentToStixBundle(incident, { sharing }).objects);
        await client.query('UPDATE taxii_incidents SET objects = $2 WHERE workflow_id = $1', [id, added]);
      }
      await client.query('COMMIT');
      if (claimed.rowCount) {
        if (share) shared++;
        else withheld++;
      }
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  return { shared, withheld };
}
