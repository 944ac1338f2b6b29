from worker import backoff


def test_backoff_is_capped():
    assert backoff(1) == 2
    assert backoff(20) == 300
