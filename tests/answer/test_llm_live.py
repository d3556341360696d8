"""The evaluation questions through a real language model, when one is available.

Set ASSISTANT_TEST_LLM_URL (an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1
for Ollama) and ASSISTANT_TEST_LLM_MODEL; optionally ASSISTANT_TEST_LLM_KEY and
ASSISTANT_TEST_LLM_LIMIT (questions to run; default all). The report, with the share of
sentences that passed grounding, goes to test-artifacts/llm-eval.json and is printed.
Whatever the model writes, nothing unbacked may reach an answer: that is what is asserted.
"""

from __future__ import annotations

import json
import os

import pytest
from files import ROOT
from pydantic import SecretStr

URL = os.environ.get("ASSISTANT_TEST_LLM_URL")
pytestmark = pytest.mark.skipif(not URL, reason="ASSISTANT_TEST_LLM_URL is not set (no real model to test against)")


def test_eval_questions_through_a_real_model(corpus_assistant, tmp_path, capsys):
    from assistant import evaluation
    from assistant.pipeline import Assistant

    settings = corpus_assistant.settings.model_copy(update={
        "llm": "openai-compatible", "llm_base_url": URL,
        "llm_model": os.environ.get("ASSISTANT_TEST_LLM_MODEL", "default"),
        "llm_api_key": SecretStr(os.environ.get("ASSISTANT_TEST_LLM_KEY", "")),
        "llm_timeout": float(os.environ.get("ASSISTANT_TEST_LLM_TIMEOUT", "120")),
    })
    assistant = Assistant(settings, index=corpus_assistant.index)
    items = evaluation.load_dataset(ROOT / "eval" / "known_facts.jsonl")
    limit = int(os.environ.get("ASSISTANT_TEST_LLM_LIMIT", len(items)))
    dataset = tmp_path / "questions.jsonl"
    dataset.write_text("\n".join(json.dumps(i) for i in items[:limit]), "utf-8")
    report = evaluation.run(assistant, dataset, baseline=False)
    out = ROOT / "test-artifacts" / "llm-eval.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False), "utf-8")
    with capsys.disabled():
        print("\n" + evaluation.format_summary(report))
    summary = report["summary"]
    assert summary["numeric_grounding"] == 1.0  # every figure shown is in a cited passage
    assert summary["citation_validity"] == 1.0  # every [n] shown is a passage that was given
    assert summary["grounded_sentence_share"] is not None, f"the model wrote nothing: is {URL} reachable?"
