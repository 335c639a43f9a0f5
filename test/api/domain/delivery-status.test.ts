import { UNREPORTED_ATTEMPT } from '../../../src/api/schemas';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { deriveDeliveryExecution } from '../../../src/api/domain/delivery-status';
import type { DeliverEventResult } from '../../../src/contract/delivery';
import { startInputOf } from '../../../src/emit/start-input';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type PendingActivity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];

const HISTORIES = path.join(__dirname, '../../workflows/histories');

function loadHistory(name: string): History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES, name), 'utf8')));
}

const timeOf = (event: temporal.api.history.v1.IHistoryEvent) =>
  new Date(Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6));

/** The description Temporal gives of a workflow in the state its (possibly cut) history ends in. */
function describeAs(history: History, pendingActivities: PendingActivity[] = []): WorkflowExecutionDescription {
  const events = history.events ?? [];
  const first = events[0] as temporal.api.history.v1.IHistoryEvent;
  const last = events.at(-1) as temporal.api.history.v1.IHistoryEvent;
  const completed =
    last.workflowExecutionCompletedEventAttributes !== undefined &&
    last.workflowExecutionCompletedEventAttributes !== null;
  return {
    status: { name: completed ? 'COMPLETED' : 'RUNNING' },
    startTime: timeOf(first),
    closeTime: completed ? timeOf(last) : undefined,
    raw: { pendingActivities },
  } as unknown as WorkflowExecutionDescription;
}

function resultOf(history: History): DeliverEventResult {
  const last = history.events?.at(-1);
  const payload = last?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  return defaultPayloadConverter.fromPayload<DeliverEventResult>(payload as never);
}

describe('deriveDeliveryExecution on recorded histories', () => {
  it('reads a delivery that succeeded on its second attempt as succeeded after two attempts', () => {
    const history = loadHistory('endpoints-resolved-at-emit-retrying-once.json');
    const input = startInputOf(history.events?.[0]);

    const execution = deriveDeliveryExecution('event:ws:evt', describeAs(history), history);

    expect(execution.status).toBe('completed');
    expect(execution.event).toEqual(input?.event);
    expect(execution.closedAt).not.toBeNull();
    expect(execution.deliveries).toEqual([
      {
        webhookId: input?.endpoints?.[0]?.webhookId,
        status: 'succeeded',
        attempts: 2,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
        completedAt: timeOf(history.events?.[6] ?? {}).toISOString(),
        // Recorded before attempts reported themselves: the first failure left no record.
        attemptLog: [
          expect.objectContaining({ attempt: 1, outcome: 'failed', failureType: UNREPORTED_ATTEMPT }),
          expect.objectContaining({ attempt: 2, outcome: 'succeeded', statusCode: 200, trigger: 'scheduled' }),
        ],
      },
    ]);
  });

  it('lists every attempt of a history that records them: signals, result and failure', () => {
    const history = loadHistory('attempts-recorded-one-retried-one-exhausted.json');

    const execution = deriveDeliveryExecution('event:ws:evt', describeAs(history), history);

    const logs = execution.deliveries.map((d) => d.attemptLog.map((a) => [a.attempt, a.outcome, a.statusCode]));
    expect(logs).toEqual(
      expect.arrayContaining([
        [
          [1, 'failed', 503],
          [2, 'failed', 503],
          [3, 'succeeded', 200],
        ],
        [
          [1, 'failed', 500],
          [2, 'failed', 500],
          [3, 'failed', 500],
        ],
      ]),
    );
    for (const attempt of execution.deliveries.flatMap((d) => d.attemptLog)) {
      expect(attempt.failureType).not.toBe(UNREPORTED_ATTEMPT);
      expect(attempt.startedAt).not.toBeNull();
    }
  });

  it('agrees with the workflow’s own result on each endpoint of a two-endpoint delivery', () => {
    const history = loadHistory('two-endpoints-one-retrying.json');

    const execution = deriveDeliveryExecution('event:ws:evt', describeAs(history), history);

    const byWebhook = new Map(resultOf(history).deliveries.map((d) => [d.webhookId, d]));
    expect(execution.deliveries).toHaveLength(2);
    for (const delivery of execution.deliveries) {
      const recorded = byWebhook.get(delivery.webhookId);
      expect(delivery.status).toBe(recorded?.outcome);
      expect(delivery.attempts).toBe(recorded?.attempts);
      expect(delivery.lastStatusCode).toBe(recorded?.statusCode ?? null);
    }
    const failed = execution.deliveries.find((d) => d.status === 'failed');
    expect(failed).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'Receiver answered HTTP 500' });
  });

  it('reads a delivery cut before its last attempt as retrying, with the next attempt from the retry policy', () => {
    const full = loadHistory('two-endpoints-one-retrying.json');
    // Up to the first endpoint's success: the other one is still between attempts.
    const cut = temporal.api.history.v1.History.create({ events: full.events?.slice(0, 13) });
    const lastAttemptEnded = new Date('2026-11-23T18:20:00.000Z');
    const failure = defaultPayloadConverter.toPayload({ attempt: 2, statusCode: 500 });
    const pending = temporal.api.workflow.v1.PendingActivityInfo.fromObject({
      activityId: '2',
      state: 'PENDING_ACTIVITY_STATE_SCHEDULED',
      attempt: 3,
      lastAttemptCompleteTime: { seconds: String(lastAttemptEnded.getTime() / 1000), nanos: 0 },
      lastFailure: {
        message: 'Receiver answered HTTP 500',
        applicationFailureInfo: { type: 'HttpStatus', details: { payloads: [failure] } },
      },
    }) as PendingActivity;

    const execution = deriveDeliveryExecution('event:ws:evt', describeAs(cut, [pending]), cut);

    expect(execution.status).toBe('delivering');
    const retrying = execution.deliveries.find((d) => d.status === 'retrying');
    expect(retrying).toEqual({
      webhookId: expect.any(String),
      status: 'retrying',
      attempts: 2,
      lastStatusCode: 500,
      lastError: 'Receiver answered HTTP 500',
      // Attempt 3 comes 2 minutes after attempt 2 ended (1 minute, backoff 2).
      nextAttemptAt: new Date(lastAttemptEnded.getTime() + 120_000).toISOString(),
      completedAt: null,
      attemptLog: [
        expect.objectContaining({ attempt: 1, failureType: UNREPORTED_ATTEMPT }),
        expect.objectContaining({ attempt: 2, failureType: 'HttpStatus', statusCode: 500 }),
      ],
    });
    expect(execution.deliveries.filter((d) => d.status === 'succeeded')).toHaveLength(1);
  });
});
