"""The thread governor: fewer training threads while other processes are busy, all of them when idle."""

from pipeline.cpushare import ThreadGovernor, read_proc_jiffies


class FakeMachine:
    """Two cores; each tick of 5 s adds 1,000 jiffies per core and the given busy shares."""

    def __init__(self):
        self.busy = self.total = self.own = 0
        self.t = 0.0

    def tick(self, own_cores: float, other_cores: float, seconds: float = 5.0):
        self.t += seconds
        self.total += int(2000 * seconds / 5)
        self.own += int(1000 * own_cores * seconds / 5)
        self.busy += int(1000 * (own_cores + other_cores) * seconds / 5)

    def read(self):
        return self.busy, self.total, self.own


def make():
    m, calls = FakeMachine(), []
    g = ThreadGovernor(2, calls.append, read=m.read, clock=lambda: m.t, cores=2)
    return m, g, calls


def test_drops_to_one_thread_when_another_process_takes_a_core_and_returns_when_idle():
    m, g, calls = make()
    m.tick(own_cores=2.0, other_cores=0.0)
    assert g.update() == 2 and calls == []
    m.tick(own_cores=1.0, other_cores=1.0)  # a test run starts
    assert g.update() == 1 and calls == [1]
    assert abs(g.others - 1.0) < 1e-6
    m.tick(own_cores=1.0, other_cores=0.0)  # it ends: wait for three calm windows before going back
    assert g.update() == 1
    m.tick(own_cores=1.0, other_cores=0.1)
    assert g.update() == 1
    m.tick(own_cores=1.0, other_cores=0.0)
    assert g.update() == 2 and calls == [1, 2]


def test_a_burst_between_the_thresholds_changes_nothing_and_interrupts_the_calm():
    m, g, calls = make()
    m.tick(1.0, 1.0)
    g.update()
    for others in (0.0, 0.0, 0.4, 0.0, 0.0):
        m.tick(1.0, others)
        assert g.update() == 1
    m.tick(1.0, 0.0)
    assert g.update() == 2


def test_reads_only_once_per_window():
    m, g, calls = make()
    m.tick(1.0, 1.0, seconds=1.0)
    assert g.update() == 2  # one second is too short to judge
    m.tick(1.0, 1.0, seconds=4.0)
    assert g.update() == 1


def test_without_proc_or_with_one_thread_it_never_changes_anything():
    calls = []
    g = ThreadGovernor(2, calls.append, read=lambda: None, clock=lambda: 1e9)
    assert g.update() == 2 and not g.enabled
    g1 = ThreadGovernor(1, calls.append, read=lambda: (0, 0, 0), clock=lambda: 1e9)
    assert g1.update() == 1 and calls == []


def test_reads_this_machine():
    r = read_proc_jiffies()
    if r is not None:  # Linux
        busy, total, own = r
        assert 0 <= busy <= total and 0 <= own
