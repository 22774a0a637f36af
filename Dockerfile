# Hookline in a container. Build: docker build -t hookline .
# Run:   docker run -p 8080:8080 -v hookline-data:/data -e HOOKLINE_API_KEY=... hookline
# (Written for users with Docker; the project's own machines have none, so it is not built in CI.)

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY hookline-signature hookline-signature
COPY hookline-server hookline-server
# The release tarball (also made by package) needs files this stage does not copy: skip it, the jar is all we need.
RUN mvn -B -q -Dmaven.test.skip=true -Dassembly.skipAssembly=true package

FROM eclipse-temurin:21-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin hookline \
    && mkdir -p /data /opt/hookline \
    && chown hookline:hookline /data \
    && chmod 0700 /data
COPY --from=build /src/hookline-server/target/hookline.jar /opt/hookline/hookline.jar
USER hookline
WORKDIR /data
ENV HOOKLINE_DATA_DIR=/data \
    HOOKLINE_PORT=8080 \
    HOOKLINE_LOG_FORMAT=json
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/hookline/hookline.jar"]
CMD ["serve"]
