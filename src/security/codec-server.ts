import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import express from 'express';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, type InvalidField, type Problem } from '../contract/problem';
import { DecryptionError } from './field-cipher';

/** Default of {@link CodecRouterOptions.maxBodyBytes}: a history page of payloads fits well inside. */
export const CODEC_MAX_BODY_BYTES = 4 * 1024 * 1024;

const ALLOWED_METHODS = 'POST, OPTIONS';
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
/** Seconds a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const ROUTES = ['/encode', '/decode'] as const;

/** Options of {@link createCodecRouter}. */
export interface CodecRouterOptions {
  /** The codec whose encode and decode the routes expose. */
  codec: PayloadCodec;
  /**
   * Decides whether a request may use the codec; decoding reveals every payload, so this is the real gate.
   * It runs before the body is parsed (`req.body` is not set yet). A rejected promise is passed on to the
   * app's error middleware.
   */
  authorize(req: express.Request): boolean | Promise<boolean>;
  /**
   * Browser origins, such as `https://temporal.example.com`, whose pages (the Temporal UI) may call the
   * routes. Only these origins get CORS headers; a wildcard is refused because credentials are allowed.
   */
  allowedOrigins: readonly string[];
  /**
   * Largest accepted request body; larger ones answer 413.
   *
   * @default CODEC_MAX_BODY_BYTES (4 MiB)
   */
  maxBodyBytes?: number;
}

/** Proto3 JSON accepts standard and URL-safe base64, with or without padding. */
const Base64Schema = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64')
  .refine((value) => value.replace(/=+$/, '').length % 4 !== 1, 'must be base64');

/** A payload in the protocol's JSON form: proto3 JSON, where every bytes value is base64. */
const JsonPayloadSchema = z.object({
  metadata: z.record(z.string(), Base64Schema).nullish(),
  data: Base64Schema.nullish(),
});

const CodecBodySchema = z.object({ payloads: z.array(JsonPayloadSchema) });

/** A payload as the codec-server protocol carries it. */
export type JsonPayload = z.input<typeof JsonPayloadSchema>;

/** The request and the response body of both routes. */
export interface CodecBody {
  payloads: JsonPayload[];
}

/**
 * The Temporal codec-server protocol, so that the Temporal UI and CLI can show and send encrypted payloads:
 * `POST /encode` and `POST /decode`, each taking and answering `{ "payloads": [...] }`, under whatever path
 * the caller mounts the router at (such as `/codec`).
 *
 * The router parses its own JSON bodies and answers its own errors as problem+json: 401 when
 * `authorize` says no, 400 for a body that is not the protocol's JSON and for a payload the codec rejects
 * (naming its index), 413 for a body over the limit. Only faults of the server itself reach the app's
 * error middleware.
 */
export function createCodecRouter(options: CodecRouterOptions): express.Router {
  const allowedOrigins = new Set(options.allowedOrigins.map(requireOrigin));
  // Merged params let `authorize` read a token in the mount path, such as `/codec/:token`.
  const router = express.Router({ mergeParams: true });
  const json = express.json({ limit: options.maxBodyBytes ?? CODEC_MAX_BODY_BYTES });

  router.use([...ROUTES], cors(allowedOrigins));
  router.options([...ROUTES], (_req, res) => {
    res.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS)).status(204).end();
  });
  router.post(
    '/encode',
    authorize(options),
    json,
    codecHandler('encode', (p) => options.codec.encode(p)),
  );
  router.post(
    '/decode',
    authorize(options),
    json,
    codecHandler('decode', (p) => options.codec.decode(p)),
  );
  router.use(bodyParserErrors);
  return router;
}

/** The origin exactly as browsers send it in `Origin`, or an error naming the bad entry. */
function requireOrigin(value: string, index: number): string {
  let origin: string | undefined;
  try {
    origin = new URL(value).origin;
  } catch {
    origin = undefined;
  }
  if (origin !== value || origin === 'null') {
    throw new TypeError(
      `allowedOrigins[${index}] must be an origin such as https://temporal.example.com (scheme, host and port only), got "${value}"`,
    );
  }
  return origin;
}

function cors(allowedOrigins: ReadonlySet<string>): express.RequestHandler {
  return (req, res, next) => {
    // The answer depends on the Origin, so shared caches must not hand one origin's answer to another.
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin !== undefined && allowedOrigins.has(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      });
    }
    next();
  };
}

/** Runs before body parsing, so that an unauthorised caller cannot make the server parse megabytes. */
function authorize(options: CodecRouterOptions): express.RequestHandler {
  return async (req, res, next) => {
    if (await options.authorize(req)) {
      next();
      return;
    }
    sendProblem(
      res,
      {
        type: 'urn:hookline:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'This request is not authorised to use the codec server',
        instance: req.originalUrl,
      },
      { 'www-authenticate': 'Bearer realm="hookline"' },
    );
  };
}

function codecHandler(operation: 'encode' | 'decode', run: (payloads: Payload[]) => Promise<Payload[]>) {
  return async (req: express.Request, res: express.Response<CodecBody>): Promise<void> => {
    const parsed = CodecBodySchema.safeParse(req.body);
    if (!parsed.success) {
      sendValidationProblem(
        req,
        res,
        parsed.error.issues.map((issue) => ({
          field: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body',
          message: issue.message,
        })),
      );
      return;
    }

    // One payload per call, so that a payload the codec rejects is named by its index.
    const outcomes = await Promise.all(
      parsed.data.payloads.map(async (json, index) => {
        try {
          return { payloads: await run([fromJson(json)]) };
        } catch (err) {
          if (!isRejectedInput(err)) throw err;
          return { invalid: { field: `payloads.${index}`, message: `cannot be ${operation}d: ${err.message}` } };
        }
      }),
    );
    const invalid = outcomes.flatMap((outcome) => (outcome.invalid ? [outcome.invalid] : []));
    if (invalid.length > 0) {
      sendValidationProblem(req, res, invalid);
      return;
    }
    // Decoded payloads are the event data in the clear: no cache may keep them.
    res.set('Cache-Control', 'no-store');
    res.json({ payloads: outcomes.flatMap((outcome) => outcome.payloads ?? []).map(toJson) });
  };
}

/**
 * Errors that blame the payload rather than the server: their messages name keys and reasons, never
 * payload contents, so they can be shown to the caller.
 */
function isRejectedInput(err: unknown): err is Error {
  return err instanceof DecryptionError || err instanceof ValueError;
}

function sendProblem(res: express.Response, problem: Problem, headers: Record<string, string> = {}): void {
  res.status(problem.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

function sendValidationProblem(req: express.Request, res: express.Response, fields: InvalidField[]): void {
  sendProblem(res, {
    type: 'urn:hookline:problem:validation-error',
    title: 'Bad Request',
    status: 400,
    detail: `The request body is invalid: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`,
    instance: req.originalUrl,
    errors: fields,
  });
}

/** Errors of express.json() carry a 4xx `status` and a `type`; anything else is the app's to answer. */
const bodyParserErrors: express.ErrorRequestHandler = (err, req, res, next) => {
  const { status, type } = (err ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || typeof type !== 'string') {
    next(err);
    return;
  }
  if (type === 'entity.too.large') {
    sendProblem(res, {
      type: 'urn:hookline:problem:payload-too-large',
      title: 'Payload Too Large',
      status: 413,
      detail: 'The request body is larger than this codec server accepts',
      instance: req.originalUrl,
    });
    return;
  }
  sendValidationProblem(req, res, [{ field: 'body', message: 'is not valid JSON' }]);
};

function fromJson({ metadata, data }: z.output<typeof JsonPayloadSchema>): Payload {
  const payload: Payload = {};
  if (metadata) {
    payload.metadata = Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    );
  }
  if (data !== undefined && data !== null) payload.data = Buffer.from(data, 'base64');
  return payload;
}

function toJson({ metadata, data }: Payload): JsonPayload {
  const json: JsonPayload = {};
  if (metadata) {
    json.metadata = Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    );
  }
  if (data !== undefined && data !== null) json.data = Buffer.from(data).toString('base64');
  return json;
}
