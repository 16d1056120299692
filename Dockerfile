# The hub and worker image: Python slim, the project, the built browser app.
# (sandbox/Dockerfile is the other image: the one submissions run in, under runsc.)

FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ARENA_SANDBOX_DIR=/app/sandbox \
    ARENA_WEB_DIR=/app/web/dist \
    ARENA_BLOB_DIR=/var/lib/arena/blobs \
    ARENA_LOG_FORMAT=json
WORKDIR /app
# Dependencies first: a change of the sources alone does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir arena && touch arena/__init__.py && pip install . && pip uninstall -y arena
COPY arena/ arena/
COPY sandbox/languages.toml sandbox/languages.toml
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --home-dir /app arena \
    && mkdir -p /var/lib/arena/blobs && chown arena /var/lib/arena/blobs
COPY --from=web /web/dist web/dist
# The worker overrides the user: it needs the Docker socket (see docker-compose.yml).
USER arena
EXPOSE 8000
CMD ["arena", "hub", "--host", "0.0.0.0", "--port", "8000"]
