# syntax=docker/dockerfile:1
# The example app (routes/main.ts) as compiled JavaScript: `npm start` uses tsx, a dev
# dependency, so the image runs the output of `tsc -p tsconfig.app.json` (src/, chains/
# and routes/ compiled together into build-app/, keeping their relative imports).
# Node 24 LTS (the newest version the test suite runs on, see .ci/run), slim, pinned to a
# release tag so a rebuild gets the runtime the tests passed on; override with
# --build-arg NODE_IMAGE=… to move it.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.app.json ./
COPY src ./src
COPY chains ./chains
COPY routes ./routes
COPY playground ./playground
# The playground page (Vite) lands where build-app/src/server/playground.js looks for it.
RUN npx tsc -p tsconfig.app.json \
  && npx vite build --config playground/vite.config.ts \
  && mkdir -p build-app/dist && cp -r dist/playground build-app/dist/playground

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000
WORKDIR /app
# package.json carries "type": "module" for the compiled .js files. Code stays owned by
# root (read-only for the app user).
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/build-app ./
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself; routes/main.ts closes the app.
CMD ["node", "--enable-source-maps", "routes/main.js"]
