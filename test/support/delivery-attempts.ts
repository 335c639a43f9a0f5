import type { Client } from '@temporalio/client';
import { compileRetryPolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { POST_EVENT_ACTIVITY } from '../../src/contract/delivery';
import { optionalTsToDate } from '../../src/shared/temporal-sdk';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const { PendingActivityState, EventType } = temporal.api.enums.v1;

/** A `postEvent` under way or waiting for its retry, as Temporal describes it. */
export interface PendingAttempt {
  workflowId: string;
  runId: string;
  activityId: string;
  /** `started` while an attempt runs (or its worker died and the timeout has not fired yet). */
  state: 'scheduled' | 'started' | 'other';
  /** The attempt running, or the one to come. */
  attempt: number;
  /** When the next attempt is due, while it waits for a retry. */
  nextAttemptAt?: Date;
  /** How the previous attempt failed. */
  lastFailure?: { type?: string; message: string; timeout: boolean };
  lastWorkerIdentity?: string;
}

/** Every `postEvent` still pending in a delivery workflow and in the child workflows it runs. */
export async function pendingAttempts(client: Client, workflowId: string): Promise<PendingAttempt[]> {
  const description = await client.workflow.getHandle(workflowId).describe();
  const runId = description.runId;
  const own = (description.raw.pendingActivities ?? [])
    .filter((pending) => pending.activityType?.name === POST_EVENT_ACTIVITY)
    .map((pending): PendingAttempt => {
      const failure = pending.lastFailure ?? undefined;
      return {
        workflowId,
        runId,
        activityId: pending.activityId ?? '',
        state:
          pending.state === PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED
            ? 'scheduled'
            : pending.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
              ? 'started'
              : 'other',
        attempt: pending.attempt ?? 1,
        nextAttemptAt: optionalTsToDate(pending.nextAttemptScheduleTime),
        lastFailure: failure
          ? {
              type: failure.applicationFailureInfo?.type ?? undefined,
              message: failure.message ?? '',
              timeout: Boolean(failure.timeoutFailureInfo),
            }
          : undefined,
        lastWorkerIdentity: pending.lastWorkerIdentity ?? undefined,
      };
    });
  const children = await Promise.all(
    (description.raw.pendingChildren ?? []).map((child) => pendingAttempts(client, child.workflowId ?? '')),
  );
  return [...own, ...children.flat()];
}

/**
 * Brings forward to about now every retry of a delivery that is waiting for one, instead of after its
 * minute or two: an operator does the same with `temporal activity update-options --retry-initial-interval 1s`.
 * The server recomputes the pending retry from the shorter interval; attempts keep their count, and
 * attempts under way are left alone. Tests use it so that no retry is waited for in real minutes.
 */
export async function hurryRetries(client: Client, workflowId: string): Promise<number> {
  const soon = Date.now() + 1_500;
  const waiting = (await pendingAttempts(client, workflowId)).filter(
    (pending) => pending.state === 'scheduled' && pending.nextAttemptAt && pending.nextAttemptAt.getTime() > soon,
  );
  for (const pending of waiting) {
    await client.workflowService.updateActivityOptions({
      namespace: client.options.namespace,
      execution: { workflowId: pending.workflowId, runId: pending.runId },
      id: pending.activityId,
      activityOptions: { retryPolicy: compileRetryPolicy({ initialInterval: '1 second' }) },
      updateMask: { paths: ['retry_policy.initial_interval'] },
    });
  }
  return waiting.length;
}

/** {@link hurryRetries} for every delivery still running on a task queue. */
export async function hurryAllRetries(client: Client, taskQueue: string): Promise<number> {
  let hurried = 0;
  for await (const execution of client.workflow.list({ query: runningOn(taskQueue) })) {
    hurried += await hurryRetries(client, execution.workflowId).catch(() => 0);
  }
  return hurried;
}

/** The visibility query for the workflows still running on a task queue. */
export function runningOn(taskQueue: string): string {
  return `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
}

/** The history of a delivery workflow followed by those of the child workflows it started. */
export async function deliveryHistory(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const children = await Promise.all(
    events
      .map((event) => event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId)
      .filter((id): id is string => Boolean(id))
      .map((id) => deliveryHistory(client, id)),
  );
  return [...events, ...children.flat()];
}

/** The activity events of a history by name (`ActivityTaskStarted`, …), in order. */
export function activityEventNames(events: readonly HistoryEvent[]): string[] {
  return events
    .map((event) => EventType[event.eventType ?? 0] ?? '')
    .filter((name) => name.startsWith('EVENT_TYPE_ACTIVITY_TASK_'))
    .map((name) =>
      name
        .slice('EVENT_TYPE_'.length)
        .toLowerCase()
        .replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase()),
    );
}

/** The attempt number and worker identity of every `ActivityTaskStarted` event. */
export function startedAttempts(events: readonly HistoryEvent[]): { attempt: number; identity: string }[] {
  return events
    .map((event) => event.activityTaskStartedEventAttributes)
    .filter((started): started is NonNullable<typeof started> => Boolean(started))
    .map((started) => ({ attempt: started.attempt ?? 0, identity: started.identity ?? '' }));
}
