# Production image of kiennghi: the sources compiled to dist/ (scripts/build.js), run by
# `node bin/kiennghi.js start` with the heap settings of `npm start`.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY patches ./patches
COPY prisma ./prisma
COPY scripts/build.js ./scripts/build.js
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY prompts ./prompts
COPY corpus ./corpus
# npm ci built only the generated Prisma clients (src/ was not there yet): build everything now.
RUN npm run build
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A smaller young generation and full collections at 1.5× the live heap (V8 lets it reach about
# twice): a burst of voters leaves the bot's peak memory about 60 MB lower (docs/benchmarks.md).
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "bin/kiennghi.js", "start"]
