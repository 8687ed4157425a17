# syntax=docker/dockerfile:1
# Rapport: one image for every run mode (RAPPORT_MODE=all | api | worker) and the one-shot
# commands (`migrate`, `admin create-workspace …`, `jobs drain`).
#
#   docker build -t rapport .
#   docker run --rm -p 8080:8080 -v rapport-data:/data rapport      # zero-config: SQLite in /data

# ---------------------------------------------------------------- build
FROM rust:1.95-bookworm AS builder
WORKDIR /src
COPY . .
# Cache mounts keep the registry and target dir between builds (BuildKit); the binary is copied
# out in the same step because a cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p rapport \
 && install -D -m 755 target/release/rapport /out/rapport

# ---------------------------------------------------------------- runtime
FROM debian:bookworm-slim
# ca-certificates: TLS to SMTP/IMAP/HTTP providers. curl: the compose healthcheck (GET /healthz).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 rapport \
 && useradd --system --uid 10001 --gid rapport --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin rapport \
 && install -d -o rapport -g rapport -m 750 /data
COPY --from=builder /out/rapport /app/rapport
WORKDIR /app
ENV RAPPORT_LISTEN=0.0.0.0:8080 \
    RAPPORT_DATA_DIR=/data
# Created and owned by rapport above, so a fresh named volume starts out writable by it.
VOLUME /data
USER rapport:rapport
EXPOSE 8080
ENTRYPOINT ["/app/rapport"]
