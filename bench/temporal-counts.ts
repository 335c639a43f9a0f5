/**
 * What a workflow costs Temporal, counted rather than timed: the actions the server reports on its
 * metrics endpoint (the `action` counter, by type: what Temporal Cloud bills), and the state transitions
 * and history events of one execution (what a cluster's history shards persist).
 */
import type { Client } from '@temporalio/client';

export interface ActionSample {
  /** Running totals of the `action` counter for one namespace, by action type. */
  byType: Map<string, number>;
}

export interface ActionsPerWorkflow {
  total: number;
  byType: Record<string, number>;
}

export interface ExecutionCosts {
  historyEvents: number;
  stateTransitions: number;
}

const ACTION_LINE = /^action\{([^}]*)\}\s+([0-9.e+-]+)$/;

export async function sampleActions(metricsUrl: string, namespace: string): Promise<ActionSample> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  const byType = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = ACTION_LINE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    if (labels.namespace !== namespace || !labels.action_type) continue;
    byType.set(labels.action_type, (byType.get(labels.action_type) ?? 0) + Number(match[2]));
  }
  return { byType };
}

/** The actions between two samples, per workflow run in between. */
export function actionsPer(before: ActionSample, after: ActionSample, workflows: number): ActionsPerWorkflow {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const [type, value] of after.byType) {
    const spent = value - (before.byType.get(type) ?? 0);
    if (spent <= 0) continue;
    byType[type] = Math.round((spent / workflows) * 100) / 100;
    total += spent;
  }
  return { total: Math.round((total / workflows) * 100) / 100, byType };
}

/** Adds up several spans of actions, each already divided by its own workflows, weighted by them. */
export function poolActions(parts: readonly { actions: ActionsPerWorkflow; workflows: number }[]): ActionsPerWorkflow {
  const workflows = parts.reduce((sum, p) => sum + p.workflows, 0);
  const byType: Record<string, number> = {};
  for (const { actions, workflows: n } of parts) {
    for (const [type, per] of Object.entries(actions.byType)) byType[type] = (byType[type] ?? 0) + per * n;
  }
  let total = 0;
  for (const type of Object.keys(byType)) {
    total += byType[type] ?? 0;
    byType[type] = Math.round(((byType[type] ?? 0) / workflows) * 100) / 100;
  }
  return { total: Math.round((total / workflows) * 100) / 100, byType };
}

export async function executionCosts(client: Client, workflowId: string): Promise<ExecutionCosts> {
  const description = await client.workflow.getHandle(workflowId).describe();
  const info = description.raw.workflowExecutionInfo;
  return {
    historyEvents: Number(info?.historyLength ?? 0),
    stateTransitions: Number(info?.stateTransitionCount ?? 0),
  };
}
