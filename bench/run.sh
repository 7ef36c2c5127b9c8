#!/usr/bin/env bash
# Failover benchmark: builds sample-app and the bench tool, then runs it (8-10 minutes on 2 cores).
#   bench/run.sh                 default run: 30 SIGKILLs and 4 SIGTERMs each at 3 and 5 replicas, idle cost at 3, 5, 7,
#                                a 4th replica added to 3 and removed again 10 times
#   bench/run.sh --only=membership   only the additions and removals (about 1.5 minutes)
#   bench/run.sh --long          plus 10 idle minutes on 5 replicas
#   bench/run.sh --help          all options
# Results: bench/target/results/ (report.md, *.csv, failover-cdf.png, replicas/*/n*.log).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl bench -am package -DskipTests
exec java -Djava.awt.headless=true -jar bench/target/raft-bench-0.1.0-SNAPSHOT.jar \
	--jar=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar "$@"
