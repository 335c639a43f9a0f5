/**
 * The ceiling workload: the least a workflow can do that still runs one activity through the server.
 * Hookline's delivery workflow is measured against it, so it uses the same default activity settings
 * and nothing else.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { BenchActivities } from './activities';

const { noop } = proxyActivities<BenchActivities>({ startToCloseTimeout: '10 seconds' });

export async function trivialWorkflow(): Promise<void> {
  await noop();
}
