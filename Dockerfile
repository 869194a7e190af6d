# leakgate in a container, for CI systems other than GitHub Actions (docs/install.md):
#
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/repo" ghcr.io/OWNER/leakgate scan
#
# Two stages: a Rust image builds the release binary from the locked dependencies, and a small
# Debian image runs it with git (`scan --staged`, `scan --git` and the hygiene checks call git) as
# a non-root user. Built by .github/workflows/release.yml; linted by hadolint in .ci/run.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /src
# Only what the build reads (see .dockerignore): the manifest declares benches/ as targets.
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY rules ./rules
COPY benches ./benches
RUN cargo build --release --locked \
    && install -m 0755 target/release/leakgate /usr/local/bin/leakgate

FROM debian:${DEBIAN_RELEASE}-slim
LABEL org.opencontainers.image.title="leakgate" \
      org.opencontainers.image.description="Secrets-hygiene gate for docs, reports and logs: finds credentials, never prints them." \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
# git is the only runtime dependency; versions come from the pinned Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && git config --system --add safe.directory '*' \
    && useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin leakgate
# safe.directory: the mounted repository belongs to the host's user, not to the container's; git
# refuses to read a repository owned by someone else without it.
COPY --from=build /usr/local/bin/leakgate /usr/local/bin/leakgate
USER 10001:10001
WORKDIR /repo
ENTRYPOINT ["leakgate"]
CMD ["scan"]
