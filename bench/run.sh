#!/usr/bin/env bash
# Runs every ordercache benchmark against its peers and writes the report.
#
#   bench/run.sh            full run (~22 min on 2 cores), writes docs/benchmarks.md
#   bench/run.sh --quick    short iterations (< 8 min), writes ordercache-benchmarks/target/benchmarks-quick.md
#   bench/run.sh --output some/file.md
#   bench/run.sh --quick --only 2,6,8   some benchmarks only (numbers 1 to 8, as in the report)
#
# Needs only a JDK 17+: Redis is started on a free port (redis-server from PATH, else the embedded
# binary), unless BENCH_REDIS_URL names one (keys ocbench_* are written there and removed after).
# redis-benchmark is used for one reference figure when installed.
set -euo pipefail
cd "$(dirname "$0")/.."

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "== Building the benchmarks and the sample app"
./mvnw -B -q -DskipTests -pl ordercache-benchmarks,sample-app -am package

classpath="ordercache-benchmarks/target/classes:$(cat ordercache-benchmarks/target/classpath.txt)"
exec "$java" -Xmx1g -cp "$classpath" io.fatamorgana.ordercache.benchmarks.BenchmarkSuite \
	--sample-app-jar "$(ls sample-app/target/sample-app-*.jar | grep -v original | head -1)" "$@"
