import {
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  RECOVERY_PROGRESS_QUERY,
  REDELIVERY_FINISHED_SIGNAL,
  type RecoverDeliveriesInput,
  type RecoveryActivities,
  type RecoveryPhase,
  type RecoveryProgress,
  type RedeliveryFinishedSignal,
} from '../contract/recovery';

const { findRecoveryCandidates, redeliver, announceRecovered } = proxyActivities<RecoveryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export const redeliveryFinishedSignal = defineSignal<[RedeliveryFinishedSignal]>(REDELIVERY_FINISHED_SIGNAL);
export const recoveryProgressQuery = defineQuery<RecoveryProgress>(RECOVERY_PROGRESS_QUERY);

/** Candidates read per visibility page. */
const PAGE_SIZE = 100;
/** History events after which a run continues as new between pages. */
const HISTORY_EVENTS_PER_RUN = 5_000;

/**
 * Redelivers every failed delivery of a window, throttled, and follows each redelivery to its end, so
 * that its progress (found, redelivered, succeeded, failed) is true at every moment. Its id comes from
 * the window, so asking twice for the same recovery finds this one; cancelling it stops further
 * redeliveries and leaves those under way to finish.
 */
export async function recoverDeliveriesWorkflow(input: RecoverDeliveriesInput): Promise<RecoveryProgress> {
  const progress: RecoveryProgress = input.carried?.progress ?? {
    status: 'running',
    found: 0,
    redelivered: 0,
    succeeded: 0,
    failed: 0,
  };
  let phase: RecoveryPhase = input.carried?.phase ?? 'failed';
  let pageToken = input.carried?.pageToken ?? null;
  const finished = new Set<string>();

  setHandler(recoveryProgressQuery, () => ({ ...progress }));
  setHandler(redeliveryFinishedSignal, ({ workflowId, succeeded }) => {
    if (finished.has(workflowId)) return;
    finished.add(workflowId);
    if (succeeded) progress.succeeded += 1;
    else progress.failed += 1;
    report();
  });
  const report = () =>
    setCurrentDetails(
      `**${progress.status}**: ${progress.found} found, ${progress.redelivered} redelivered, ` +
        `${progress.succeeded} succeeded, ${progress.failed} failed`,
    );

  const interval = Math.max(1, Math.ceil(1000 / Math.max(1, input.ratePerSecond)));
  try {
    while (phase !== 'done') {
      if (phase === 'undelivered' && !input.includeUndelivered) {
        phase = 'done';
        break;
      }
      const page = await findRecoveryCandidates({
        workspaceId: input.workspaceId,
        webhookId: input.webhookId,
        since: input.since,
        until: input.until,
        phase,
        pageToken,
        pageSize: PAGE_SIZE,
      });
      progress.found += page.candidates.length;
      report();
      for (const group of chunks(page.candidates, Math.max(1, input.ratePerSecond))) {
        // Not cancellable: a cancellation that landed while the starts were under way would leave
        // them uncounted. It takes effect at the pause below.
        const { started } = await CancellationScope.nonCancellable(() =>
          redeliver({
            recoveryId: input.recoveryId,
            recoveryWorkflowId: workflowInfo().workflowId,
            workspaceId: input.workspaceId,
            candidates: group,
          }),
        );
        progress.redelivered += started;
        report();
        await sleep(interval * group.length);
      }
      pageToken = page.nextPageToken;
      if (pageToken === null) phase = phase === 'failed' ? 'undelivered' : 'done';
      if (phase !== 'done' && workflowInfo().historyLength > HISTORY_EVENTS_PER_RUN) {
        // Redeliveries still under way signal the workflow id, which the next run keeps.
        await continueAsNew<typeof recoverDeliveriesWorkflow>({
          ...input,
          carried: { progress, phase, pageToken },
        });
      }
    }
    await condition(() => progress.succeeded + progress.failed >= progress.redelivered);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    progress.status = 'cancelled';
    report();
    return { ...progress };
  }
  progress.status = 'completed';
  report();
  if (progress.redelivered > 0 && progress.failed === 0) {
    await CancellationScope.nonCancellable(() =>
      announceRecovered({
        workspaceId: input.workspaceId,
        recoveryId: input.recoveryId,
        webhookId: input.webhookId,
        since: input.since,
        until: input.until,
        progress: { ...progress },
      }),
    );
  }
  return { ...progress };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
