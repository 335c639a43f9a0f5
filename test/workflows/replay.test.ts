import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { deliveryWorkflowOf } from '../../src/contract/delivery';

const HISTORIES = path.join(__dirname, 'histories');

/**
 * The id the workflow ran under, where its commands depend on it: a large fan-out names its batches
 * after it. Histories do not record a workflow's own id, so it is read back from a batch's.
 */
function recordedWorkflowId(history: temporal.api.history.v1.IHistory): string | undefined {
  const batch = history.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
    ?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
  return batch ? deliveryWorkflowOf(batch) : undefined;
}

describe('deliverEventWorkflow determinism', () => {
  const files = fs.readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  // A change to the workflow that would break running deliveries fails here; version it with patched().
  it.each(files)('replays the recorded history %s on the current workflow code', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')),
    );
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') } },
        history,
        recordedWorkflowId(history) ?? file,
      ),
    ).resolves.toBeUndefined();
  });
});
