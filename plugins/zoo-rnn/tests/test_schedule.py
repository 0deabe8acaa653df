"""The wall-clock budget of timed runs."""

from __future__ import annotations

import time

import pytest


def test_keeping_back_ends_the_epochs_clock_early() -> None:
    from zoo_rnn.schedule import TimeShare

    kept = TimeShare(max_minutes=0.01, epochs=1)  # 0.6 s
    whole = TimeShare(max_minutes=0.01, epochs=1)
    kept.start(keep_back=0.12)
    whole.start()
    time.sleep(0.5)

    # 0.5 s is past the 0.48 s left after keeping back, not past the 0.6 s share
    assert kept.keep_back == pytest.approx(0.12)
    assert kept.used() == 1.0
    assert whole.used() < 1.0


def test_at_most_a_fifth_of_an_epoch_is_kept_back() -> None:
    from zoo_rnn.schedule import TimeShare

    clock = TimeShare(max_minutes=0.02, epochs=2)  # 0.6 s an epoch
    clock.start(keep_back=100.0)

    assert clock.keep_back == pytest.approx(0.12)


def test_an_unlimited_clock_keeps_nothing_back() -> None:
    from zoo_rnn.schedule import TimeShare

    clock = TimeShare(max_minutes=0.0, epochs=3)
    clock.start(keep_back=10.0)

    assert clock.keep_back == 0.0 and clock.used() == 0.0
