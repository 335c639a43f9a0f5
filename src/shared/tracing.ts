import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { RequestHandler } from 'express';
import type { Config } from './config';
import { HOOKLINE_VERSION } from './version';

/**
 * The workflow interceptors, loaded inside the workflow bundle: they read the trace context from the
 * start headers, record the workflow's spans through the `exporter` sink and pass the context on to
 * activities in their headers. Only bundles made for tracing include them.
 */
export const WORKFLOW_TRACING_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export type TracingConfig = NonNullable<Config['tracing']>;

export interface TracingOptions {
  /**
   * Where spans go instead of the configured exporter, each as soon as it ends; tests pass an
   * in-memory one. @default the `OTEL_TRACES_EXPORTER` one, in batches
   */
  exporter?: SpanExporter;
}

/** What a worker adds for traces; see {@link Tracing.workerOptions}. */
export interface WorkerTracingOptions {
  interceptors: Pick<WorkerInterceptors, 'activity' | 'workflowModules'>;
  sinks: InjectedSinks<OpenTelemetrySinks>;
}

/** One process's tracer and where its spans go; made only when traces are on. */
export interface Tracing {
  tracer: Tracer;
  /** Puts the trace context of workflow starts and signals in their headers. */
  clientInterceptors: ClientInterceptors;
  /**
   * Activity spans that continue the workflow's trace, the sink the workflow interceptors export their
   * spans through (they are made in the sandbox), and those interceptors ({@link WORKFLOW_TRACING_MODULE})
   * for a worker that bundles its workflows at start; a prebuilt bundle has them already.
   */
  workerOptions(options: { bundleAtStart: boolean }): WorkerTracingOptions;
  /** Sends what is still pending and stops. */
  shutdown(): Promise<void>;
}

/**
 * Sets traces up. The SDK is loaded here, so that a process without traces never loads it. The
 * provider is not registered globally (each Hookline has its own exporter), but the context manager and
 * the W3C propagator are: Temporal's interceptors read the active context and propagate through the
 * global API.
 */
export async function startTracing(config: TracingConfig, options: TracingOptions = {}): Promise<Tracing> {
  const [sdk, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, resources, temporalOtel] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@temporalio/interceptors-opentelemetry'),
    ]);
  if (!globalsInstalled) {
    globalsInstalled = true;
    // Both return false, and change nothing, when the application already set its own.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }
  const resource: Resource = new resources.Resource({
    'service.name': config.serviceName,
    'service.version': HOOKLINE_VERSION,
  });
  let spanProcessor: SpanProcessor;
  if (options.exporter) {
    spanProcessor = new sdk.SimpleSpanProcessor(options.exporter);
  } else if (config.exporter === 'console') {
    spanProcessor = new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter());
  } else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    const exporter = new OTLPTraceExporter({ url: config.otlp.url, headers: { ...config.otlp.headers } });
    spanProcessor = new sdk.BatchSpanProcessor(exporter);
  }
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  const tracer = provider.getTracer('hookline', HOOKLINE_VERSION);
  return {
    tracer,
    clientInterceptors: { workflow: [new temporalOtel.OpenTelemetryWorkflowClientInterceptor({ tracer })] },
    workerOptions: ({ bundleAtStart }) => ({
      interceptors: {
        ...(bundleAtStart ? { workflowModules: [WORKFLOW_TRACING_MODULE] } : {}),
        activity: [
          (ctx) => ({
            inbound: new temporalOtel.OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
            outbound: new temporalOtel.OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: temporalOtel.makeWorkflowExporter(spanProcessor, resource) },
    }),
    shutdown: () => provider.shutdown(),
  };
}

let globalsInstalled = false;

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
