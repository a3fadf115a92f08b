# Multi-stage image for guru-server, guru-indexer and guru-query.
#   build stage: Debian 12 toolchain, builds and runs the unit tests.
#   runtime stage: only the runtime libraries, a non-root user, /var/lib/guru
#   as the index volume.

FROM debian:12 AS build
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
RUN bash scripts/setup.sh
COPY . .
RUN bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release \
 && ctest --test-dir build --output-on-failure -j "$(nproc)"

FROM debian:12 AS runtime
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libxapian30 libgrpc++1.51 libgrpc29 libprotobuf32 libspdlog1.10 libfmt9 \
      libabsl20220623 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/guru guru \
 && mkdir -p /var/lib/guru && chown guru /var/lib/guru
COPY --from=build /src/build/src/server/guru-server /src/build/indexer/guru-indexer \
     /src/build/tools/guru-query /src/build/tools/guru-bench /usr/local/bin/
COPY --from=build /src/data/sample /usr/share/guru/sample
USER guru
VOLUME /var/lib/guru
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s \
  CMD ["guru-query", "--server", "127.0.0.1:50051", "--health"]
ENTRYPOINT ["guru-server", "--db", "/var/lib/guru/index", "--listen", "0.0.0.0:50051"]
