/** Workflow interceptors of the bench's "summaries off" runs: activities are scheduled without a summary. */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        const { summary: _summary, ...options } = input.options;
        return next({ ...input, options });
      },
    },
  ],
});
