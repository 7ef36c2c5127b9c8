#!/usr/bin/env bash
# One command for the live demo: builds the sample app (and the modules it needs), then starts
# three replicas as separate processes plus a dashboard at http://localhost:8080. Besides the
# default group, the replicas run three election groups (billing, outbox, warmer), each with a
# leader and a job of its own; --demo.groups=a,b names others, --demo.groups= runs none.
# Options are passed on, e.g.: ./demo.sh --server.port=9090 --demo.replica-ports=9091,9092,9093
# Needs only a JDK 17 or newer; the Maven Wrapper fetches Maven. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v java >/dev/null 2>&1; then
	echo "demo.sh: no 'java' on the PATH; install a JDK 17 or newer." >&2
	exit 1
fi

echo "Building the sample app (the first run downloads Maven and the dependencies: a few minutes)..."
./mvnw -B -q -ntp -pl sample-app -am package -DskipTests

groups=(--demo.groups=billing,outbox,warmer)
for arg in "$@"; do
	case "$arg" in
		--demo.groups=*) groups=() ;;
	esac
done

exec java -jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --demo ${groups[@]+"${groups[@]}"} "$@"
