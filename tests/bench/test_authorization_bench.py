"""The authorization benchmark runs the real core and reports its figures."""

from twin.bench import authorization as bench

FIGURES = {"per_second", "per_cpu_second", "p50_us", "p99_us", "p999_us", "max_us"}


def test_chip_purchases_one_at_a_time():
    result = bench.chip_purchases(200, cards=20, repeats=1)
    assert FIGURES <= result.keys()
    assert result["per_second"] > 0
    assert 0 < result["p50_us"] <= result["p99_us"] <= result["p999_us"] <= result["max_us"]
    assert (result["requests"], result["batch_size"]) == (200, 1)


def test_chip_purchases_in_batches():
    result = bench.chip_purchases(200, batch_size=50, cards=20, repeats=2)
    assert result["batch_size"] == 50
    assert result["per_cpu_second"] > 0


def test_purchases_are_approved():
    with bench._Programme(10, seed=1) as programme:
        requests = [programme.chip_purchase(index, "shop_plain") for index in range(30)]
        programme.run(requests, 10)
        assert programme.core.metrics.snapshot()["responses"] == {"00": 30}


def test_holiday_peak_mix():
    result = bench.holiday_peak(400, batch_size=100, cards=20, repeats=1)
    assert result["approved_share"] > 0.9
    assert round(sum(result["mix"].values()), 9) == 1


def test_holiday_peak_sends_every_kind():
    import numpy as np

    with bench._Programme(20, seed=1) as programme:
        rng = np.random.default_rng(1)
        plan = [programme.peak_request(index, draw) for index, draw in enumerate(rng.random(400))]
        programme.run_peak(plan, rng, 100)
        kinds = programme.core.metrics.snapshot()["kinds"]
        assert set(kinds) == {"purchase", "balance", "refund", "reversal"}
        programme.bank.ledger.flush()
        from twin.ledger import verify_store

        assert verify_store(programme.bank.ledger.store).ok


def test_dict_floor():
    result = bench.dict_floor(1_000, cards=10, repeats=1)
    assert result["approved"] == 1_000
    assert result["per_second"] > 0


def test_profile_names_pipeline_steps():
    result = bench.profile_purchases(100, top=5, cards=10)
    assert {"format", "card", "chip", "pin", "process", "total"} <= set(result["step_mean_us"])
    assert len(result["top_functions"]) == 5


def test_run_unfreezes_the_collector():
    import gc

    with bench._Programme(10, seed=1) as programme:
        requests = [programme.chip_purchase(index, "shop_plain") for index in range(10)]
        programme.run(requests, 5)
    assert gc.get_freeze_count() == 0


def test_unfrozen_run_is_reported():
    result = bench.chip_purchases(50, batch_size=25, cards=10, repeats=1, frozen=False)
    assert result["frozen"] is False


def test_profile_of_single_requests():
    result = bench.profile_purchases(50, batch_size=0, top=3, cards=10)
    assert result["batch_size"] == 1
