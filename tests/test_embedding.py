"""The bundled embedding model and the vectors it keeps between questions."""

from __future__ import annotations

import pytest

import assistant.embedding

pytestmark = pytest.mark.slow
QUESTION = "How many children were in care in Barnsley at the end of October 2023?"


def test_a_question_is_embedded_once_and_its_vector_is_the_models(embedder):
    first = embedder.embed_query(QUESTION)
    assert embedder.embed_query(QUESTION) is first  # the answer's quote choice reuses retrieval's vector
    assert first == pytest.approx(embedder.llama.get_query_embedding(QUESTION))


def test_quote_similarities_are_cosines_and_the_caches_stay_bounded(embedder, monkeypatch):
    monkeypatch.setattr(assistant.embedding, "QUOTE_CACHE", 3)
    quotes = ["Barnsley had 328 children in care at the end of October 2023.",
              "The re-referral rate was 28.4%.", "Agency social workers made up 9% of the workforce.",
              "Barnsley had 328 children in care at the end of October 2023."]
    scores = embedder.similarities(QUESTION, quotes)
    assert scores[0] == scores[3] and scores[0] > max(scores[1:3])  # the same quote, the nearest meaning
    embedder.similarities(QUESTION, ["Placement stability improved.", "Dental checks were at 80%."])
    assert len(embedder._quote_vectors) == 3
