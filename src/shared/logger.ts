import pino, { type Logger } from 'pino';
import { DefaultLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Config } from './config';

export type { Logger };

/** One pino logger per process; `pretty` is for people at a terminal, JSON for everything else. */
export function createLogger(options: Config['log'], name: string): Logger {
  return pino({
    name,
    level: options.level,
    ...(options.pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}

const PINO_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the Temporal SDK's own logs (worker, workflows, activities) into the process logger. */
export function temporalLogger(logger: Logger, level: LogLevel = 'INFO'): DefaultLogger {
  const child = logger.child({ component: 'temporal' });
  return new DefaultLogger(
    level,
    ({ level: entryLevel, message, meta }: { level: LogLevel; message: string; meta?: LogMetadata }) => {
      child[PINO_LEVELS[entryLevel]](meta ?? {}, message);
    },
  );
}
