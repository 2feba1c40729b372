"""The garbage collector pause used while building statuses and notices in bulk."""
import gc

import pytest

from webapp.batching import collector_paused


def test_pauses_and_resumes_even_when_the_block_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("the block failed")
    assert gc.isenabled()


def test_nested_pause_resumes_only_at_the_outer_end():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_works_as_a_decorator():
    @collector_paused()
    def build():
        return gc.isenabled()

    assert build() is False
    assert gc.isenabled()
