"""What the benchmark scripts share (imported as `benchlib`: the scripts run from bench/)."""

import sys


def log(message):
    """Progress on stderr: stdout carries the Markdown tables."""
    print(message, file=sys.stderr, flush=True)


def percentile(values, fraction):
    """The value at `fraction` (0..1) of the sorted values, nearest rank; nan for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
