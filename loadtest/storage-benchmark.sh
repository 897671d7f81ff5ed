#!/usr/bin/env bash
# Storage benchmark: writes/s and commit latency with group commit versus one transaction per write,
# on the embedded PostgreSQL. Usage: loadtest/storage-benchmark.sh [-Dwrites=50000 -DinFlight=256 -Dpool=4]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl shadow -am test-compile
mvn -B -q -pl shadow dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
exec java "$@" -cp "shadow/target/test-classes:shadow/target/classes:$(cat shadow/target/bench.classpath)" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn io.shadowmq.shadow.store.StorageBenchmark
