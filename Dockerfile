# The Hookline image: one image, two commands (`npm run worker`, `npm run api`).
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY drizzle ./drizzle
COPY src ./src
ENV NODE_ENV=production LOG_FORMAT=json DATABASE_PATH=/data/hookline.db
VOLUME ["/data"]
USER node
CMD ["npm", "run", "api"]
