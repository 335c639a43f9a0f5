export { deliverBatchWorkflow, deliverEventWorkflow } from './deliver-event';
export { webhookHealthWorkflow } from './webhook-health';
export { recoverDeliveriesWorkflow } from './recover-deliveries';
