export { deliverEventWorkflow } from './deliver-event';
