#!/usr/bin/env python3
"""Share of a flight recording's CPU samples whose stack passes through given packages.

Usage: jfr print --stack-depth 64 --events jdk.ExecutionSample REC.jfr | loadtest/jfr-cpu-share.py PREFIX [PREFIX...]

A sample counts for the first PREFIX (in the order given) found anywhere in its stack, so list the
most specific first (io.shadowmq.shadow.rollout before io.shadowmq). Samples are of Java code only:
time in the kernel (socket writes) and in PostgreSQL is not in them.
"""
import re
import sys

prefixes = sys.argv[1:]
if not prefixes:
    sys.exit(__doc__)
counts = {p: 0 for p in prefixes}
total = 0
for event in sys.stdin.read().split("jdk.ExecutionSample")[1:]:
    stack = re.search(r"stackTrace = \[(.*?)\n\s*\]", event, re.S)
    if not stack:
        continue
    total += 1
    frames = stack.group(1)
    for p in prefixes:
        if p in frames:
            counts[p] += 1
            break
print(f"samples {total}")
for p in prefixes:
    share = 100.0 * counts[p] / total if total else 0.0
    print(f"{counts[p]:8d} {share:5.1f} %  {p}")
