import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../contract/delivery';
import {
  RECOVER_DELIVERIES_WORKFLOW,
  RECOVERY_PROGRESS_QUERY,
  recoveryWorkflowId,
  type RecoverDeliveriesInput,
  type RecoveryProgress,
} from '../../contract/recovery';
import { isWorkflowNotFound } from '../../shared/temporal-sdk';
import type { RecoveryView } from '../schemas';
import type { DomainDeps } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { callTemporal, temporalUiUrl } from './temporal';
import { getWebhook } from './webhooks';

export interface StartRecoveryInput {
  webhookId?: string;
  since: string;
  until?: string;
  includeUndelivered?: boolean;
}

/** What a recovery was asked for, kept in its workflow's memo so that reading it needs no history. */
interface RecoveryMemo {
  webhookId: string | null;
  since: string;
  until: string;
  includeUndelivered: boolean;
}

/**
 * Starts the recovery of a window's failed deliveries, or finds the one already asked for: its id comes
 * from the workspace, the webhook and the window, so asking twice starts nothing twice.
 */
export async function startRecovery(
  deps: DomainDeps,
  workspaceId: string,
  input: StartRecoveryInput,
  now = new Date(),
): Promise<{ recovery: RecoveryView; created: boolean }> {
  if (input.webhookId) {
    const webhook = await getWebhook(deps.db, workspaceId, input.webhookId);
    if (!webhook.enabled) {
      throw new ConflictError(`Webhook ${input.webhookId} is disabled; enable it before recovering its deliveries`);
    }
  }
  const since = new Date(input.since);
  // Without an end, the end of the current minute: asking again within the minute finds the same recovery.
  const until = input.until ? new Date(input.until) : new Date(Math.ceil((now.getTime() + 1) / 60_000) * 60_000);
  if (since.getTime() >= until.getTime()) {
    throw new ValidationError([
      { field: input.until ? 'until' : 'since', message: 'must come after `since`, and `since` before now' },
    ]);
  }
  const memo: RecoveryMemo = {
    webhookId: input.webhookId ?? null,
    since: since.toISOString(),
    until: until.toISOString(),
    includeUndelivered: input.includeUndelivered ?? false,
  };
  const recoveryId = recoveryIdOf(workspaceId, memo);
  const workflowId = recoveryWorkflowId(workspaceId, recoveryId);
  const workflowInput: RecoverDeliveriesInput = {
    recoveryId,
    workspaceId,
    ...(memo.webhookId ? { webhookId: memo.webhookId } : {}),
    since: memo.since,
    until: memo.until,
    includeUndelivered: memo.includeUndelivered,
    ratePerSecond: deps.limits.recoveryRatePerSecond,
  };
  const { client, taskQueue } = deps.temporal;
  let created = true;
  try {
    await callTemporal(deps.temporal, () =>
      client.workflow.start(RECOVER_DELIVERIES_WORKFLOW, {
        workflowId,
        taskQueue,
        args: [workflowInput],
        memo: { recovery: memo },
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: new TypedSearchAttributes([{ key: SEARCH_ATTRIBUTES.workspaceId, value: workspaceId }]),
        staticSummary:
          `Recovery of failed deliveries ${memo.since} to ${memo.until}` +
          (memo.webhookId ? ` to webhook ${memo.webhookId}` : ` in workspace ${workspaceId}`),
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    created = false;
  }
  if (created) deps.metrics?.recoveryStarted();
  return { recovery: await getRecovery(deps, workspaceId, recoveryId), created };
}

/** Where a recovery stands: its progress while it runs, its result once it is over. */
export async function getRecovery(deps: DomainDeps, workspaceId: string, recoveryId: string): Promise<RecoveryView> {
  const handle = deps.temporal.client.workflow.getHandle(recoveryWorkflowId(workspaceId, recoveryId));
  return callTemporal(deps.temporal, async () => {
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new NotFoundError('recovery', recoveryId);
      throw err;
    }
    const memo = description.memo?.recovery as RecoveryMemo | undefined;
    if (!memo) throw new NotFoundError('recovery', recoveryId);
    const running = description.status.name === 'RUNNING';
    let progress: RecoveryProgress;
    if (running) progress = await handle.query<RecoveryProgress>(RECOVERY_PROGRESS_QUERY);
    else if (description.status.name === 'COMPLETED') progress = (await handle.result()) as RecoveryProgress;
    else progress = { status: 'cancelled', found: 0, redelivered: 0, succeeded: 0, failed: 0 };
    return {
      recoveryId,
      ...memo,
      status: progress.status,
      found: progress.found,
      redelivered: progress.redelivered,
      succeeded: progress.succeeded,
      failed: progress.failed,
      startedAt: description.startTime.toISOString(),
      closedAt: description.closeTime?.toISOString() ?? null,
      temporalUiUrl: temporalUiUrl(deps.temporal, description.workflowId),
    };
  });
}

/** Stops a recovery from starting further redeliveries; those under way finish. */
export async function cancelRecovery(deps: DomainDeps, workspaceId: string, recoveryId: string): Promise<RecoveryView> {
  const current = await getRecovery(deps, workspaceId, recoveryId);
  if (current.status !== 'running') return current;
  const handle = deps.temporal.client.workflow.getHandle(recoveryWorkflowId(workspaceId, recoveryId));
  await callTemporal(deps.temporal, () => handle.cancel());
  return { ...current };
}

function recoveryIdOf(workspaceId: string, memo: RecoveryMemo): string {
  const key = [workspaceId, memo.webhookId ?? '*', memo.since, memo.until, String(memo.includeUndelivered)].join('\n');
  return `rcv_${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
}
