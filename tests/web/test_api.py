"""The ask route the load test drives (bench/load.py), over real HTTP: if it is renamed or
its inputs change, `make load` would measure nothing but errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"


def _load_test():
    spec = importlib.util.spec_from_file_location("load", LOAD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_load_tests_client_gets_answers(app_url):
    ask = _load_test()._http_ask(app_url)
    chat = ask("What was the re-referral rate in Barnsley at the end of October 2023?")
    assert "28.4%" in str(chat[-1])
