"""Share the CPU with whatever else runs: all threads while the machine is idle, fewer while it is busy.

Measured on the 2-core training machine: two training threads beside a test run or a browser stall on each
other's OpenMP barriers (300-600 tokens/s instead of 8,300), while one thread keeps ~4,500. So the loop asks
`ThreadGovernor.update()` every step; it reads how much CPU *other* processes used (/proc/stat minus our own
/proc/self/stat) and moves torch between 1 and the configured thread count, with hysteresis so that a short
burst does not flip it back and forth. Without /proc (macOS, Windows) the thread count stays as configured.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable


def read_proc_jiffies(proc: Path = Path("/proc")) -> tuple[int, int, int] | None:
    """(busy jiffies of all CPUs, all jiffies, this process's user+system jiffies), or None without /proc."""
    try:
        cpu = (proc / "stat").read_text().splitlines()[0].split()
        vals = [int(v) for v in cpu[1:]]
        idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
        total = sum(vals[:8])  # guest time is already counted in user
        mine = (proc / "self" / "stat").read_text()
        fields = mine[mine.rindex(")") + 2 :].split()  # the command name may contain spaces
        own = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the man page)
        return total - idle, total, own
    except (OSError, ValueError, IndexError):
        return None


class ThreadGovernor:
    """Chooses the torch thread count from the CPU load of other processes, measured in cores."""

    def __init__(
        self,
        max_threads: int,
        set_threads: Callable[[int], None],
        read: Callable[[], tuple[int, int, int] | None] = read_proc_jiffies,
        clock: Callable[[], float] = time.monotonic,
        cores: int | None = None,
        window_s: float = 5.0,
        busy_cores: float = 0.5,
        idle_cores: float = 0.25,
        calm_windows: int = 3,
    ):
        self.max_threads, self.set_threads, self.read, self.clock = max_threads, set_threads, read, clock
        self.cores = cores or os.cpu_count() or 1
        self.window_s, self.busy_cores, self.idle_cores, self.calm_windows = (
            window_s,
            busy_cores,
            idle_cores,
            calm_windows,
        )
        self.threads = max_threads
        self.calm = 0
        self.last = read()
        self.last_t = clock()
        self.others = 0.0  # cores used by other processes in the last window
        self.enabled = max_threads > 1 and self.last is not None

    def update(self) -> int:
        """Call once per step; returns the thread count now in force."""
        if not self.enabled or self.clock() - self.last_t < self.window_s:
            return self.threads
        now = self.read()
        if now is None:
            return self.threads
        d_busy, d_total, d_own = (a - b for a, b in zip(now, self.last))
        self.last, self.last_t = now, self.clock()
        if d_total <= 0:
            return self.threads
        self.others = max(0.0, (d_busy - d_own) / d_total * self.cores)
        if self.others >= self.busy_cores:
            self.calm = 0
            self._apply(1)
        elif self.others <= self.idle_cores:
            self.calm += 1
            if self.calm >= self.calm_windows:  # idle for a while: take the whole machine again
                self._apply(self.max_threads)
        else:
            self.calm = 0
        return self.threads

    def _apply(self, n: int) -> None:
        if n != self.threads:
            self.threads = n
            self.set_threads(n)
