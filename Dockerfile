# Multi-stage image for guru-server, guru-indexer and guru-query.
#   build stage: Debian 12 toolchain; builds and runs the unit, integration
#   and end-to-end tests (the cluster tests run in CI outside the image).
#   runtime stage: only the runtime libraries, xapian-tools (for shards
#   served by xapian-tcpsrv and replicas) and wamerican (the word list that
#   spelling correction leaves alone), a non-root user, /var/lib/guru as
#   the index volume, gRPC on 50051, metrics on 9090.
# `debian:12` may be the official image or one made locally with debootstrap
# (scripts/container_check.sh); apt uses whatever mirror the base image has.

FROM debian:12 AS build
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
RUN bash scripts/setup.sh --build-only
COPY . .
RUN bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release \
 && ctest --test-dir build --output-on-failure -j "$(nproc)" -LE "cluster|clients"

FROM debian:12 AS runtime
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libxapian30 xapian-tools libxml2 libgrpc++1.51 libgrpc29 libprotobuf32 \
      libspdlog1.10 libfmt9 libabsl20220623 libprometheus-cpp-core1.0 \
      libprometheus-cpp-pull1.0 ca-certificates wamerican \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/guru guru \
 && mkdir -p /var/lib/guru && chown guru /var/lib/guru
COPY --from=build /src/build/src/server/guru-server /src/build/indexer/guru-indexer \
     /src/build/tools/guru-query /src/build/tools/guru-bench /usr/local/bin/
COPY --from=build /src/data/sample /usr/share/guru/sample
COPY --from=build /src/data/synonyms /usr/share/guru/synonyms
# The safety rules are built into guru-server; the advice examples
# (--safety-advice /usr/share/guru/safety/advice-uk.txt) and the rules as
# shipped, to read or to start from with --safety-rules.
COPY --from=build /src/data/safety /usr/share/guru/safety
USER guru
VOLUME /var/lib/guru
# gRPC (guru.v1.GuruSearch, health, reflection); metrics (--metrics-listen).
EXPOSE 50051 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s \
  CMD ["guru-query", "--server", "127.0.0.1:50051", "--health"]
ENTRYPOINT ["guru-server", "--listen", "0.0.0.0:50051"]
CMD ["--db", "/var/lib/guru/index"]
