/**
 * The recovery contract: a durable workflow that redelivers, throttled, every delivery to a webhook (or
 * to a whole workspace) that failed within a window. Workflow code imports this module.
 */

export const RECOVER_DELIVERIES_WORKFLOW = 'recoverDeliveriesWorkflow';

/** Sent by each redelivery a recovery started, when it closes. */
export const REDELIVERY_FINISHED_SIGNAL = 'redeliveryFinished';

/** Answers a recovery's progress while it runs. */
export const RECOVERY_PROGRESS_QUERY = 'recoveryProgress';

export function recoveryWorkflowId(workspaceId: string, recoveryId: string): string {
  return `recovery:${workspaceId}:${recoveryId}`;
}

export interface RecoverDeliveriesInput {
  recoveryId: string;
  workspaceId: string;
  /** One webhook, or every webhook of the workspace when absent. */
  webhookId?: string;
  /** ISO bounds on when the failed deliveries started. */
  since: string;
  until: string;
  /**
   * Also deliver the events of the window that a webhook subscribes to but was never sent, because it
   * was disabled when they were emitted. Needs `webhookId`.
   */
  includeUndelivered: boolean;
  /** Redeliveries started per second at most. */
  ratePerSecond: number;
  /** Carried over by continue-as-new. */
  carried?: RecoveryCarry;
}

export interface RecoveryCarry {
  progress: RecoveryProgress;
  phase: RecoveryPhase;
  pageToken: string | null;
}

export type RecoveryPhase = 'failed' | 'undelivered' | 'done';

export type RecoveryStatus = 'running' | 'completed' | 'cancelled';

export interface RecoveryProgress {
  status: RecoveryStatus;
  /** Deliveries found to recover so far. */
  found: number;
  /** Redeliveries started. */
  redelivered: number;
  /** Redeliveries that closed, by outcome. */
  succeeded: number;
  failed: number;
}

/** One delivery to repeat: the event's delivery workflow (whose start input holds it) and the webhook. */
export interface RecoveryCandidate {
  eventWorkflowId: string;
  eventId: string;
  webhookId: string;
}

export interface FindRecoveryCandidatesInput {
  workspaceId: string;
  webhookId?: string;
  since: string;
  until: string;
  phase: Exclude<RecoveryPhase, 'done'>;
  pageToken: string | null;
  pageSize: number;
}

export interface FindRecoveryCandidatesResult {
  candidates: RecoveryCandidate[];
  nextPageToken: string | null;
}

export interface RedeliverInput {
  recoveryId: string;
  /** The recovery workflow, which each redelivery tells when it closes. */
  recoveryWorkflowId: string;
  workspaceId: string;
  candidates: RecoveryCandidate[];
}

export interface RecoveryActivities {
  /** One page of deliveries to recover, leaving out those delivered since. */
  findRecoveryCandidates(input: FindRecoveryCandidatesInput): Promise<FindRecoveryCandidatesResult>;
  /** Starts the redeliveries (idempotent: their ids come from the recovery); returns how many. */
  redeliver(input: RedeliverInput): Promise<{ started: number }>;
  /** Emits `webhook.recovered`. */
  announceRecovered(input: {
    workspaceId: string;
    recoveryId: string;
    webhookId?: string;
    since: string;
    until: string;
    progress: RecoveryProgress;
  }): Promise<void>;
}

/** Input of the signal each redelivery of a recovery sends when it closes. */
export interface RedeliveryFinishedSignal {
  workflowId: string;
  succeeded: boolean;
}
