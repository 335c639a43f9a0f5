import { Context } from '@temporalio/activity';

export interface BenchActivityDeps {
  /** Called with the workflow id when the activity starts running, to time start → activity. */
  onRun: (workflowId: string) => void;
}

/** The one activity of the trivial workflow: does nothing but say when it ran. */
export function createBenchActivities({ onRun }: BenchActivityDeps) {
  return {
    async noop(): Promise<void> {
      // Absent only for activities started outside a workflow, which the bench never does.
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      if (workflowId) onRun(workflowId);
    },
  };
}

export type BenchActivities = ReturnType<typeof createBenchActivities>;
