import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
// The package's index also loads its workflow-side code, which belongs in the workflow sandbox only.
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { ClientInterceptors } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { RequestHandler } from 'express';
import type { Config } from './config';
import { HOOKLINE_VERSION } from './version';

/**
 * The workflow interceptors, loaded inside the workflow bundle: they read the trace context from the
 * start headers, record the workflow's spans through the `exporter` sink and pass the context on to
 * activities in their headers. Only bundles made for tracing include them.
 */
export const WORKFLOW_TRACING_MODULE = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export type TracingConfig = NonNullable<Config['tracing']>;

export interface TracingOptions {
  /**
   * Where spans go instead of the configured exporter, each as soon as it ends; tests pass an
   * in-memory one. @default the `OTEL_TRACES_EXPORTER` one, in batches
   */
  exporter?: SpanExporter;
}

/** One process's tracer and where its spans go; made only when traces are on. */
export interface Tracing {
  tracer: Tracer;
  /** Also receives the workflow spans, which are made in the sandbox and handed out through a sink. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends what is still pending and stops. */
  shutdown(): Promise<void>;
}

/**
 * Sets traces up. The provider is not registered globally (each Hookline has its own exporter), but the
 * context manager and the W3C propagator are: Temporal's interceptors read the active context and
 * propagate through the global API.
 */
export function startTracing(config: TracingConfig, options: TracingOptions = {}): Tracing {
  installGlobals();
  const resource = new Resource({ 'service.name': config.serviceName, 'service.version': HOOKLINE_VERSION });
  const spanProcessor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : config.exporter === 'console'
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlp.url, headers: { ...config.otlp.headers } }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  return {
    tracer: provider.getTracer('hookline', HOOKLINE_VERSION),
    spanProcessor,
    resource,
    shutdown: () => provider.shutdown(),
  };
}

let globalsInstalled = false;

function installGlobals(): void {
  if (globalsInstalled) return;
  globalsInstalled = true;
  // Both return false, and change nothing, when the application already set its own.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** Puts the trace context of workflow starts and signals in their headers. */
export function tracingClientInterceptors(tracing: Tracing): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] };
}

/**
 * What a worker adds for traces: activity spans that continue the workflow's trace, the sink the
 * workflow interceptors export their spans through, and those interceptors
 * ({@link WORKFLOW_TRACING_MODULE}) for a worker that bundles its workflows at start; a prebuilt bundle
 * has them already.
 */
export function tracingWorkerOptions(tracing: Tracing, { bundleAtStart }: { bundleAtStart: boolean }): {
  interceptors: Pick<WorkerInterceptors, 'activity' | 'workflowModules'>;
  sinks: InjectedSinks<OpenTelemetrySinks>;
} {
  const { tracer } = tracing;
  return {
    interceptors: {
      ...(bundleAtStart ? { workflowModules: [WORKFLOW_TRACING_MODULE] } : {}),
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/**
 * A server span around each request, continuing the caller's trace when it sends a `traceparent`, and
 * active while the rest of the chain runs so that what the handler starts (a workflow) is its child.
 * Mounted after the body parser: the parser's stream callbacks would run outside the span's context.
 */
export function traceRequests(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      // The route's pattern, never the path: paths hold ids and would make every span name unique.
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        span.updateName(`${req.method} ${req.baseUrl}${route}`);
        span.setAttribute('http.route', `${req.baseUrl}${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute('http.response.aborted', true);
      span.end();
    };
    res.on('finish', end);
    res.on('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
