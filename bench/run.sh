#!/usr/bin/env bash
# Failover benchmark: builds sample-app and the bench tool, then runs it (about 25 minutes on 2 cores).
#   bench/run.sh                 both profiles, one after the other:
#                                quiet (about 10 min): 30 SIGKILLs and 4 SIGTERMs each at 3 and 5 replicas, idle cost at
#                                3, 5, 7, a 4th replica added to 3 and removed again 10 times, a rolling restart at 3 and 5;
#                                busy (about 15 min, one core of background load, nice 0, no warm-up transfers): idle
#                                windows, 10 + 30 follower restarts, a rolling restart, 10 SIGKILLs and 4 SIGTERMs at 3 and 5
#   bench/run.sh --profile=quiet the run of the history (plus its rolling restarts); --profile=busy the busy one alone
#   bench/run.sh --only=membership   only the additions and removals (about 1.5 minutes)
#   bench/run.sh --only=groups   only the election groups (quiet): idle cost with 1, 10 and 50 groups on 5 replicas,
#                                3 SIGKILLs of a replica leading several of 10 groups (also part of the quiet profile)
#   bench/run.sh --long          plus 10 idle minutes on 5 replicas, in each profile
#   bench/run.sh --help          all options
# Results: bench/target/results/ (report.md, *.csv, failover-cdf*.png, replicas/<profile>/*/n*.log).
set -euo pipefail
cd "$(dirname "$0")/.."
# forceCreation: the sample-app jar is repacked even when only a module it depends on changed (else the
# replicas would run the previous build of the starter)
./mvnw -B -q -pl bench -am package -DskipTests -Dmaven.jar.forceCreation=true
exec java -Djava.awt.headless=true -jar bench/target/raft-bench-0.1.0-SNAPSHOT.jar \
	--jar=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar "$@"
