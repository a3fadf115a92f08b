# Multi-stage image for guru-server, guru-indexer and guru-query.
#   build stage: Debian 12 toolchain; builds and runs the unit, integration
#   and end-to-end tests (the cluster tests run in CI outside the image),
#   then packs guru-search_<version>_amd64.deb (cmake/Packaging.cmake).
#   runtime stage: that .deb, installed by apt, so the image has exactly the
#   files and the runtime libraries (computed from the binaries) of the
#   package; plus xapian-tools (for shards served by xapian-tcpsrv and
#   replicas) and wamerican (the word list that spelling correction leaves
#   alone), a non-root user, /var/lib/guru as the index volume, gRPC on
#   50051, metrics on 9090.
# `debian:12` may be the official image or one made locally with debootstrap
# (scripts/container_check.sh); apt uses whatever mirror the base image has.

FROM debian:12 AS build
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
# file: CPack's dependency list needs it to find the binaries.
RUN bash scripts/setup.sh --build-only \
 && apt-get install -y -qq --no-install-recommends file >/dev/null
COPY . .
RUN bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release \
 && ctest --test-dir build --output-on-failure -j "$(nproc)" -LE "cluster|clients" \
 && cpack --config build/CPackConfig.cmake -B build/package

FROM debian:12 AS runtime
COPY --from=build /src/build/package/guru-search_*_amd64.deb /tmp/
# The user first, with the uid that volumes of earlier images belong to; the
# package's postinst then keeps it.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/guru \
      --shell /usr/sbin/nologin guru \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      /tmp/guru-search_*_amd64.deb xapian-tools wamerican ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/guru-search_*_amd64.deb
# From the package, beside /usr/bin/guru-*: /usr/share/guru/sample (what
# compose's indexer feeds), synonyms/ and safety/ (--safety-advice
# /usr/share/guru/safety/advice-uk.txt; the rules as built into guru-server).
USER guru
VOLUME /var/lib/guru
# gRPC (guru.v1.GuruSearch, health, reflection); metrics (--metrics-listen).
EXPOSE 50051 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s \
  CMD ["guru-query", "--server", "127.0.0.1:50051", "--health"]
# Metrics in the entrypoint, so that a CMD given at `run` keeps them.
ENTRYPOINT ["guru-server", "--listen", "0.0.0.0:50051", "--metrics-listen", "0.0.0.0:9090"]
CMD ["--db", "/var/lib/guru/index"]
