# Berth: one image for the scheduler, worker, notifier and migrations (the command picks the process).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# git for the repository mirrors; helm and kubectl (kustomize inside) are the official releases;
# jsonnet (Debian's C++ jsonnet) for Jsonnet directory sources, run under util-linux prlimit.
ARG HELM_VERSION=v4.1.4
ARG KUBECTL_VERSION=v1.34.5
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates curl openssh-client jsonnet \
 && curl -fsSL "https://get.helm.sh/helm-${HELM_VERSION}-linux-amd64.tar.gz" | tar -xz -C /usr/local/bin --strip-components=1 linux-amd64/helm \
 && curl -fsSLo /usr/local/bin/kubectl "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl" \
 && chmod +x /usr/local/bin/kubectl \
 && apt-get purge -y curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY scripts ./scripts
USER node
ENV NODE_ENV=production BERTH_DATA_DIR=/tmp/berth
CMD ["node", "dist/apps/scheduler/src/main.js"]
