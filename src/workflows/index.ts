export { deliverBatchWorkflow, deliverEventWorkflow } from './deliver-event';
