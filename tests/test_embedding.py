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


def test_texts_are_embedded_shortest_first_and_their_vectors_returned_in_their_order(embedder, monkeypatch):
    """The model pads a batch to its longest text, so texts are batched by length; the
    vectors still come back in the order the texts were given."""
    texts = ["Agency social workers made up 9% of the children's social care workforce at the end "
             "of the quarter, against 12% a year before and a target of 10%.",
             "Re-referrals: 28.4%.", "Barnsley had 328 children in care."]
    assert assistant.embedding.shortest_first(texts) == [1, 2, 0]
    batches = []
    embed, model = embedder.llama.get_text_embedding_batch, type(embedder.llama)
    monkeypatch.setattr(model, "get_text_embedding_batch", lambda self, some: batches.append(some) or embed(some))
    vectors = embedder.embed_texts(texts)
    assert batches == [[texts[1], texts[2], texts[0]]]
    for text, vector in zip(texts, vectors):
        assert vector == pytest.approx(embed([text])[0], abs=1e-5)
