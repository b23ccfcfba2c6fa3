# Sourced by the run-* scripts: builds what a fresh clone needs and sets $JAVA.
#  1. jmux itself, installed into ~/.m2 (the benchmarks depend on io.jmux:jmux:0.1.0-SNAPSHOT);
#  2. benchmarks.jar and the C twin (target/c/jmux-ctwin), from benchmarks/pom.xml.
# Both builds and the run use $JAVA_HOME's JDK when it is set, else `java` on the PATH:
# with JDK 22+ the FFM benchmarks are compiled and run too.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "== JDK: $("$JAVA" -version 2>&1 | head -1)"
echo "== building jmux: mvn -B -q install -DskipTests (repository root)"
(cd "$root" && mvn -B -q install -DskipTests)
echo "== building benchmarks.jar and the C twin: mvn -B -q -f benchmarks/pom.xml package"
mvn -B -q -f "$here/pom.xml" package -DskipTests
cd "$here"
