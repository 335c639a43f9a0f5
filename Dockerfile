# The Hookline image: one image, two processes. The API is the default command; the worker is
#   docker run … hookline node dist/worker/main.js
# Operators' commands: node dist/scripts/keys.js (API keys), node dist/scripts/encryption-key.js.
# Stages: deps (every dependency, to build) → build (dist/) → prod-deps (production dependencies only)
# → runtime (those, dist/ and the migrations; no sources, no compilers, no npm at run time).

FROM node:20-bookworm-slim AS deps
# better-sqlite3 compiles from source where no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM deps AS prod-deps
# Drops the development dependencies from the tree `npm ci` built, keeping the compiled native modules.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
  LOG_FORMAT=json \
  HOST=0.0.0.0 \
  PORT=3000 \
  HOOKLINE_DATA_DIR=/data
WORKDIR /app
# The default SQLite file and the generated key file live in /data: mount a volume there when you use
# them. With DATABASE_URL and HOOKLINE_ENCRYPTION_KEYS set, nothing is written there.
RUN install -d -o node -g node /data
COPY package.json ./
COPY drizzle ./drizzle
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Ready means the database and Temporal both answer. The worker serves no HTTP: compose disables this
# check for it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself; the API finishes its requests and the worker
# gives running attempts up to 10 s, so give `docker stop` more than that (compose sets 30 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/api/main.js"]
