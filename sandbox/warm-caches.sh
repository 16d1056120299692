#!/bin/sh
# Run inside the sandbox image while it is built (by both builders): start-up caches every
# submission reads, made once. Everything here is root's and read-only at judging time.
#  - Precompiled headers of <bits/stdc++.h> for the C++ rows' flags (-O2, gnu++20 and gnu++23):
#    g++ uses one when a program includes it first with the same flags, and parses the headers
#    otherwise; under gVisor, parsing them costs about 3 s of a compile.
#  - A class-data-sharing archive of the JDK classes javac and a typical program load
#    (-XX:SharedArchiveFile in the Java row): the JVM maps them instead of loading and verifying
#    each. It holds no application class, so any class path may use it.
set -eu
pch=/usr/include/x86_64-linux-gnu/c++/12/bits/stdc++.h.gch
mkdir -p "$pch"
for std in gnu++20 gnu++23; do
  g++ -O2 -std=$std -x c++-header /usr/include/x86_64-linux-gnu/c++/12/bits/stdc++.h -o "$pch/$std.gch"
done
chmod 644 "$pch"/*.gch
work=$(mktemp -d)
cat > "$work/Main.java" <<'JAVA'
import java.io.*;
import java.util.*;
import java.util.stream.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(in.readLine());
        long a = Long.parseLong(st.nextToken()), b = Long.parseLong(st.nextToken());
        Scanner s = new Scanner("1 2.5 x\n");
        long c = s.nextLong(); double d = s.nextDouble(); String w = s.next();
        List<Integer> list = new ArrayList<>(List.of(3, 1, 2));
        Collections.sort(list);
        Map<String, Integer> map = new HashMap<>(); map.put(w, 1);
        TreeMap<Integer, Integer> tree = new TreeMap<>(); tree.put(1, 2);
        ArrayDeque<Integer> queue = new ArrayDeque<>(); queue.add(1);
        PriorityQueue<Long> heap = new PriorityQueue<>(); heap.add(a);
        int[] xs = {3, 1, 2}; Arrays.sort(xs);
        String joined = IntStream.of(xs).mapToObj(Integer::toString).collect(Collectors.joining(" "));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        StringBuilder sb = new StringBuilder().append(a + b);
        out.println(sb);
        out.flush();
        System.err.println(String.format("%d %.2f %s %s %s %s %s", c, d, map, tree, queue, heap, joined));
        System.out.println(new java.math.BigInteger("12345678901234567890").multiply(java.math.BigInteger.TWO));
    }
}
JAVA
cd "$work"
javac -J-XX:DumpLoadedClassList="$work/javac.classes" -encoding UTF-8 -d . Main.java
echo "1 2" | java -XX:DumpLoadedClassList="$work/run.classes" -cp . Main > /dev/null 2>&1
# JDK classes only: the archive must not depend on a class path.
cat javac.classes run.classes | grep -v -e '^Main' -e '^#' | sort -u > jdk.classes
java -Xshare:dump -XX:SharedClassListFile=jdk.classes -XX:SharedArchiveFile=/opt/arena/java.jsa \
  -Xlog:disable > /dev/null
chmod 644 /opt/arena/java.jsa
# Kotlin: two archives with the JDK's classes and the Kotlin jar's (the class path of each is a
# prefix of the row's, as CDS requires): the compiler's, which more than halves a compile under
# gVisor (about 11 s to 5 s for A+B), and the standard library's for the programs' runs. The row
# starts the compiler's main class itself: the kotlinc script first starts a JVM only to read
# `java -version`, and loads the compiler through its own class loader, which CDS cannot archive.
# The warm program is in package `warm`: none of its classes may enter an archive.
kotlin=/opt/arena/npm/node_modules/kotlin-compiler
cat > "$work/main.kt" <<'KOTLIN'
package warm

import java.io.*
import java.util.*

data class Edge(val to: Int, val cost: Long)

fun main() {
    val input = BufferedReader(InputStreamReader(System.`in`))
    val (a, b) = input.readLine().trim().split(" ").map { it.toLong() }
    val graph = List(3) { mutableListOf<Edge>() }
    graph[0].add(Edge(1, a)); graph[1].add(Edge(2, b))
    val heap = PriorityQueue<Pair<Long, Int>>(compareBy { it.first })
    heap.add(0L to 0)
    val seen = HashMap<Int, Long>()
    while (heap.isNotEmpty()) {
        val (d, v) = heap.poll()
        if (seen.putIfAbsent(v, d) != null) continue
        for (e in graph[v]) heap.add(d + e.cost to e.to)
    }
    val words = "b a c".split(" ").sorted().joinToString(",")
    val grid = Array(2) { IntArray(2) { it } }
    val out = StringBuilder().append(seen[2] ?: -1).append('\n')
    System.err.println("$words ${grid.sumOf { it.sum() }} ${(1..5).filter { it % 2 == 1 }.map { it * it }}")
    print(out)
    println(String.format("%.3f %s", a / 3.0, mutableSetOf(1, 2).toSortedSet()))
}
KOTLIN
java -XX:DumpLoadedClassList="$work/kotlinc.classes" -Dkotlin.home="$kotlin" \
  -cp "$kotlin/lib/kotlin-compiler.jar" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler -nowarn -d . main.kt
java -Xshare:dump -XX:SharedClassListFile=kotlinc.classes -XX:SharedArchiveFile=/opt/arena/kotlinc.jsa \
  -cp "$kotlin/lib/kotlin-compiler.jar" -Xlog:disable > /dev/null
echo "1 2" | java -XX:DumpLoadedClassList="$work/kotlin.classes" -cp "$kotlin/lib/kotlin-stdlib.jar:." \
  warm.MainKt > /dev/null 2>&1
grep -v -e '^warm/' -e '^#' kotlin.classes > kotlin-lib.classes
java -Xshare:dump -XX:SharedClassListFile=kotlin-lib.classes -XX:SharedArchiveFile=/opt/arena/kotlin.jsa \
  -cp "$kotlin/lib/kotlin-stdlib.jar" -Xlog:disable > /dev/null
chmod 644 /opt/arena/kotlinc.jsa /opt/arena/kotlin.jsa
cd /
rm -rf "$work"
