import type { AuditRepository } from '../store/access-store.js';
import { AuditTrail } from './audit-trail.js';
import { dataDirCheckpoint } from './checkpoint-key.js';

export interface OpenAuditTrailOptions {
  readonly log: AuditRepository;
  /** Holds the checkpoint and its key, beside the vault key. */
  readonly dataDir: string;
  readonly now?: () => number;
  readonly onAlarm?: (message: string) => void;
}

/** The audit trail of a process: the store's log and the checkpoint in the data directory. */
export async function openAuditTrail(options: OpenAuditTrailOptions): Promise<AuditTrail> {
  const { storage, key } = await dataDirCheckpoint(options.dataDir);
  return new AuditTrail({ log: options.log, checkpoint: storage, checkpointKey: key, now: options.now, onAlarm: options.onAlarm });
}
